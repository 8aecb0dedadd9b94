/**
 * What each role may do in the negotiation layer: the permission policy's
 * rules (`can` of @draftroom/shared, the table the server enforces).
 */
import { can, type Role } from '@draftroom/shared';

/** Open threads, reply, propose alternatives, record one's delegation's position. */
export const canComment = (role: Role): boolean => can(role, 'comment');
/** Bracket text (and edit it). */
export const canBracket = (role: Role): boolean => can(role, 'bracket');
/** Change clause statuses, resolve brackets, resolve any thread. */
export const isPenHolder = (role: Role): boolean => role === 'pen-holder';
