/**
 * The notes the editor shows at the caret (see CaretHint): wires the editor's
 * hint handlers (editor/editorHints) to what this person is told.
 */
import type { Editor } from '@tiptap/core';
import type { EditorView } from '@tiptap/pm/view';
import { useEffect, useMemo, useRef } from 'react';
import type { EditorHintHandlers } from '../editor/editorHints';
import { shortcutLabel } from '../keyboard';
import { type CaretHintMessage, useCaretHint } from './CaretHint';
import type { ReadOnlyNotice } from './readOnlyNotice';

export const SPLIT_HINT_KEY = 'enter-in-clause';

function clauseNumber(view: EditorView, clauseId: string): string | null {
  const selector = `[data-type="clause"][data-clause-id="${CSS.escape(clauseId)}"]`;
  return view.dom.querySelector(selector)?.getAttribute('data-number') ?? null;
}

/** "2.3" → "2.4": the number the paragraph would get as a clause of its own. */
function nextNumber(number: string): string | null {
  const parts = number.split('.');
  const last = Number(parts.pop());
  return Number.isInteger(last) && parts.length > 0 ? [...parts, String(last + 1)].join('.') : null;
}

/** After Enter made a paragraph inside a clause: how to make a new clause instead. */
function splitHint(view: EditorView, clauseId: string, editor: () => Editor | null): CaretHintMessage {
  const number = clauseNumber(view, clauseId);
  const next = number ? nextNumber(number) : null;
  return {
    key: SPLIT_HINT_KEY,
    clauseId,
    title: number ? `Enter started a new paragraph in clause ${number}.` : 'Enter started a new paragraph.',
    detail: `To start a new clause instead, press ${shortcutLabel('Mod-Enter')} or choose Split clause in the toolbar.`,
    action: {
      label: next ? `Make it clause ${next}` : 'Make it a new clause',
      run: () => editor()?.chain().focus().clauseFromBlock().run(),
    },
  };
}

/** Handlers for the editor's hint extension, and the note they show. */
export function useEditorHints(readOnly: ReadOnlyNotice | null) {
  const { hint, show, dismiss } = useCaretHint();
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const editorRef = useRef<Editor | null>(null);

  const handlers = useMemo<EditorHintHandlers>(
    () => ({
      isReadOnly: (view) => readOnlyRef.current !== null || !view.editable,
      onRefusedKey: (view) => {
        const notice = readOnlyRef.current;
        if (notice) show(notice.caret, view.state.selection.head);
      },
      onParagraphInClause: (view, clauseId) =>
        show(
          splitHint(view, clauseId, () => editorRef.current),
          view.state.selection.head,
        ),
    }),
    [show],
  );

  // A read-only note goes once the text can be edited again (and the other way round).
  const readOnlyKey = readOnly?.caret.key ?? null;
  useEffect(() => {
    if (hint && hint.key !== SPLIT_HINT_KEY && hint.key !== readOnlyKey) dismiss();
    if (hint?.key === SPLIT_HINT_KEY && readOnlyKey) dismiss();
  }, [hint, readOnlyKey, dismiss]);

  return { handlers, hint, dismiss, editorRef };
}
