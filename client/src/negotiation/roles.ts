/** What each role may do in the negotiation layer (the server enforces the same rules). */
import { ROLES, type Role } from '@draftroom/shared';

function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum);
}

/** Open threads, reply, propose alternatives, record one's delegation's position. */
export const canComment = (role: Role): boolean => atLeast(role, 'commenter');
/** Bracket text (and edit it). */
export const canBracket = (role: Role): boolean => atLeast(role, 'drafter');
/** Change clause statuses, resolve brackets, resolve any thread. */
export const isPenHolder = (role: Role): boolean => role === 'pen-holder';
