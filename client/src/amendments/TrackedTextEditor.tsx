/**
 * Suggesting mode: a small editor of a clause's wording that shows, as one
 * types, every change against the text it started from — inserted words
 * underlined, deleted words struck through, in the delegation's colour, as in
 * Word's track changes — while the shared text does not change at all.
 *
 * Why a local editor with decorations from the word diff rather than a
 * suggest-changes plugin (e.g. @handlewithcare/prosemirror-suggest-changes,
 * 0.x): an amendment is plain clause text sent to the server, which applies
 * it as a word-level change (base → proposed) and redlines it with the same
 * `wordRedline` as compare, the panel and the compilation. Marking changes
 * from that diff makes what the proposer sees as they type exactly what
 * everyone else will see, word for word. Such a plugin instead keeps deleted
 * text in the document under marks of its own (a schema change, and
 * character-level tracking that differs from the word redline), and needs the
 * bare prosemirror-* packages besides the copies TipTap bundles in
 * `@tiptap/pm`. The editor here is not bound to the Y.Doc: nothing typed in
 * it reaches the shared text; only "Table" sends it, as an amendment.
 */
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { type CSSProperties, useEffect, useRef } from 'react';
import '../styles/amendments-editor.css';
import { contentToText, textToContent, trackedChanges } from './editor/trackedChanges';

interface TrackedTextEditorProps {
  /** The text changes are shown against ('' for a new clause: everything is inserted). */
  baseText: string;
  initialText: string;
  /** The delegation's colour. */
  color: string;
  /** The editor's accessible name. */
  label: string;
  onChange: (text: string) => void;
  autoFocus?: boolean;
  testId?: string;
}

/** Remount it (`key`) to start again from another text. */
export function TrackedTextEditor({
  baseText,
  initialText,
  color,
  label,
  onChange,
  autoFocus = false,
  testId,
}: TrackedTextEditorProps) {
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;
  const editor = useEditor(
    {
      extensions: [
        StarterKit.configure({
          blockquote: false,
          bold: false,
          bulletList: false,
          code: false,
          codeBlock: false,
          dropcursor: false,
          gapcursor: false,
          hardBreak: false,
          heading: false,
          horizontalRule: false,
          italic: false,
          link: false,
          listItem: false,
          listKeymap: false,
          orderedList: false,
          strike: false,
          trailingNode: false,
          underline: false,
        }),
        trackedChanges(baseText),
      ],
      content: textToContent(initialText),
      autofocus: autoFocus ? 'end' : false,
      editorProps: {
        attributes: {
          class: 'tracked-editor__text',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': label,
          spellcheck: 'true',
          ...(testId ? { 'data-testid': testId } : {}),
        },
      },
      onUpdate: ({ editor: current }) => latestOnChange.current(contentToText(current.state.doc)),
    },
    [baseText],
  );
  useEffect(() => {
    if (editor) latestOnChange.current(contentToText(editor.state.doc));
  }, [editor]);
  return (
    <div className="tracked-editor" style={{ '--am-color': color } as CSSProperties}>
      <EditorContent editor={editor} />
    </div>
  );
}
