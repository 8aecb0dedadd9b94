import type { UserProfile } from '@draftroom/shared';
import type { Request, Response } from 'express';
import { UnauthenticatedError } from '../errors';

/** The signed-in user of a request (set by the session middleware), or a 401. */
export function signedInUser(response: Response): UserProfile {
  const user = response.locals.user as UserProfile | undefined;
  if (!user) throw new UnauthenticatedError();
  return user;
}

/** A route parameter as a string. */
export function routeParam(request: Request, name: string): string {
  const value = request.params[name];
  return typeof value === 'string' ? value : '';
}
