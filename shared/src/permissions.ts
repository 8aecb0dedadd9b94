/**
 * Who may do what on a document: every action a role may be refused, and the
 * least role that may do it. Roles rank pen-holder > drafter > commenter >
 * observer; a user with no role on a document never gets as far as these
 * rules (the server answers 404, as for a document that does not exist), and
 * every role may read the document, its negotiation record and its versions.
 *
 * The server enforces these rules (server/src/auth/policy.ts, with the
 * refusal each action gets); the client uses the same table to offer only
 * what the server would accept. Rules that depend on who the user is besides
 * the role (a delegation withdraws only its own amendment and co-signs only
 * others'; a person changes only their own comments; a thread's author may
 * resolve it whatever the role) are checked where the record is known.
 */
import { ROLES, type Role } from './domain';

export const DOCUMENT_ACTIONS = [
  /** Change the text in the editor (collaboration socket; a refused change closes it with 4403). */
  'edit-text',
  /** Save a named version. */
  'save-version',
  /** Restore a version as a new forward change. */
  'restore-version',
  /** Set a clause's status (open, bracketed, agreed ad referendum, agreed). */
  'set-clause-status',
  /** Record one's delegation's position on a clause. */
  'record-position',
  /** Open a comment thread on a clause, or reply. */
  'comment',
  /** Edit or delete one's own comments. */
  'change-own-comment',
  /** Resolve or reopen a thread one did not open (its author always may). */
  'resolve-any-thread',
  /** Bracket a passage of the text. */
  'bracket',
  /** Propose another wording for a bracketed passage. */
  'propose-alternative',
  /** Resolve a bracket (keep a wording, or drop the passage). */
  'resolve-bracket',
  /** Table an amendment in one's delegation's name. */
  'table-amendment',
  /** Co-sponsor another delegation's amendment, or take the co-signature back. */
  'cosponsor-amendment',
  /** Withdraw one's delegation's amendment. */
  'withdraw-amendment',
  /** Decide on an amendment: accept, accept as modified, reject. */
  'decide-amendment',
  /** Table a compromise amendment replacing tabled ones. */
  'table-compromise',
] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

/** The least role that may do each action. */
export const MINIMUM_ROLE: Readonly<Record<DocumentAction, Role>> = {
  'edit-text': 'drafter',
  'save-version': 'drafter',
  'restore-version': 'pen-holder',
  'set-clause-status': 'pen-holder',
  'record-position': 'commenter',
  comment: 'commenter',
  'change-own-comment': 'commenter',
  'resolve-any-thread': 'pen-holder',
  bracket: 'drafter',
  'propose-alternative': 'commenter',
  'resolve-bracket': 'pen-holder',
  'table-amendment': 'commenter',
  'cosponsor-amendment': 'commenter',
  'withdraw-amendment': 'commenter',
  'decide-amendment': 'pen-holder',
  'table-compromise': 'pen-holder',
};

/** True when `role` is `minimum` or above it. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum);
}

/** True when `role` may do `action` (before any rule on who the user is, see above). */
export function can(role: Role, action: DocumentAction): boolean {
  return roleAtLeast(role, MINIMUM_ROLE[action]);
}

/** Roles that may change the text: `can(role, 'edit-text')`. */
export function canEditText(role: Role): boolean {
  return can(role, 'edit-text');
}
