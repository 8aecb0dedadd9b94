/** A new thread on the selected text of a clause, or on the whole clause. */
import type { Editor } from '@tiptap/core';
import { createRangeAnchor } from './editor/commentAnchors';
import { clauseSelection } from './editor/selection';
import type { ThreadDraft } from './NegotiationContext';

/** The draft for the current selection (when it is in `clauseId`, if given), else for the whole clause. */
export function threadDraftFor(editor: Editor, clauseId?: string): ThreadDraft | null {
  const selection = clauseSelection(editor);
  if (selection && (!clauseId || selection.clause.id === clauseId)) {
    const anchor = selection.text.trim()
      ? createRangeAnchor(editor.state, selection.from, selection.to)
      : null;
    return { clauseId: selection.clause.id, anchor };
  }
  return clauseId ? { clauseId, anchor: null } : null;
}
