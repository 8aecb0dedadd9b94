/**
 * A document that cannot change — a stored version, or a snapshot of the
 * live text — rendered by the same TipTap schema and extensions as the live
 * editor (numbering included), bound to a local Y.Doc with no provider and
 * no awareness, and not editable.
 */
import type { Editor } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import type { ReactNode } from 'react';
import type * as Y from 'yjs';
import { Outline } from '../components/Outline';
import { buildEditorExtensions } from '../editor/extensions';

export function useFrozenEditor(ydoc: Y.Doc, label: string): Editor | null {
  return useEditor(
    {
      extensions: buildEditorExtensions({ ydoc }),
      editable: false,
      editorProps: {
        attributes: {
          class: 'draft-editor draft-editor--frozen',
          'data-testid': 'frozen-text',
          role: 'document',
          'aria-label': label,
          'aria-readonly': 'true',
        },
      },
    },
    [ydoc],
  );
}

interface FrozenDocumentProps {
  ydoc: Y.Doc;
  /** The accessible name of the text, e.g. "Action Plan — Rev. 1 (read-only)". */
  label: string;
  /** The right-hand column: details about what is shown. */
  aside?: ReactNode;
}

/** Outline | paper | details, like the document page. */
export function FrozenDocument({ ydoc, label, aside }: FrozenDocumentProps) {
  const editor = useFrozenEditor(ydoc, label);
  if (!editor) return null;
  return (
    <div className="doc-layout frozen-layout">
      <aside className="doc-layout__outline">
        <Outline editor={editor} />
      </aside>
      <main className="doc-layout__main">
        <article className="paper paper--frozen" aria-label={label}>
          <EditorContent editor={editor} />
        </article>
      </main>
      <aside className="doc-layout__presence">{aside}</aside>
    </div>
  );
}
