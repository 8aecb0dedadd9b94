/**
 * What changed in the negotiation layer of a clause between two versions:
 * its status, its brackets (from the bracket records, and from the bracket
 * marks in its text) and the positions of delegations.
 */
import type { BracketChange, DocumentStructure, PositionChange, StatusChange } from '@draftroom/shared';
import type { ComparableDocument } from './types';

/** The status a clause has when none was ever set. */
export const DEFAULT_CLAUSE_STATUS = 'open';

interface BracketView {
  clauseId: string;
  text: string;
  alternatives: string[];
}

export function statusChangeOf(
  clauseId: string,
  before: ComparableDocument,
  after: ComparableDocument,
): StatusChange | undefined {
  const from = before.statuses?.[clauseId] ?? DEFAULT_CLAUSE_STATUS;
  const to = after.statuses?.[clauseId] ?? DEFAULT_CLAUSE_STATUS;
  return from === to ? undefined : { from, to };
}

export function positionChangesOf(
  clauseId: string,
  before: ComparableDocument,
  after: ComparableDocument,
): PositionChange[] | undefined {
  const from = before.positions?.[clauseId] ?? {};
  const to = after.positions?.[clauseId] ?? {};
  const codes = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  const changes: PositionChange[] = [];
  for (const participantCode of codes) {
    if (from[participantCode] === to[participantCode]) continue;
    const change: PositionChange = { participantCode };
    if (from[participantCode] !== undefined) change.from = from[participantCode];
    if (to[participantCode] !== undefined) change.to = to[participantCode];
    changes.push(change);
  }
  return changes.length > 0 ? changes : undefined;
}

/** Bracket id → bracket: the records, completed by brackets that only appear as marks in the text. */
function bracketsOf(document: ComparableDocument): Map<string, BracketView> {
  const brackets = new Map<string, BracketView>();
  const marked = markedBracketTexts(document.structure);
  for (const [bracketId, view] of marked) brackets.set(bracketId, view);
  for (const [bracketId, record] of Object.entries(document.brackets ?? {})) {
    brackets.set(bracketId, {
      clauseId: record.clauseId || marked.get(bracketId)?.clauseId || '',
      text: record.text,
      alternatives: [...record.alternatives],
    });
  }
  return brackets;
}

function markedBracketTexts(structure: DocumentStructure): Map<string, BracketView> {
  const marked = new Map<string, BracketView>();
  for (const section of structure.sections) {
    for (const clause of section.clauses) {
      for (const run of clause.blocks.flatMap((block) => block.runs)) {
        if (run.bracketId === undefined) continue;
        const view = marked.get(run.bracketId);
        if (view) view.text += run.text;
        else marked.set(run.bracketId, { clauseId: clause.id, text: run.text, alternatives: [] });
      }
    }
  }
  return marked;
}

function sameBracket(a: BracketView, b: BracketView): boolean {
  return (
    a.text.trim() === b.text.trim() &&
    a.alternatives.length === b.alternatives.length &&
    a.alternatives.every((alternative, index) => alternative === b.alternatives[index])
  );
}

const stateOf = (view: BracketView) => ({ text: view.text, alternatives: view.alternatives });

/** Clause id → the changes of the brackets in it (a removed bracket is listed under its former clause). */
export function bracketChangesByClause(
  before: ComparableDocument,
  after: ComparableDocument,
): Map<string, BracketChange[]> {
  const beforeBrackets = bracketsOf(before);
  const afterBrackets = bracketsOf(after);
  const byClause = new Map<string, BracketChange[]>();
  const add = (clauseId: string, change: BracketChange) => {
    const list = byClause.get(clauseId);
    if (list) list.push(change);
    else byClause.set(clauseId, [change]);
  };
  const ids = [...new Set([...beforeBrackets.keys(), ...afterBrackets.keys()])].sort();
  for (const bracketId of ids) {
    const was = beforeBrackets.get(bracketId);
    const is = afterBrackets.get(bracketId);
    if (was && is && sameBracket(was, is)) continue;
    if (was && is)
      add(is.clauseId, { bracketId, change: 'changed', before: stateOf(was), after: stateOf(is) });
    else if (is) add(is.clauseId, { bracketId, change: 'added', after: stateOf(is) });
    else if (was) add(was.clauseId, { bracketId, change: 'removed', before: stateOf(was) });
  }
  return byClause;
}
