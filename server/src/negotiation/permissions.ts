import { ROLES, type Role } from '@draftroom/shared';
import { ForbiddenError } from '../errors';

/** Roles from most to least: pen-holder, drafter, commenter, observer. */
function rank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}

/** True when `role` is `minimum` or above it. */
export function hasRole(role: Role, minimum: Role): boolean {
  return rank(role) >= rank(minimum);
}

/** Refuses with 403 (and a message that says why) unless `role` is at least `minimum`. */
export function requireRole(role: Role, minimum: Role, message: string): void {
  if (!hasRole(role, minimum)) throw new ForbiddenError(message);
}
