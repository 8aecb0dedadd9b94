/**
 * Issue 12, item 3: a change too large for the server's frame limit
 * (`MAX_MESSAGE_BYTES`) must not loop. Before, one 4.5 MiB paste made the
 * provider reconnect and re-send it 48 times in 15 s, each closed with 1009,
 * and the user was not told.
 *
 * - With the default limit (4 MiB), the editor refuses the paste before
 *   anything is sent and says so.
 * - With a server limit the browser does not know (64 KiB), a paste under the
 *   editor's guard is refused by the server (1009): the browser stops, keeps
 *   the change, tells the user; Reconnect before undoing uploads nothing large;
 *   after Ctrl+Z, Reconnect sends the rest and nothing is lost or duplicated.
 *
 * The windows in which a reconnect loop would show are waited for by
 * conditions (another delegate's words reaching the server). Sockets are
 * counted from the moment the document is open (the test build's React strict
 * mode opens and drops one while mounting).
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
import {
  editorText,
  longText,
  type ObservedSocket,
  observeCollabSockets,
  occurrences,
  pasteFromClipboard,
  storedContent,
} from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };
const KiB = 1024;

const status = (page: Page) => page.getByTestId('connection-status');

/** Signs in, starts counting the page's collaboration sockets, opens the Action Plan. */
async function openWatched(
  browser: Browser,
  server: TestServer,
  email: string,
  staleFrameLimit?: number,
): Promise<UserPage & { sockets: ObservedSocket[] }> {
  // page.route does not see requests a service worker makes: none here when rewriting a response.
  const options = staleFrameLimit === undefined ? {} : { serviceWorkers: 'block' as const };
  const user = await signInAs(browser, server.url, email, options);
  if (staleFrameLimit !== undefined) await believeFrameLimit(user.page, staleFrameLimit);
  const sockets = observeCollabSockets(user.page);
  await openDocument(user.page, TITLE);
  return { ...user, sockets };
}

/**
 * Makes the page believe the server accepts frames of `bytes` (the document
 * detail's `limits.maxMessageBytes`, rewritten in flight): a tab opened before
 * an administrator lowered MAX_MESSAGE_BYTES. The server itself is untouched
 * and refuses larger frames with 1009.
 */
async function believeFrameLimit(page: Page, bytes: number): Promise<void> {
  await page.route(/\/api\/documents\/[^/?]+$/, async (route) => {
    const response = await route.fetch();
    const detail = (await response.json()) as { limits: { maxMessageBytes: number } };
    await route.fulfill({ response, json: { ...detail, limits: { maxMessageBytes: bytes } } });
  });
}

/** Types at the end of a clause and waits until the server has stored it. */
async function typeAndWaitStored(server: TestServer, page: Page, number: string, words: string) {
  await placeCaretAtEndOf(page, number);
  await page.keyboard.type(words);
  await expect.poll(() => storedContent(server), LIVE).toContain(words.trim());
}

describe('a paste larger than the default frame limit (4 MiB)', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage & { sockets: ObservedSocket[] };
  let laszlo: UserPage;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    anna = await openWatched(browser, server, DEMO.penHolder);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    await openDocument(laszlo.page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('is refused in the editor with a message; nothing is sent, the connection and the text stay', async () => {
    const { page } = anna;
    const opened = anna.sockets.length;
    await typeAndWaitStored(server, page, '2.1', ' Typed before the paste.');

    await pasteFromClipboard(page, server.url, longText('OVERSIZED', 4.5 * 1024 * KiB));
    const message = page.getByTestId('toasts').getByRole('alert').filter({ hasText: 'too large to paste' });
    await message.waitFor(LIVE);
    expect(await message.textContent()).toContain('Nothing was pasted. Paste it in smaller parts');
    expect(await editorText(page)).not.toContain('OVERSIZED');

    await page.keyboard.type(' Typed after the paste.');
    // The window: until another delegate sees what was typed after the paste.
    await expect.poll(() => clause(laszlo.page, '2.1').innerText(), LIVE).toContain('Typed after the paste.');

    // No connection since the document opened, and nothing large was ever sent.
    expect(anna.sockets).toHaveLength(opened);
    expect(Math.max(...anna.sockets.map((socket) => socket.largestFrameSent))).toBeLessThan(64 * KiB);
    expect(await status(page).textContent()).toBe('Connected');
    const stored = storedContent(server);
    expect(occurrences(stored, 'Typed before the paste.')).toBe(1);
    expect(occurrences(stored, 'Typed after the paste.')).toBe(1);
    expect(stored).not.toContain('OVERSIZED');
  });
});

describe('a change the server refuses as too large (MAX_MESSAGE_BYTES = 64 KiB)', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage & { sockets: ObservedSocket[] };
  let laszlo: UserPage;
  const banner = () => anna.page.getByTestId('connection-stopped');

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, maxMessageBytes: 64 * KiB });
    browser = await launchChromium();
    // Anna's tab was opened when the server still accepted 4 MiB: its paste guard lets 200 KiB through.
    anna = await openWatched(browser, server, DEMO.penHolder, 4 * 1024 * KiB);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    await openDocument(laszlo.page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('stops without reconnecting, keeps the change in the browser and says what to do', async () => {
    const { page } = anna;
    const opened = anna.sockets.length;
    await typeAndWaitStored(server, page, '2.1', ' Typed before the big paste.');

    // 200 KiB: under the editor's guard (half of the 4 MiB it believes), over the server's limit.
    await pasteFromClipboard(page, server.url, longText('BIGPASTE', 200 * KiB));
    await banner().waitFor(LIVE);
    const text = (await banner().textContent()) ?? '';
    expect(text).toContain('Your last change was not sent: it is too large.');
    expect(text).toContain('It is kept in this browser only');
    expect(text).toContain('Undo it (Ctrl+Z)');
    expect(await status(page).textContent()).toBe('Disconnected');
    expect(await editorText(page)).toContain('BIGPASTE');

    // The window: another delegate types and the server stores it.
    await typeAndWaitStored(server, laszlo.page, '3.1', ' Hungarian words while Anna is stopped.');
    // Not one connection since the refused one.
    expect(anna.sockets).toHaveLength(opened);
    expect(storedContent(server)).not.toContain('BIGPASTE');
    expect(await banner().isVisible()).toBe(true);
  });

  it('uploads nothing large when Reconnect is pressed before the change is undone', async () => {
    const { page } = anna;
    const before = anna.sockets.length;
    await banner().getByRole('button', { name: 'Reconnect' }).click();
    await expect.poll(() => anna.sockets.length, LIVE).toBe(before + 1);
    // This browser closes it itself: what the server lacks is still over the limit it learned.
    await expect.poll(() => anna.sockets[before]?.closed, LIVE).toBe(true);
    await banner().waitFor(LIVE);
    expect(await banner().textContent()).toContain('too large');
    expect(anna.sockets[before]?.largestFrameSent).toBeLessThan(64 * KiB);
    expect(await status(page).textContent()).toBe('Disconnected');
    expect(storedContent(server)).not.toContain('BIGPASTE');
  });

  it('sends everything else once the change is undone and Reconnect is pressed', async () => {
    const { page } = anna;
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.press('Control+Z');
    await expect.poll(() => editorText(page)).not.toContain('BIGPASTE');
    expect(await editorText(page)).toContain('Typed before the big paste.');
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.type(' Typed after the undo.');

    const before = anna.sockets.length;
    await banner().getByRole('button', { name: 'Reconnect' }).click();
    await status(page).filter({ hasText: 'Connected' }).waitFor(LIVE);
    await expect.poll(() => clause(laszlo.page, '2.1').innerText(), LIVE).toContain('Typed after the undo.');
    expect(await banner().count()).toBe(0);
    expect(anna.sockets).toHaveLength(before + 1);
    expect(anna.sockets[before]?.largestFrameSent).toBeLessThan(64 * KiB);

    const stored = storedContent(server);
    expect(occurrences(stored, 'Typed before the big paste.')).toBe(1);
    expect(occurrences(stored, 'Typed after the undo.')).toBe(1);
    expect(occurrences(stored, 'Hungarian words while Anna is stopped.')).toBe(1);
    expect(stored).not.toContain('BIGPASTE');
    const seen = await editorText(laszlo.page);
    expect(occurrences(seen, 'Typed after the undo.')).toBe(1);
    expect(seen).not.toContain('BIGPASTE');

    // A reload (this browser's offline copy included) agrees with the server.
    await page.reload();
    await status(page).filter({ hasText: 'Connected' }).waitFor(LIVE);
    const reloaded = await editorText(page);
    expect(occurrences(reloaded, 'Typed before the big paste.')).toBe(1);
    expect(occurrences(reloaded, 'Typed after the undo.')).toBe(1);
    expect(occurrences(reloaded, 'Hungarian words while Anna is stopped.')).toBe(1);
    expect(reloaded).not.toContain('BIGPASTE');
    expect(await banner().count()).toBe(0);
  });
});
