/**
 * What a reconnect sends after the user undid a change too large to send
 * (issue 12, item 3). In Yjs an undone insert is an insert plus a delete; the
 * undo manager keeps the deleted content (for redo), so the sync step 2 the
 * client sends still carries every byte of it, and the server's frame limit
 * refuses it again. Releasing it (clearing the history, then collecting as
 * Yjs does at the end of a transaction) leaves only its length: small, and a
 * valid update for a peer that never saw the content.
 */
import { getSchema } from '@tiptap/core';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildEditorExtensions } from '../../client/src/editor/extensions';
import { releaseDeletedContent } from '../../client/src/editor/outgoingChanges';
import { estimateYjsBytes, utf8Length } from '../../client/src/editor/pasteGuard';

const EDITOR = 'y-sync';
const KiB = 1024;

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/** A client and a server that share one paragraph; the client's undo manager tracks its editor's changes. */
function setUp() {
  const client = new Y.Doc();
  const content = client.getXmlFragment('content');
  content.insert(0, [paragraph('Agreed text.')]);
  const server = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
  const undoManager = new Y.UndoManager(content, { trackedOrigins: new Set([EDITOR]) });
  return { client, content, server, undoManager };
}

function pasteParagraphs(client: Y.Doc, content: Y.XmlFragment, count: number, bytes: number): void {
  const text = 'x'.repeat(Math.ceil(bytes / count));
  client.transact(() => {
    content.insert(
      content.length,
      Array.from({ length: count }, () => paragraph(text)),
    );
  }, EDITOR);
}

describe('an undone paste and what a reconnect sends', () => {
  it('still carries the undone text while the undo history keeps it, and only its length once released', () => {
    const { client, content, server, undoManager } = setUp();
    const serverState = Y.encodeStateVector(server);
    pasteParagraphs(client, content, 20, 200 * KiB);
    undoManager.undo();
    expect(content.length).toBe(1);

    expect(Y.encodeStateAsUpdate(client, serverState).length).toBeGreaterThan(200 * KiB);
    releaseDeletedContent(client, [undoManager]);
    const update = Y.encodeStateAsUpdate(client, serverState);
    expect(update.length).toBeLessThan(KiB);

    Y.applyUpdate(server, update);
    expect(server.getXmlFragment('content').toString()).toBe(content.toString());
    expect(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)).length).toBeLessThan(16);
  });

  it('does not touch content that is still in the document, and the editor can go on undoing', () => {
    const { client, content, server, undoManager } = setUp();
    const serverState = Y.encodeStateVector(server);
    pasteParagraphs(client, content, 2, 100 * KiB);
    releaseDeletedContent(client, [undoManager]);
    expect(Y.encodeStateAsUpdate(client, serverState).length).toBeGreaterThan(100 * KiB);
    expect(content.length).toBe(3);

    undoManager.stopCapturing();
    client.transact(() => content.insert(content.length, [paragraph('Typed later.')]), EDITOR);
    undoManager.undo();
    expect(content.toString()).not.toContain('Typed later.');
    expect(content.length).toBe(3);
  });
});

describe('the paste guard’s size estimate', () => {
  it('counts UTF-8 bytes as Yjs writes them', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('Łódź')).toBe(7);
    expect(utf8Length('Київ')).toBe(8);
    expect(utf8Length('𝄞')).toBe(4);
  });

  it('is at least the size of the Yjs update the editor writes for the pasted nodes, and not far above', () => {
    const schema = getSchema(buildEditorExtensions({ ydoc: new Y.Doc() }));
    const text = 'Ensure the effective implementation of readmission agreements — Україна, Türkiye. ';
    const paragraphs = Array.from({ length: 50 }, (_, i) =>
      schema.node('paragraph', null, [
        schema.text(text.repeat(i + 1)),
        schema.text(' agreed ad referendum', i % 3 === 0 ? [schema.marks.bold!.create()] : []),
      ]),
    );
    const pasted = schema.node('doc', null, [schema.node('paragraph', null, []), ...paragraphs]);
    const doc = new Y.Doc();
    prosemirrorToYXmlFragment(pasted, doc.getXmlFragment('content'));
    const actual = Y.encodeStateAsUpdate(doc).length;
    const estimate = estimateYjsBytes(paragraphs);
    expect(estimate).toBeGreaterThanOrEqual(actual);
    expect(estimate).toBeLessThan(actual * 1.5);
  });
});
