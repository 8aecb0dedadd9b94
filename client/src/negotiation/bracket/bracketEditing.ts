/** Changes to the text that brackets make: bracketing a passage, removing it again, resolving it. */
import type { Editor } from '@tiptap/core';
import { BRACKET_MARK } from '../editor/bracketMark';
import { bracketRanges } from '../editor/clauseRanges';

export type EditOutcome = 'applied' | 'missing' | 'refused';

function bracketRange(editor: Editor, bracketId: string) {
  return bracketRanges(editor.state.doc).find((range) => range.id === bracketId) ?? null;
}

/** Marks [from, to] as the bracket `bracketId`; 'refused' when the editor did not take the change (a locked clause). */
export function markBracket(editor: Editor, bracketId: string, from: number, to: number): EditOutcome {
  const type = editor.schema.marks[BRACKET_MARK];
  if (!type || from >= to) return 'missing';
  editor.view.dispatch(editor.state.tr.addMark(from, to, type.create({ id: bracketId })));
  return bracketRange(editor, bracketId) ? 'applied' : 'refused';
}

/** Takes the bracket mark away again (when the server did not record the bracket). */
export function unmarkBracket(editor: Editor, bracketId: string): void {
  const range = bracketRange(editor, bracketId);
  const type = editor.schema.marks[BRACKET_MARK];
  if (!range || !type) return;
  editor.view.dispatch(editor.state.tr.removeMark(range.from, range.to, type.create({ id: bracketId })));
}

/**
 * Resolves a bracket in the text, in one transaction: `text` replaces the
 * bracketed passage (keeping its other formatting) and the bracket goes;
 * `null` deletes the passage.
 */
export function resolveBracketInText(editor: Editor, bracketId: string, text: string | null): EditOutcome {
  const range = bracketRange(editor, bracketId);
  if (!range) return 'missing';
  const { state } = editor;
  const tr = state.tr;
  if (text === null || text === '') {
    tr.delete(range.from, range.to);
  } else if (text === range.text) {
    const type = editor.schema.marks[BRACKET_MARK];
    if (type) tr.removeMark(range.from, range.to, type);
  } else {
    const marks = (state.doc.nodeAt(range.from)?.marks ?? []).filter(
      (mark) => mark.type.name !== BRACKET_MARK,
    );
    tr.replaceWith(range.from, range.to, state.schema.text(text, marks));
  }
  const before = editor.state;
  editor.view.dispatch(tr);
  return editor.state === before ? 'refused' : 'applied';
}
