/**
 * Draftroom's service worker (built by vite-plugin-pwa from this file, with
 * Workbox). It lets a delegate reopen a document with no connection:
 *
 * - the app shell (the built HTML, scripts and styles) is precached, and every
 *   page of the app opens from it, so a reload offline shows Draftroom and not
 *   the browser's "No internet" page; the document itself comes from the
 *   browser's IndexedDB copy, and edits made offline merge on reconnect;
 * - the few GET requests the workspace needs before it can show the document
 *   (see `offlineAnswers.ts`) go to the network first; their last good answer
 *   is kept and given only when the network cannot be reached;
 * - nothing else of the API is touched: requests that change something
 *   (POST, PUT, PATCH, DELETE) are never cached, and the collaboration
 *   WebSocket never passes through a service worker;
 * - the kept answers belong to the person signed in: signing in or out, a 401,
 *   or "nobody is signed in" deletes them all.
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  type PrecacheEntry,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst, NetworkOnly } from 'workbox-strategies';
import { API_CACHE, keepsOfflineAnswer } from '../src/offline/offlineAnswers';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const SESSION_PATH = '/api/session';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every address of the app is the same page (the client routes); the API, the collaboration socket and
// the health check are the server's.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/collab\//, /^\/healthz$/],
  }),
);

// A new version takes over at once; an open page keeps the code it loaded until it is reloaded.
void self.skipWaiting();
clientsClaim();

function forgetApiAnswers(): Promise<boolean> {
  return caches.delete(API_CACHE);
}

/**
 * Keeps a 200 that belongs to someone signed in. A 401 or "nobody is signed in" forgets every answer; a 403
 * or 404 (the document is gone, or access to it was removed) forgets the answer kept for that request.
 */
const signedInAnswersOnly: WorkboxPlugin = {
  cacheWillUpdate: async ({ request, response }) => {
    if (response.status === 401) {
      await forgetApiAnswers();
      return null;
    }
    if (response.status === 403 || response.status === 404) {
      await (await caches.open(API_CACHE)).delete(request);
      return null;
    }
    if (response.status !== 200) return null;
    if (new URL(request.url).pathname === SESSION_PATH) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as { user?: unknown } | null;
      if (!body?.user) {
        await forgetApiAnswers();
        return null;
      }
    }
    return response;
  },
};

registerRoute(
  ({ url, request, sameOrigin }) =>
    sameOrigin && request.method === 'GET' && keepsOfflineAnswer(url.pathname),
  new NetworkFirst({ cacheName: API_CACHE, plugins: [signedInAnswersOnly] }),
);

/**
 * Signing in starts afresh: the answers kept for whoever was signed in before
 * go, and the sign-in's answer (who is signed in now, the same body as
 * `GET /api/session`) is kept as that request's answer. Signing out forgets
 * them, whether or not the server could be told.
 */
const sessionChanges: WorkboxPlugin = {
  fetchDidSucceed: async ({ request, response }) => {
    if (request.method === 'DELETE') await forgetApiAnswers();
    if (request.method === 'POST' && response.ok) {
      await forgetApiAnswers();
      const cache = await caches.open(API_CACHE);
      const body = await response.clone().text();
      const answer = new Response(body, { headers: { 'Content-Type': 'application/json' } });
      await cache.put(new URL(SESSION_PATH, self.location.origin).href, answer);
    }
    return response;
  },
  fetchDidFail: async ({ request }) => {
    if (request.method === 'DELETE') await forgetApiAnswers();
  },
};

const isSessionRequest = ({ url, sameOrigin }: { url: URL; sameOrigin: boolean }) =>
  sameOrigin && url.pathname === SESSION_PATH;
registerRoute(isSessionRequest, new NetworkOnly({ plugins: [sessionChanges] }), 'POST');
registerRoute(isSessionRequest, new NetworkOnly({ plugins: [sessionChanges] }), 'DELETE');
