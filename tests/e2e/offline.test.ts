/**
 * Reopening a document with no connection: the service worker gives the app
 * shell and the last good answers, IndexedDB the document; what is typed
 * offline reaches another delegate on reconnect. Real Chromium, real server.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  clause,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { occurrences, storedContent } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 20_000 };
const API_CACHE = 'draftroom-api';

/** The paths of the API answers the service worker keeps in this page's origin. */
function keptAnswers(page: Page): Promise<string[]> {
  return page.evaluate(async (cacheName) => {
    if (!(await caches.has(cacheName))) return [];
    const cache = await caches.open(cacheName);
    return (await cache.keys()).map((request) => new URL(request.url).pathname);
  }, API_CACHE);
}

/**
 * Records in the browser's IndexedDB copy of a document (y-indexeddb's
 * `updates` store), whoever's it is (copies are named `draftroom:<user>:<document>`).
 */
function offlineCopyRecords(page: Page, documentId: string): Promise<number> {
  return page.evaluate(
    (suffix) =>
      new Promise<number>((resolve) => {
        void indexedDB.databases().then((databases) => {
          const name = databases.find(
            (db) => db.name?.startsWith('draftroom:') && db.name.endsWith(suffix),
          )?.name;
          if (!name) {
            resolve(0);
            return;
          }
          countRecords(name);
        });
        const countRecords = (name: string) => {
          const open = indexedDB.open(name);
          open.onerror = () => resolve(0);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('updates')) {
              db.close();
              resolve(0);
              return;
            }
            const count = db.transaction('updates').objectStore('updates').count();
            count.onsuccess = () => {
              db.close();
              resolve(count.result);
            };
            count.onerror = () => resolve(0);
          };
        };
      }),
    `:${documentId}`,
  );
}

/** The conditions under which a reload offline can open the document: each waited for with a deadline. */
async function readyToOpenOffline(page: Page, documentId: string): Promise<void> {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE).toBe(true);
  const needed = ['/api/session', `/api/documents/${documentId}`, `/api/documents/${documentId}/negotiation`];
  await expect.poll(() => keptAnswers(page), LIVE).toEqual(expect.arrayContaining(needed));
  await expect.poll(() => offlineCopyRecords(page, documentId), LIVE).toBeGreaterThan(0);
}

function connection(page: Page, label: string) {
  return page.getByTestId('connection-status').filter({ hasText: label });
}

describe('reopening a document offline in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let jana: UserPage; // Czech delegate, drafter: goes offline
  let laszlo: UserPage; // Hungarian delegate, drafter: stays online

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    jana = await signInAs(browser, server.url, DEMO.czechDrafter);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    for (const { page } of [jana, laszlo]) await openDocument(page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('serves the service worker unstaled, under a CSP that allows it', async () => {
    const response = await jana.page.request.get('/sw.js');
    expect(response.status()).toBe(200);
    expect(response.headers()['cache-control']).toBe('no-cache');
    expect(response.headers()['content-type']).toContain('javascript');
    const page = await jana.page.request.get('/');
    expect(page.headers()['content-security-policy']).toContain("worker-src 'self'");
  });

  it('reloads offline with the text, keeps what is typed, and merges it on reconnect', async () => {
    const { page, context } = jana;
    const documentId = server.actionPlanId();
    await readyToOpenOffline(page, documentId);

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('editor').waitFor(LIVE);
    await connection(page, 'Offline').waitFor(LIVE);
    await expect.poll(() => clause(page, '2.2').innerText()).toContain('Give priority to voluntary return');
    await expect.poll(() => page.getByTestId('document-title').textContent()).toBe(TITLE);

    await placeCaretAtEndOf(page, '1.2');
    await page.keyboard.type(' Typed offline after a reload.');
    await expect.poll(() => clause(page, '1.2').innerText()).toContain('Typed offline after a reload.');
    // Nobody else has it while the delegate is offline.
    expect(await clause(laszlo.page, '1.2').innerText()).not.toContain('Typed offline');

    await context.setOffline(false);
    await connection(page, 'Connected').waitFor(LIVE);
    await expect
      .poll(() => clause(laszlo.page, '1.2').innerText(), LIVE)
      .toContain('Typed offline after a reload.');
    await expect
      .poll(() => occurrences(storedContent(server), 'Typed offline after a reload.'), LIVE)
      .toBe(1);
  });

  it('keeps only the answers needed to open a document, and forgets them on sign-out', async () => {
    const { page } = jana;
    const documentId = server.actionPlanId();
    const allowed = new Set([
      '/api/session',
      '/api/me',
      '/api/me/mentions',
      '/api/documents',
      `/api/documents/${documentId}`,
      `/api/documents/${documentId}/negotiation`,
    ]);
    // Opening the history asks for the versions: an answer the worker must not keep.
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-panel').waitFor();
    await page.keyboard.press('Escape');
    const kept = await keptAnswers(page);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((path) => !allowed.has(path))).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/signin'));
    await expect.poll(() => keptAnswers(page)).toEqual([]);
    await expect.poll(() => offlineCopyRecords(page, documentId)).toBe(0);
  });
});
