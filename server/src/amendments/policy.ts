/**
 * Who may do what with amendments, in one place. Roles rank pen-holder >
 * drafter > commenter > observer; a user with no role on a document never
 * gets this far (404, see http/context.ts accessibleDocument). Rules that
 * depend on the delegation (a delegation withdraws only its own amendment,
 * co-signs only others') are checked where the amendment is known
 * (amendmentService.ts), with the messages below.
 */
import type { Role } from '@draftroom/shared';
import { ForbiddenError } from '../errors';
import { hasRole } from '../negotiation/permissions';

export type AmendmentAction = 'read' | 'table' | 'cosponsor' | 'withdraw' | 'decide' | 'compromise';

const MINIMUM_ROLE: Record<AmendmentAction, Role> = {
  read: 'observer',
  table: 'commenter',
  cosponsor: 'commenter',
  withdraw: 'commenter',
  decide: 'pen-holder',
  compromise: 'pen-holder',
};

const REFUSAL: Record<AmendmentAction, string> = {
  read: 'Your role does not allow this.',
  table: 'Observers cannot table amendments.',
  cosponsor: 'Observers cannot co-sponsor amendments.',
  withdraw: 'Observers cannot withdraw amendments.',
  decide: 'Only the pen-holder decides on amendments.',
  compromise: 'Only the pen-holder tables compromise amendments.',
};

/** True when `role` may do `action` (before any delegation rule). */
export function can(role: Role, action: AmendmentAction): boolean {
  return hasRole(role, MINIMUM_ROLE[action]);
}

/** Refuses with 403 and a message saying why unless `role` may do `action`. */
export function requireAmendmentRight(role: Role, action: AmendmentAction): void {
  if (!can(role, action)) throw new ForbiddenError(REFUSAL[action]);
}

/** The delegation rules' refusals (403). */
export const DELEGATION_REFUSAL = {
  withdrawOthers: 'Only the delegation that tabled an amendment can withdraw it.',
  cosponsorOwn: 'A delegation cannot co-sponsor its own amendment.',
} as const;
