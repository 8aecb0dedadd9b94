/**
 * The text a user has selected in a clause, for commenting or bracketing.
 * A read-only editor (commenters) still tracks the selection; when the
 * browser's selection is newer than the editor's, it is read from the page.
 */
import type { Editor } from '@tiptap/core';
import { bracketRanges, type ClauseRange, clauseIdAt, findClause } from './clauseRanges';

export interface ClauseSelection {
  clause: ClauseRange;
  from: number;
  to: number;
  /** The selected text ('' for a caret). */
  text: string;
}

function domSelectionRange(editor: Editor): { from: number; to: number } | null {
  const selection = editor.view.dom.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const { anchorNode, focusNode } = selection;
  if (!anchorNode || !focusNode) return null;
  if (!editor.view.dom.contains(anchorNode) || !editor.view.dom.contains(focusNode)) return null;
  try {
    const anchor = editor.view.posAtDOM(anchorNode, selection.anchorOffset);
    const head = editor.view.posAtDOM(focusNode, selection.focusOffset);
    return { from: Math.min(anchor, head), to: Math.max(anchor, head) };
  } catch {
    return null;
  }
}

/** The selection when it lies within one clause (a caret counts); null otherwise. */
export function clauseSelection(editor: Editor): ClauseSelection | null {
  const { state } = editor;
  const range = (editor.isEditable ? null : domSelectionRange(editor)) ?? {
    from: state.selection.from,
    to: state.selection.to,
  };
  const clauseId = clauseIdAt(state.doc.resolve(range.from));
  if (!clauseId || clauseIdAt(state.doc.resolve(range.to)) !== clauseId) return null;
  const clause = findClause(state.doc, clauseId);
  if (!clause) return null;
  return { clause, from: range.from, to: range.to, text: state.doc.textBetween(range.from, range.to, ' ') };
}

/** True when [from, to] overlaps a passage that is bracketed already. */
export function overlapsBracket(editor: Editor, from: number, to: number): boolean {
  return bracketRanges(editor.state.doc).some((bracket) => from < bracket.to && to > bracket.from);
}
