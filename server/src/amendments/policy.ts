/**
 * How many amendments a delegation and a document may hold. Who may do what
 * with amendments is the permission policy's (server/src/auth/policy.ts:
 * the actions table-amendment, cosponsor-amendment, withdraw-amendment,
 * decide-amendment, table-compromise, and DELEGATION_REFUSAL).
 */
import { HttpError } from '../errors';

/**
 * How many amendments (compromises included, whatever their status: withdrawn
 * and decided ones stay on record and in the compilation) one delegation may
 * table on one document, and a document may hold. Far above what a
 * negotiation tables (a committee report draws a few hundred to two thousand
 * amendments); they bound the storage, the list every client loads and the
 * compilation's work against a delegate tabling in a loop.
 */
export const AMENDMENT_LIMITS = { perDelegation: 300, perDocument: 5_000 } as const;

/**
 * Refuses (409 `amendment_limit`, nothing stored) another amendment when the
 * document, or the delegation on it, already holds as many as AMENDMENT_LIMITS allows.
 */
export function requireRoomForAmendment(counts: { document: number; delegation: number }): void {
  if (counts.delegation >= AMENDMENT_LIMITS.perDelegation) {
    throw new HttpError(
      409,
      'amendment_limit',
      `Your delegation has tabled ${AMENDMENT_LIMITS.perDelegation} amendments to this document, the most it may. Withdrawn ones count too.`,
    );
  }
  if (counts.document >= AMENDMENT_LIMITS.perDocument) {
    throw new HttpError(
      409,
      'amendment_limit',
      `This document holds ${AMENDMENT_LIMITS.perDocument} amendments, the most it may.`,
    );
  }
}
