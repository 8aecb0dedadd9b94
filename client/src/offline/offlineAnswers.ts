/**
 * What the service worker keeps for opening a document offline, shared by
 * the worker (`client/sw/sw.ts`) and the page: the cache of the last good
 * answer of the few GET requests the workspace needs before it can show the
 * document from this browser's copy (who is signed in, the document, its
 * negotiation state, the list and the mentions). Nothing else of the API is
 * kept, and never an answer to a request that changes something.
 */

/** The Cache Storage cache holding those answers. Deleted on sign-out, on sign-in and when the session is gone. */
export const API_CACHE = 'draftroom-api';

/** The service worker's file at the root of the site (its scope is the whole app). */
export const SERVICE_WORKER_URL = '/sw.js';

const OFFLINE_ANSWER_PATHS: readonly RegExp[] = [
  /^\/api\/session$/,
  /^\/api\/me$/,
  /^\/api\/me\/mentions$/,
  /^\/api\/documents$/,
  /^\/api\/documents\/[^/]+$/,
  /^\/api\/documents\/[^/]+\/negotiation$/,
];

/** True for a GET path whose last good answer is kept for offline use. */
export function keepsOfflineAnswer(pathname: string): boolean {
  return OFFLINE_ANSWER_PATHS.some((pattern) => pattern.test(pathname));
}
