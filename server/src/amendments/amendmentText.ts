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
import { LRUCache } from 'lru-cache';

const asParagraphs = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n/g, PARAGRAPH_BREAK);

type RedlineInput = Pick<Amendment, 'kind' | 'baseText' | 'proposedText'>;

/**
 * Redlines already computed, by kind and texts. A tabled amendment's texts
 * never change, so a compilation asked for again (or its DOCX, which reads
 * each amendment twice, once per column) costs no second diff. Bounded by
 * the characters of the texts it keeps (32 Mi), least recently used first out.
 */
const computedRedlines = new LRUCache<string, RedlineSegment[]>({
  maxSize: 32 * 2 ** 20,
  sizeCalculation: (_segments, key) => Math.max(1, key.length),
});

const redlineKey = (amendment: RedlineInput) =>
  `${amendment.kind}\u0000${amendment.baseText}\u0000${amendment.proposedText}`;

function computeSegments(amendment: RedlineInput): RedlineSegment[] {
  if (amendment.kind === 'insert') return wordRedline('', asParagraphs(amendment.proposedText));
  if (amendment.kind === 'delete') return wordRedline(asParagraphs(amendment.baseText), '');
  return wordRedline(asParagraphs(amendment.baseText), asParagraphs(amendment.proposedText));
}

/**
 * The word redline of an amendment: base → proposed for `modify`, the whole
 * base deleted for `delete`, the whole proposed clause inserted for `insert`.
 * One diff is at most ~70 ms (20,000-character texts: Myers' bound on the
 * edit distance, `DEFAULT_MAX_EDIT_DISTANCE`); repeated calls are served from
 * a bounded cache.
 */
export function amendmentSegments(amendment: RedlineInput): RedlineSegment[] {
  const key = redlineKey(amendment);
  const known = computedRedlines.get(key);
  if (known) return known;
  const segments = computeSegments(amendment);
  computedRedlines.set(key, segments);
  return segments;
}

/**
 * Computes the redlines of `amendments` ahead of a synchronous export,
 * giving the event loop back between them (setImmediate), so a compilation
 * of hundreds of long amendments never stalls the collaboration sockets for
 * more than one diff. Resolves once every redline is in the cache.
 */
export async function prepareAmendmentRedlines(amendments: readonly RedlineInput[]): Promise<void> {
  for (const amendment of amendments) {
    if (computedRedlines.has(redlineKey(amendment))) continue;
    amendmentSegments(amendment);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
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
