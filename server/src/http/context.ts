import type { DocumentSummary, UserProfile } from '@draftroom/shared';
import type { Request, Response } from 'express';
import { NotFoundError, UnauthenticatedError } from '../errors';
import type { AsyncDocumentRepository } from '../store/documents';

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

/**
 * The document of route parameter `:id` as the signed-in user may see it.
 * @throws UnauthenticatedError (401) when no one is signed in; NotFoundError (404) when they have no role on it
 */
export async function accessibleDocument(
  request: Request,
  response: Response,
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>,
): Promise<{ user: UserProfile; document: DocumentSummary }> {
  const user = signedInUser(response);
  const document = await documents.findAccessible(routeParam(request, 'id'), user.id);
  if (!document) throw new NotFoundError('No such document.');
  return { user, document };
}
