/**
 * The editor with its toolbar, outline and presence panel. Mounted only once
 * the Y.Doc holds the document (from the server or the offline copy), so the
 * editor never writes default content into an empty fragment.
 */
import type { PresenceUser } from '@draftroom/shared';
import { EditorContent, useEditor } from '@tiptap/react';
import { type ReactNode, useEffect } from 'react';
import type { CollabSession } from '../editor/collabSession';
import { buildEditorExtensions } from '../editor/extensions';
import { Outline } from './Outline';
import { Toolbar } from './Toolbar';

interface EditorWorkspaceProps {
  session: CollabSession;
  user: PresenceUser;
  editable: boolean;
  documentTitle: string;
  /** The "Online now" panel, rendered in the right-hand column. */
  presence: ReactNode;
}

export function EditorWorkspace({ session, user, editable, documentTitle, presence }: EditorWorkspaceProps) {
  const editor = useEditor(
    {
      extensions: buildEditorExtensions({ ydoc: session.ydoc, provider: session.provider, user }),
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
        <p className="toolbar-row__hint">
          {editable ? 'Changes are saved automatically.' : 'Viewing only — editing is turned off.'}
        </p>
      </div>
      <div className="doc-layout">
        <aside className="doc-layout__outline">
          <Outline editor={editor} />
        </aside>
        <main className="doc-layout__main">
          <article className="paper" aria-label={documentTitle}>
            <EditorContent editor={editor} />
          </article>
        </main>
        <aside className="doc-layout__presence">{presence}</aside>
      </div>
    </>
  );
}
