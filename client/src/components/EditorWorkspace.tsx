/**
 * The editor with its toolbar, outline and presence panel. Mounted only once
 * the Y.Doc holds the document (from the server or the offline copy), so the
 * editor never writes default content into an empty fragment.
 */
import type { PresenceUser } from '@draftroom/shared';
import type { AnyExtension, Editor } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { type ReactNode, useEffect } from 'react';
import type * as Y from 'yjs';
import type { CollabSession } from '../editor/collabSession';
import { EditorHints } from '../editor/editorHints';
import { buildEditorExtensions } from '../editor/extensions';
import { PasteSizeGuard } from '../editor/pasteGuard';
import { FindBar } from '../search/FindBar';
import { CaretHint } from './CaretHint';
import { Outline } from './Outline';
import type { ReadOnlyNotice } from './readOnlyNotice';
import { useToasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { useEditorHints } from './useEditorHints';
import '../styles/hints.css';

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
  /** Why the text cannot be changed here (said in the toolbar row, and at the caret when a key is refused). */
  readOnly?: ReadOnlyNotice | null;
  /** The document is closed for this person (access removed): the text stays, dimmed. */
  closed?: boolean;
}

export function EditorWorkspace({
  session,
  user,
  editable,
  documentTitle,
  presence,
  layer,
  readOnly = null,
  closed = false,
}: EditorWorkspaceProps) {
  const { showToast } = useToasts();
  const hints = useEditorHints(editable ? null : readOnly);
  const editor = useEditor(
    {
      extensions: [
        ...buildEditorExtensions({ ydoc: session.ydoc, provider: session.provider, user }),
        PasteSizeGuard.configure({
          budget: () => ({
            frameLimit: session.outgoing.frameLimit,
            unsentBytes: () => session.outgoing.unsentBytes(),
          }),
          onRefused: (message) =>
            showToast({ message, tone: 'error', key: 'paste-refused', persistent: true }),
        }),
        EditorHints.configure({ handlers: hints.handlers }),
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

  // What the undo history keeps can be let go when a change turned out too large to send (see outgoingChanges).
  useEffect(() => {
    if (!editor) return;
    const undoManager = (yUndoPluginKey.getState(editor.state) as { undoManager?: Y.UndoManager } | undefined)
      ?.undoManager;
    return undoManager ? session.outgoing.registerUndoManager(undoManager) : undefined;
  }, [editor, session]);

  hints.editorRef.current = editor;
  if (!editor) return null;
  const layoutClassName = ['doc-layout', layer?.layoutClassName, closed ? 'doc-layout--closed' : null]
    .filter(Boolean)
    .join(' ');

  return (
    <>
      <section className="toolbar-row" aria-label="Tools for the text">
        <Toolbar editor={editor} editable={editable} />
        {layer?.toolbar(editor)}
        <FindBar editor={editor} />
        <p
          className={editable ? 'toolbar-row__hint toolbar-row__hint--saved' : 'toolbar-row__hint'}
          data-testid="toolbar-hint"
        >
          {editable ? 'Changes are saved automatically.' : (readOnly?.toolbar ?? 'Read-only.')}
        </p>
      </section>
      <div className={layoutClassName}>
        <div className="doc-layout__outline">
          <Outline editor={editor} />
        </div>
        <main className="doc-layout__main">
          <article className="paper" aria-label={documentTitle}>
            <EditorContent editor={editor} />
            {layer?.inPaper(editor)}
            {hints.hint ? <CaretHint editor={editor} hint={hints.hint} onDismiss={hints.dismiss} /> : null}
          </article>
        </main>
        <aside className="doc-layout__presence" aria-label="Comments and who is online">
          {layer?.sidebar(editor)}
          {presence}
        </aside>
      </div>
    </>
  );
}
