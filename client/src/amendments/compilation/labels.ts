/** How an amendment's sponsors and status read in the compilation (the DOCX says the same). */
import {
  AMENDMENT_KIND_LABEL,
  AMENDMENT_STATUS_LABEL,
  type Amendment,
  type FallenReason,
} from '@draftroom/shared';
import { formatDateTime } from '../../format';

const FALLEN_REASON: Record<FallenReason, string> = {
  'clause-deleted': 'the clause was deleted',
  moot: 'an accepted amendment made it moot',
};

/** "Covered by compromise AM 7", "Fallen (the clause was deleted)", "Rejected — Anna Nowak (PL), 3 Nov 2011…". */
export function amendmentStatusText(amendment: Amendment): string {
  let label: string = AMENDMENT_STATUS_LABEL[amendment.status];
  if (amendment.status === 'covered-by-compromise' && amendment.coveredBy !== null)
    label = `Covered by compromise AM ${amendment.coveredBy}`;
  if (amendment.status === 'fallen' && amendment.fallenReason)
    label = `Fallen (${FALLEN_REASON[amendment.fallenReason]})`;
  if (amendment.status === 'tabled' || !amendment.decidedAt) return label;
  const who = amendment.decidedBy
    ? `${amendment.decidedBy.name} (${amendment.decidedBy.participantCode}), `
    : '';
  return `${label} — ${who}${formatDateTime(amendment.decidedAt)}`;
}

/** "Change wording", or "Compromise amendment replacing AM 2, AM 3". */
export function amendmentKindText(amendment: Amendment): string {
  if (!amendment.compromise) return AMENDMENT_KIND_LABEL[amendment.kind];
  const covers = amendment.covers.map((number) => `AM ${number}`).join(', ');
  return covers ? `Compromise amendment replacing ${covers}` : 'Compromise amendment';
}

/** The participant codes of the co-sponsors ("HU, MD"), or null for none. */
export function cosponsorCodes(amendment: Amendment): string | null {
  const codes = amendment.cosponsors.map((cosponsor) => cosponsor.participantCode);
  return codes.length > 0 ? codes.join(', ') : null;
}

/** True when a tabled amendment's clause no longer reads as it did when it was tabled. */
export function clauseChangedSince(amendment: Amendment, currentText: string, entryNumber: string): boolean {
  if (amendment.kind === 'insert' || amendment.status !== 'tabled') return false;
  if (entryNumber.endsWith('(deleted)')) return false;
  return amendment.baseText !== currentText;
}

/** The number of the clause a proposed new clause goes after: "2.3a (new)" → "2.3", else as tabled. */
export function insertedAfter(amendment: Amendment, entryNumber: string): string {
  const match = /^(.*?)[a-z]+ \(new\)$/.exec(entryNumber);
  return match?.[1] ?? amendment.clauseNumber;
}
