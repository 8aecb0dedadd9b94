// @vitest-environment happy-dom
/**
 * The server accepts only what DOCUMENT_MODEL (in shared/) lists; the editor
 * writes what its ProseMirror schema defines. They must be the same, or the
 * server would refuse honest edits (a node or mark the model lacks) or accept
 * content no editor shows (one it lists in excess).
 */
import { DOCUMENT_MODEL } from '@draftroom/shared';
import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildEditorExtensions } from '../../client/src/editor/extensions';

describe('the document model the server enforces is the editor’s schema', () => {
  const schema = getSchema(buildEditorExtensions({ ydoc: new Y.Doc() }));

  it('lists every element with exactly its attributes', () => {
    const elements = Object.fromEntries(
      Object.values(schema.nodes)
        .filter((type) => type.name !== 'text' && type !== schema.topNodeType)
        .map((type) => [type.name, Object.keys(type.spec.attrs ?? {}).sort()]),
    );
    const model = Object.fromEntries(
      Object.entries(DOCUMENT_MODEL.elements).map(([name, attrs]) => [name, [...attrs].sort()]),
    );
    expect(model).toEqual(elements);
  });

  it('lists every mark', () => {
    expect([...DOCUMENT_MODEL.marks].sort()).toEqual(Object.keys(schema.marks).sort());
  });
});
