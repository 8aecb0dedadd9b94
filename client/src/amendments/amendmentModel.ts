/**
 * What the browser derives from the amendments of a document: their redlines
 * (against the clause text each was tabled on), labels of proposed new
 * clauses ("2.3a (new)"), the panel's filters and order, who may co-sponsor
 * or withdraw, and the counts the margin and the dashboard show. Pure
 * functions over `Amendment` (shared/src/amendments.ts).
 */
import {
  type Amendment,
  type AmendmentStatus,
  OPEN_AMENDMENT_STATUSES,
  PARAGRAPH_BREAK,
  type RedlineSegment,
  ROLES,
  type Role,
  wordRedline,
} from '@draftroom/shared';

/** Clause text ("\n" between paragraphs) as the word diff reads it (paragraph breaks as tokens). */
export function redlineText(text: string): string {
  return text.replace(/\n/g, PARAGRAPH_BREAK);
}

/** The word redline from one clause text to another (both with "\n" between paragraphs). */
export function clauseRedline(before: string, after: string): RedlineSegment[] {
  return wordRedline(redlineText(before), redlineText(after));
}

/** The amendment's change against the text it was tabled on: a deletion strikes all, a new clause is all inserted. */
export function amendmentRedline(amendment: Amendment): RedlineSegment[] {
  if (amendment.kind === 'delete') return clauseRedline(amendment.baseText, '');
  if (amendment.kind === 'insert') return clauseRedline('', amendment.proposedText);
  return clauseRedline(amendment.baseText, amendment.proposedText);
}

/** Still waiting for a decision (tabled). */
export function isOpenAmendment(amendment: Amendment): boolean {
  return OPEN_AMENDMENT_STATUSES.includes(amendment.status);
}

/** Whether the clause's text is no longer the one the amendment was tabled on (false when the clause is gone). */
export function clauseChangedSince(amendment: Amendment, currentText: string | undefined): boolean {
  return currentText !== undefined && currentText !== amendment.baseText;
}

/** "Tabled against Rev. 1; clause changed since" (or "…against an earlier text…" before any named version). */
export function tabledAgainstNote(amendment: Amendment, changed: boolean): string | null {
  if (!changed) return null;
  const against = amendment.baseVersionLabel ?? 'an earlier text';
  return `Tabled against ${against}; clause changed since`;
}

/** "a", "b", … "z", "aa", … */
function letter(index: number): string {
  let value = index;
  let result = '';
  do {
    result = String.fromCharCode(97 + (value % 26)) + result;
    value = Math.floor(value / 26) - 1;
  } while (value >= 0);
  return result;
}

/**
 * The label of each proposed new clause: the number of the clause it follows
 * with a letter, in the order tabled ("2.3a (new)", "2.3b (new)"). Numbers
 * come from `numberOf(clauseId)`, or the number the clause had when tabled.
 */
export function newClauseLabels(
  amendments: readonly Amendment[],
  numberOf: (clauseId: string) => string | undefined,
): Map<string, string> {
  const labels = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const amendment of [...amendments].sort((a, b) => a.number - b.number)) {
    if (amendment.kind !== 'insert') continue;
    const index = counts.get(amendment.clauseId) ?? 0;
    counts.set(amendment.clauseId, index + 1);
    const number = numberOf(amendment.clauseId) ?? amendment.clauseNumber;
    labels.set(amendment.id, `${number}${letter(index)} (new)`);
  }
  return labels;
}

/** The label a new clause proposed now after `clauseId` will get ("2.3b (new)" when one was proposed before). */
export function nextNewClauseLabel(
  amendments: readonly Amendment[],
  clauseId: string,
  number: string,
): string {
  const before = amendments.filter(
    (amendment) => amendment.kind === 'insert' && amendment.clauseId === clauseId,
  );
  return `${number}${letter(before.length)} (new)`;
}

/** What the amendments panel shows. */
export interface AmendmentFilter {
  /** `open`: tabled; `all`; or one status. */
  status: 'open' | 'all' | AmendmentStatus;
  /** A participant code ('' = every delegation): amendments it tabled or co-sponsored. */
  participant: string;
  /** A section id ('' = all sections). */
  sectionId: string;
  /** Only this clause's amendments (from its margin count), or null. */
  clauseId: string | null;
}

export const DEFAULT_AMENDMENT_FILTER: AmendmentFilter = {
  status: 'open',
  participant: '',
  sectionId: '',
  clauseId: null,
};

export function matchesStatus(amendment: Amendment, status: AmendmentFilter['status']): boolean {
  if (status === 'all') return true;
  if (status === 'open') return isOpenAmendment(amendment);
  return amendment.status === status;
}

/** Tabled by that delegation or co-sponsored by it. */
export function involvesDelegation(amendment: Amendment, code: string): boolean {
  return (
    amendment.proponentCode === code || amendment.cosponsors.some((entry) => entry.participantCode === code)
  );
}

/**
 * The amendments that pass `filter`, in document order of their clauses
 * (`orderOf` gives a clause's index, undefined when deleted: those come
 * last), then by number. `sectionOf` gives a clause's section id.
 */
export function filterAmendments(
  amendments: readonly Amendment[],
  filter: AmendmentFilter,
  orderOf: (clauseId: string) => number | undefined,
  sectionOf: (clauseId: string) => string | null | undefined,
): Amendment[] {
  return amendments
    .filter(
      (amendment) =>
        matchesStatus(amendment, filter.status) &&
        (!filter.participant || involvesDelegation(amendment, filter.participant)) &&
        (!filter.sectionId || sectionOf(amendment.clauseId) === filter.sectionId) &&
        (!filter.clauseId || amendment.clauseId === filter.clauseId),
    )
    .sort((a, b) => {
      const order =
        (orderOf(a.clauseId) ?? Number.MAX_SAFE_INTEGER) - (orderOf(b.clauseId) ?? Number.MAX_SAFE_INTEGER);
      return order !== 0 ? order : a.number - b.number;
    });
}

/** Every delegation that tabled or co-sponsored an amendment, sorted. */
export function delegationsIn(amendments: readonly Amendment[]): string[] {
  const codes = new Set<string>();
  for (const amendment of amendments) {
    codes.add(amendment.proponentCode);
    for (const entry of amendment.cosponsors) codes.add(entry.participantCode);
  }
  return [...codes].filter(Boolean).sort();
}

const atLeastCommenter = (role: Role): boolean => ROLES.indexOf(role) <= ROLES.indexOf('commenter');

/** Another delegation than the proponent's may co-sign a tabled amendment (commenter and above), once. */
export function mayCosponsor(amendment: Amendment, code: string, role: Role): boolean {
  return (
    atLeastCommenter(role) &&
    amendment.status === 'tabled' &&
    amendment.proponentCode !== code &&
    !amendment.cosponsors.some((entry) => entry.participantCode === code)
  );
}

/** A delegation that co-signed a tabled amendment may take its signature back. */
export function mayWithdrawCosponsorship(amendment: Amendment, code: string, role: Role): boolean {
  return (
    atLeastCommenter(role) &&
    amendment.status === 'tabled' &&
    amendment.cosponsors.some((entry) => entry.participantCode === code)
  );
}

/** Only the proponent delegation withdraws, while the amendment is tabled. */
export function mayWithdraw(amendment: Amendment, code: string, role: Role): boolean {
  return atLeastCommenter(role) && amendment.status === 'tabled' && amendment.proponentCode === code;
}

export interface AmendmentCounts {
  /** Waiting for a decision. */
  tabled: number;
  /** Accepted (as tabled or modified), rejected, covered by a compromise, or fallen. */
  decided: number;
  withdrawn: number;
  total: number;
}

const EMPTY_COUNTS: AmendmentCounts = { tabled: 0, decided: 0, withdrawn: 0, total: 0 };

export function countAmendments(amendments: readonly Amendment[]): AmendmentCounts {
  const counts = { ...EMPTY_COUNTS };
  for (const amendment of amendments) {
    counts.total++;
    if (amendment.status === 'tabled') counts.tabled++;
    else if (amendment.status === 'withdrawn') counts.withdrawn++;
    else counts.decided++;
  }
  return counts;
}

/** The amendments of each clause (for `insert`: the clause the new one follows), in number order. */
export function amendmentsByClause(amendments: readonly Amendment[]): Map<string, Amendment[]> {
  const byClause = new Map<string, Amendment[]>();
  for (const amendment of [...amendments].sort((a, b) => a.number - b.number)) {
    const list = byClause.get(amendment.clauseId);
    if (list) list.push(amendment);
    else byClause.set(amendment.clauseId, [amendment]);
  }
  return byClause;
}

/** A delegation's colour (its carets' and badges'), or a neutral grey for an unknown code. */
export function delegationColor(colors: ReadonlyMap<string, string>, code: string): string {
  return colors.get(code) ?? '#5a6372';
}
