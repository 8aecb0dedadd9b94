/**
 * The editor with its toolbar, outline and presence panel. Mounted only once
 * the Y.Doc holds the document (from the server or the offline copy), so the
 * editor never writes default content into an empty fragment.
 */
import type { PresenceUser } from '@draftroom/shared';
import type { AnyExtension, Editor } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import { type ReactNode, useEffect } from 'react';
import type { CollabSession } from '../editor/collabSession';
import { buildEditorExtensions } from '../editor/extensions';
import { Outline } from './Outline';
import { Toolbar } from './Toolbar';

/** An optional layer over the editor (e.g. negotiation): more extensions, and UI that needs the editor. */
export interface EditorLayer {
  extensions: AnyExtension[];
  /** Shown after the formatting toolbar. */
  toolbar: (editor: Editor) => ReactNode;
  /** Shown above the "Online now" panel. */
  sidebar: (editor: Editor) => ReactNode;
  /** Rendered inside the paper, after the editor (portals, popovers). */
  inPaper: (editor: Editor) => ReactNode;
  /** Added to the three-column layout. */
  layoutClassName?: string;
}

interface EditorWorkspaceProps {
  session: CollabSession;
  user: PresenceUser;
  editable: boolean;
  documentTitle: string;
  /** The "Online now" panel, rendered in the right-hand column. */
  presence: ReactNode;
  layer?: EditorLayer;
}

export function EditorWorkspace({
  session,
  user,
  editable,
  documentTitle,
  presence,
  layer,
}: EditorWorkspaceProps) {
  const editor = useEditor(
    {
      extensions: [
        ...buildEditorExtensions({ ydoc: session.ydoc, provider: session.provider, user }),
        ...(layer?.extensions ?? []),
      ],
      editable,
      editorProps: {
        attributes: {
          id: 'draft-editor',
          class: 'draft-editor',
          'data-testid': 'editor',
          'aria-label': `${documentTitle} — document text`,
          spellcheck: 'true',
        },
      },
    },
    [session],
  );

  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  if (!editor) return null;

  return (
    <>
      <div className="toolbar-row">
        <Toolbar editor={editor} editable={editable} />
        {layer?.toolbar(editor)}
        <p className="toolbar-row__hint">
          {editable ? 'Changes are saved automatically.' : 'Viewing only — editing is turned off.'}
        </p>
      </div>
      <div className={layer?.layoutClassName ? `doc-layout ${layer.layoutClassName}` : 'doc-layout'}>
        <aside className="doc-layout__outline">
          <Outline editor={editor} />
        </aside>
        <main className="doc-layout__main">
          <article className="paper" aria-label={documentTitle}>
            <EditorContent editor={editor} />
            {layer?.inPaper(editor)}
          </article>
        </main>
        <aside className="doc-layout__presence">
          {layer?.sidebar(editor)}
          {presence}
        </aside>
      </div>
    </>
  );
}
