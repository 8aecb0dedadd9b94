/**
 * What accepting an amendment does to the text, worked out before anything is
 * written: the clause's new text (the amendment's change applied to the
 * current text, rebased at word level when the clause changed since it was
 * tabled), a new clause, or the clause deleted — or a conflict, when the
 * change no longer applies cleanly. Also which other tabled amendments the
 * acceptance makes moot.
 */
import type { Amendment, AmendmentDecision } from '@draftroom/shared';
import { rebaseChange, XML_FORBIDDEN_MESSAGE, xmlForbiddenCharacters } from '@draftroom/shared';
import { BadRequestError } from '../errors';
import { amendmentConflict } from './amendmentErrors';

/** The text change an acceptance makes. */
export type TextOutcome =
  | { kind: 'rewrite'; clauseId: string; text: string }
  | { kind: 'delete'; clauseId: string }
  | { kind: 'insert'; afterClauseId: string; text: string };

/** An acceptance worked out: its text change and how the record reads afterwards. */
export interface AcceptancePlan {
  outcome: TextOutcome;
  status: 'accepted' | 'accepted-as-modified';
  /** For `accepted-as-modified`: the wording the pen-holder settled on. */
  acceptedText: string | null;
}

/**
 * Refuses (400) a wording that brings in a character XML 1.0 does not allow
 * (which no document export could hold) that `current` — the clause's text,
 * '' for a new clause — does not already hold.
 */
export function requireNoNewForbiddenCharacter(field: string, wording: string, current: string): void {
  const allowed = xmlForbiddenCharacters(current);
  for (const character of xmlForbiddenCharacters(wording)) {
    if (!allowed.has(character)) throw new BadRequestError(`${field}: ${XML_FORBIDDEN_MESSAGE}`);
  }
}

/** Line breaks as the editor's plain text has them ("\n" only). */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The change `base` → `proposed` applied to `current`, or a 409 amendment_conflict naming the three texts. */
function rebased(amendment: Amendment, base: string, proposed: string, current: string): string {
  const result = rebaseChange(base, proposed, current);
  if (!result.clean) {
    throw amendmentConflict({
      amendmentId: amendment.id,
      baseText: base,
      proposedText: proposed,
      currentText: current,
    });
  }
  return result.text;
}

/** Deleting a clause drafted against `base`: only when nobody changed it since (otherwise their words would go unseen). */
function deletion(amendment: Amendment, base: string, current: string): TextOutcome {
  if (current !== base) {
    throw amendmentConflict({
      amendmentId: amendment.id,
      baseText: base,
      proposedText: '',
      currentText: current,
    });
  }
  return { kind: 'delete', clauseId: amendment.clauseId };
}

/**
 * Works out an acceptance of `amendment` (tabled) with `decision` (accept or
 * accept-as-modified) against the clause's `current` plain text. Throws 409
 * amendment_conflict when the change does not apply cleanly (nothing is
 * then written), 400 when an accept-as-modified wording is unusable.
 */
export function planAcceptance(
  amendment: Amendment,
  decision: Exclude<AmendmentDecision, { decision: 'reject' }>,
  current: string,
): AcceptancePlan {
  if (decision.decision === 'accept') {
    const outcome: TextOutcome =
      amendment.kind === 'insert'
        ? { kind: 'insert', afterClauseId: amendment.clauseId, text: amendment.proposedText }
        : amendment.kind === 'delete'
          ? deletion(amendment, amendment.baseText, current)
          : {
              kind: 'rewrite',
              clauseId: amendment.clauseId,
              text: rebased(amendment, amendment.baseText, amendment.proposedText, current),
            };
    return { outcome, status: 'accepted', acceptedText: null };
  }
  const text = normaliseLineBreaks(decision.text);
  const against = normaliseLineBreaks(decision.againstText);
  requireNoNewForbiddenCharacter('text', text, amendment.kind === 'insert' ? '' : current);
  const settled = { status: 'accepted-as-modified' as const, acceptedText: text };
  if (amendment.kind === 'insert') {
    if (text.trim() === '') throw new BadRequestError('text: write the new clause first.');
    return { ...settled, outcome: { kind: 'insert', afterClauseId: amendment.clauseId, text } };
  }
  if (text.trim() === '') {
    if (amendment.kind !== 'delete') {
      throw new BadRequestError(
        'text: write the clause wording (reject the amendment to keep the clause as it is).',
      );
    }
    return { ...settled, outcome: deletion(amendment, against, current) };
  }
  return {
    ...settled,
    outcome: {
      kind: 'rewrite',
      clauseId: amendment.clauseId,
      text: rebased(amendment, against, text, current),
    },
  };
}

/**
 * The other tabled amendments an acceptance makes moot: every one to a
 * clause it deletes; one whose wording the clause now reads exactly (a
 * change to the same clause, or the same new clause after the same one).
 */
export function mootedBy(plan: AcceptancePlan, accepted: Amendment, open: readonly Amendment[]): Amendment[] {
  const { outcome } = plan;
  return open.filter((other) => {
    if (other.id === accepted.id || other.clauseId !== accepted.clauseId) return false;
    if (outcome.kind === 'delete') return true;
    if (outcome.kind === 'rewrite') return other.kind === 'modify' && other.proposedText === outcome.text;
    return other.kind === 'insert' && other.proposedText === outcome.text;
  });
}
