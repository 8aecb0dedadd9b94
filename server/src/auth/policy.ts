/**
 * The permission policy: what each role may do on a document, and the
 * refusal each action gets, in one place. The rules themselves — the action
 * vocabulary and the least role for each — are `can(role, action)` of
 * `@draftroom/shared` (shared/src/permissions.ts), so the browser offers only
 * what the server accepts; this module enforces them with a 403 that says
 * why. Every route and service asks here, never compares roles itself.
 *
 * Before any of this, a user with no role on a document gets 404, as for a
 * document that does not exist (http/context.ts accessibleDocument), and a
 * signed-out request 401. Rules that depend on who the user is besides the
 * role are checked where the record is known, with the refusals below
 * (DELEGATION_REFUSAL, AUTHOR_REFUSAL). Administration (accounts,
 * participants, roles, the audit) is not a document role: `isAdmin` on the
 * account, `authorizeAdministration`.
 */
import { can, type DocumentAction, type Role } from '@draftroom/shared';
import { ForbiddenError } from '../errors';

export { can, type DocumentAction } from '@draftroom/shared';

/** What a refused user is told, per action (the body's `message` of the 403). */
export const REFUSAL: Readonly<Record<DocumentAction, string>> = {
  'edit-text': 'Only the pen-holder and drafters edit the text.',
  'save-version': 'Only the pen-holder and drafters save versions.',
  'restore-version': 'Only the pen-holder restores versions.',
  'set-clause-status': 'Only the pen-holder changes a clause status.',
  'record-position': 'Observers cannot record a position.',
  comment: 'Observers cannot comment.',
  'change-own-comment': 'Observers cannot change comments.',
  'resolve-any-thread': "Only the thread's author or the pen-holder can resolve or reopen it.",
  bracket: 'Only those who edit the text can bracket it.',
  'propose-alternative': 'Observers cannot propose wording.',
  'resolve-bracket': 'Only the pen-holder resolves brackets.',
  'table-amendment': 'Observers cannot table amendments.',
  'cosponsor-amendment': 'Observers cannot co-sponsor amendments.',
  'withdraw-amendment': 'Observers cannot withdraw amendments.',
  'decide-amendment': 'Only the pen-holder decides on amendments.',
  'table-compromise': 'Only the pen-holder tables compromise amendments.',
};

/**
 * Refuses unless `role` may do `action`.
 * @throws ForbiddenError (403, `{error: 'forbidden', message: REFUSAL[action]}`)
 */
export function authorize(role: Role, action: DocumentAction): void {
  if (!can(role, action)) throw new ForbiddenError(REFUSAL[action]);
}

/** Amendment rules on the delegation (403): it withdraws only its own amendment, co-signs only others'. */
export const DELEGATION_REFUSAL = {
  withdrawOthers: 'Only the delegation that tabled an amendment can withdraw it.',
  cosponsorOwn: 'A delegation cannot co-sponsor its own amendment.',
} as const;

/** Comment rules on the author (403): a person edits and deletes only their own comments. */
export const AUTHOR_REFUSAL = {
  changeOthersComment: 'You can only change your own comments.',
} as const;

/** What a signed-in user who is not an administrator is told by the administration API. */
export const ADMINISTRATION_REFUSAL = 'Only administrators may do this.';

/**
 * Refuses unless the signed-in account is an administrator.
 * @throws ForbiddenError (403, `{error: 'forbidden', message: ADMINISTRATION_REFUSAL}`)
 */
export function authorizeAdministration(account: { isAdmin: boolean }): void {
  if (!account.isAdmin) throw new ForbiddenError(ADMINISTRATION_REFUSAL);
}
