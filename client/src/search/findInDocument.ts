/**
 * Find in the document and go to a clause by its number.
 *
 * Matching and highlighting are ProseMirror's own search plugin
 * (`prosemirror-search`): it keeps the query in the editor state and marks
 * every match with an inline decoration (`ProseMirror-search-match`), the one
 * equal to the selection as active. Matching works on the document's text, so
 * a match found in one clause is as good as one in another; widgets (the
 * clause strips, the bracket alternatives) are not text and are not searched.
 *
 * Clause numbers are derived from positions (see `editor/numbering.ts`), so
 * "3.2" is looked up in the current structure each time.
 */
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { type EditorState, Selection, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { getMatchHighlights, getSearchState, SearchQuery, search, setSearchState } from 'prosemirror-search';
import { excerpt, readDocumentStructure } from '../editor/structure';

export const MATCH_CLASS = 'ProseMirror-search-match';
export const ACTIVE_MATCH_CLASS = 'ProseMirror-active-search-match';

export interface Match {
  from: number;
  to: number;
}

/** The matches of the current query, in document order. */
export function findMatches(state: EditorState): Match[] {
  return getMatchHighlights(state)
    .find()
    .map(({ from, to }) => ({ from, to }))
    .sort((a, b) => a.from - b.from);
}

/** Which match the selection is on (0-based), or -1. */
export function activeMatchIndex(state: EditorState, matches: Match[]): number {
  const { from, to } = state.selection;
  return matches.findIndex((match) => match.from === from && match.to === to);
}

/** The query being searched for ('' when none). */
export function currentQuery(state: EditorState): string {
  return getSearchState(state)?.query.search ?? '';
}

/** Sets (or with '' clears) the text searched for: every match is highlighted. */
export function setFindQuery(view: EditorView, text: string): void {
  // `literal`: a backslash in the text is a backslash, not an escape.
  const query = new SearchQuery({ search: text, literal: true });
  const current = getSearchState(view.state)?.query;
  if (current?.eq(query)) return;
  view.dispatch(setSearchState(view.state.tr, query).setMeta('addToHistory', false));
}

/** Scrolls the active match (or the selection's block) to the middle of the window. */
function scrollToSelection(view: EditorView): void {
  const active = view.dom.querySelector(`.${ACTIVE_MATCH_CLASS}`);
  const target = active ?? view.domAtPos(view.state.selection.from).node;
  const element = target instanceof Element ? target : target.parentElement;
  element?.scrollIntoView({ block: 'center', inline: 'nearest' });
}

/**
 * The match to go to from the selection: the next (or previous) one, wrapping
 * round at the end. When the selection is not on a match (the query just
 * changed, or the reader moved), the first match at or after its start.
 */
export function pickMatch(state: EditorState, matches: Match[], direction: 1 | -1): Match | undefined {
  const { from } = state.selection;
  const onMatch = activeMatchIndex(state, matches);
  if (direction > 0) {
    const next = onMatch >= 0 ? matches[onMatch + 1] : matches.find((match) => match.from >= from);
    return next ?? matches[0];
  }
  const previous = onMatch >= 0 ? matches[onMatch - 1] : matches.findLast((match) => match.from < from);
  return previous ?? matches[matches.length - 1];
}

/** Selects the next (or previous) match and scrolls to it. Returns it, or null when there is none. */
export function selectMatch(view: EditorView, direction: 1 | -1): Match | null {
  const match = pickMatch(view.state, findMatches(view.state), direction);
  if (!match) return null;
  const selection = TextSelection.create(view.state.doc, match.from, match.to);
  view.dispatch(view.state.tr.setSelection(selection).setMeta('addToHistory', false));
  scrollToSelection(view);
  return match;
}

export interface NumberedTarget {
  kind: 'section' | 'clause';
  number: string;
  /** Position before the node. */
  pos: number;
  /** The first words of its text. */
  label: string;
}

const NUMBER_PATTERN = /^\s*(\d{1,3})(?:\.(\d{1,3}))?\.?\s*$/;

/** True when the text is written like a section or clause number ("3", "3.", "3.2"). */
export function looksLikeNumber(text: string): boolean {
  return NUMBER_PATTERN.test(text);
}

/** The section ("3") or clause ("3.2") with this number now, or null. */
export function findNumbered(doc: ProseMirrorNode, text: string): NumberedTarget | null {
  const parts = NUMBER_PATTERN.exec(text);
  if (!parts) return null;
  const section = readDocumentStructure(doc).sections[Number(parts[1]) - 1];
  if (!section) return null;
  if (parts[2] === undefined) {
    return { kind: 'section', number: section.number, pos: section.pos, label: section.title };
  }
  const clause = section.clauses[Number(parts[2]) - 1];
  if (!clause) return null;
  return { kind: 'clause', number: clause.number, pos: clause.pos, label: excerpt(clause.node.textContent) };
}

/** Puts the selection at the start of a section's or clause's text and scrolls it into view. */
export function goToNumbered(view: EditorView, target: NumberedTarget): void {
  const selection = Selection.near(view.state.doc.resolve(target.pos + 1));
  view.dispatch(view.state.tr.setSelection(selection).setMeta('addToHistory', false));
  const element = view.nodeDOM(target.pos);
  if (element instanceof HTMLElement) element.scrollIntoView({ block: 'start', inline: 'nearest' });
}

/** The search plugin, as a TipTap extension. */
export const FindInDocument = Extension.create({
  name: 'findInDocument',
  addProseMirrorPlugins() {
    return [search()];
  },
});
