/**
 * An amendment's change as a word redline, for the compilation: the text it
 * was tabled against (base) → the wording it proposes. Clause text is plain
 * text with "\n" between paragraphs; the breaks are compared as paragraph
 * breaks, so each column keeps the clause's paragraphs.
 */
import {
  type Amendment,
  type CompilationClause,
  type FallenReason,
  PARAGRAPH_BREAK,
  type RedlinePiece,
  type RedlineSegment,
  type RedlineView,
  redlineParagraphs,
  wordRedline,
} from '@draftroom/shared';

const asParagraphs = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n/g, PARAGRAPH_BREAK);

/**
 * The word redline of an amendment: base → proposed for `modify`, the whole
 * base deleted for `delete`, the whole proposed clause inserted for `insert`.
 */
export function amendmentSegments(
  amendment: Pick<Amendment, 'kind' | 'baseText' | 'proposedText'>,
): RedlineSegment[] {
  if (amendment.kind === 'insert') return wordRedline('', asParagraphs(amendment.proposedText));
  if (amendment.kind === 'delete') return wordRedline(asParagraphs(amendment.baseText), '');
  return wordRedline(asParagraphs(amendment.baseText), asParagraphs(amendment.proposedText));
}

/**
 * The paragraphs of one column: `before` (the text as tabled against, with
 * its deleted words) or `after` (the amendment, with its inserted words).
 */
export function amendmentRedline(
  amendment: Pick<Amendment, 'kind' | 'baseText' | 'proposedText'>,
  view: Exclude<RedlineView, 'inline'>,
): RedlinePiece[][] {
  return redlineParagraphs(amendmentSegments(amendment), view);
}

/** True when a still-tabled amendment's clause no longer reads as it did when the amendment was tabled. */
export function changedSince(
  amendment: Amendment,
  entry: Pick<CompilationClause, 'currentText' | 'number'>,
): boolean {
  if (amendment.kind === 'insert' || amendment.status !== 'tabled') return false;
  if (entry.number.endsWith('(deleted)')) return false;
  return amendment.baseText !== entry.currentText;
}

/**
 * The number of the clause a proposed new clause goes after: read from its
 * entry ("2.3a (new)" → "2.3", today's number), or the number recorded when
 * it was tabled (an accepted one listed under the clause it created).
 */
export function insertedAfter(amendment: Pick<Amendment, 'clauseNumber'>, entryNumber: string): string {
  const match = /^(.*?)[a-z]+ \(new\)$/.exec(entryNumber);
  return match?.[1] ?? amendment.clauseNumber;
}

const FALLEN_REASON_LABEL: Record<FallenReason, string> = {
  'clause-deleted': 'the clause was deleted',
  moot: 'an accepted amendment made it moot',
};

export function fallenReasonLabel(reason: FallenReason): string {
  return FALLEN_REASON_LABEL[reason];
}
