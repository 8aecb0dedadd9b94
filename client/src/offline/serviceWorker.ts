/**
 * Registers the service worker that keeps the app shell and the last good
 * answers needed to open a document offline (`client/sw/sw.ts`).
 *
 * A page opened before the worker controlled it (the very first visit, or a
 * forced reload) fetched its answers past it: once the worker takes control,
 * the page asks it to fetch and keep those it keeps anyway (Workbox's
 * `CACHE_URLS` message), so the first document opened can be reopened offline.
 */
import { Workbox } from 'workbox-window';
import { API_CACHE, keepsOfflineAnswer, SERVICE_WORKER_URL } from './offlineAnswers';

/** The API answers this page fetched so far that the worker keeps for offline use. */
function earlierAnswers(): string[] {
  const urls = new Set<string>();
  for (const entry of performance.getEntriesByType('resource')) {
    const url = new URL(entry.name);
    if (url.origin === window.location.origin && keepsOfflineAnswer(url.pathname)) urls.add(url.href);
  }
  return [...urls];
}

export function registerServiceWorker(): void {
  // Not under the development server: it serves no service worker (a built client always has one).
  if (import.meta.hot || !('serviceWorker' in navigator)) return;
  const workbox = new Workbox(SERVICE_WORKER_URL, { scope: '/' });
  const controlledAtLoad = navigator.serviceWorker.controller !== null;
  workbox.addEventListener('controlling', () => {
    if (controlledAtLoad) return;
    const urlsToCache = earlierAnswers();
    if (urlsToCache.length > 0) void workbox.messageSW({ type: 'CACHE_URLS', payload: { urlsToCache } });
  });
  workbox.register().catch((error: unknown) => {
    console.warn('Draftroom could not be set up to open offline', error);
  });
}

/** Deletes the kept API answers (on sign-out: the next person on this computer must not read them). */
export async function forgetOfflineAnswers(): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    await caches.delete(API_CACHE);
  } catch (error) {
    console.warn('Could not delete the offline answers', error);
  }
}
