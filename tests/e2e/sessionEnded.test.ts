/**
 * Issue 12, item 5 (the browser's side): a delegate whose session ends loses
 * nothing. The page is not reloaded and the editor not discarded: a sign-in
 * dialog opens over it (without taking the keyboard: the sentence goes on, in
 * this browser), and signing in again reconnects the same provider, whose
 * sync sends every change the server does not have.
 *
 * - The session expires (a 15-second lifetime) while the delegate types: the
 *   server closes the socket with 4401 at the expiry.
 * - A request to the API gets 401 (the session was deleted on the server):
 *   the same dialog; the request is sent again after signing in.
 * - The session ends while the browser is offline: when it is back, the
 *   socket's upgrade is refused (the browser sees only a failed connection);
 *   the client asks the API, finds the session gone, and opens the dialog.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import {
  clause,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { editorText, occurrences, storedContent } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };
const SESSION_SECONDS = 15;

const status = (page: Page) => page.getByTestId('connection-status');
const sessionDialog = (page: Page) => page.getByRole('dialog', { name: 'Your session has ended' });

/** Marks the page: a reload or a navigation that rebuilds it would lose the mark. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { e2eSamePage: true }));
}

async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as { e2eSamePage?: boolean }).e2eSamePage === true);
}

async function signInAgainInPlace(page: Page): Promise<void> {
  const dialog = sessionDialog(page);
  await dialog.waitFor(LIVE);
  expect(await dialog.getByRole('alert').textContent()).toContain('your changes are kept in this browser');
  await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'detached', ...LIVE });
}

/** Ends every session of `email` in the database, as an expiry sweep does, without telling open sockets. */
function deleteSessionsOf(server: TestServer, email: string): void {
  server.server.db
    .prepare('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = ?)')
    .run(email);
}

describe('a session that expires while the delegate types', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, sessionTtlHours: SESSION_SECONDS / 3600 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('keeps every word, signs in again over the editor, and stores each word once', async () => {
    const anna = await signInAs(browser, server.url, DEMO.penHolder);
    const { page } = anna;
    await openDocument(page, TITLE);
    await markPage(page);
    await placeCaretAtEndOf(page, '2.1');

    // Words until the session ends mid-sentence and the dialog appears.
    const typed: string[] = [];
    let interrupted = '';
    for (let i = 0; i < 1000 && !interrupted; i++) {
      const word = `w${i}x`;
      await page.keyboard.type(` ${word}`, { delay: 10 });
      if (await sessionDialog(page).isVisible()) interrupted = word;
      else typed.push(word);
    }
    expect(interrupted).not.toBe('');
    expect(typed.length).toBeGreaterThan(20);
    expect(await status(page).textContent()).toBe('Disconnected');
    // The dialog does not take the keyboard: the sentence goes on, in this browser only.
    const afterExpiry = ['finishing', 'the', 'sentence', 'after', 'expiry.'].map((word, i) => `${word}${i}z`);
    await page.keyboard.type(` ${afterExpiry.join(' ')}`, { delay: 10 });
    const kept = await editorText(page);
    for (const word of [...typed, ...afterExpiry]) expect(occurrences(kept, word), word).toBe(1);
    const storedBeforeSignIn = storedContent(server);
    for (const word of afterExpiry) expect(occurrences(storedBeforeSignIn, word), word).toBe(0);
    typed.push(...afterExpiry);

    await signInAgainInPlace(page);
    await status(page).filter({ hasText: 'Connected' }).waitFor(LIVE);
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.type(' Signed in again.');
    expect(await stillSamePage(page)).toBe(true);

    // Another delegate, with no copy of their own, sees every word once.
    const laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    await openDocument(laszlo.page, TITLE);
    await expect.poll(() => clause(laszlo.page, '2.1').innerText(), LIVE).toContain('Signed in again.');
    const seen = await editorText(laszlo.page);
    const stored = storedContent(server);
    for (const word of typed) {
      expect(occurrences(seen, word), word).toBe(1);
      expect(occurrences(stored, word), word).toBe(1);
    }
    expect(occurrences(stored, interrupted)).toBeLessThanOrEqual(1);
    expect(occurrences(stored, 'Signed in again.')).toBe(1);

    // After a reload (its session may have expired again by then: sign in), the same text.
    await page.reload();
    if (new URL(page.url()).pathname === '/signin') {
      await page.getByLabel('Email').fill(DEMO.penHolder);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByTestId('editor').waitFor(LIVE);
    await expect.poll(() => editorText(page), LIVE).toContain('Signed in again.');
    const reloaded = await editorText(page);
    for (const word of typed) expect(occurrences(reloaded, word), word).toBe(1);
  });
});

describe('a session deleted on the server while the page is open', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage;
  let laszlo: UserPage;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    for (const { page } of [anna, laszlo]) {
      await openDocument(page, TITLE);
      await page.getByTestId('comments-panel').waitFor();
    }
    await markPage(anna.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('asks to sign in again when a request gets 401, then sends the request: the comment is posted', async () => {
    const { page } = anna;
    await placeCaretAtEndOf(page, '2.3');
    await page.keyboard.type(' Before the comment.');
    await expect.poll(() => storedContent(server), LIVE).toContain('Before the comment.');
    deleteSessionsOf(server, DEMO.penHolder);

    await page.getByRole('button', { name: 'Comment on the selected text or clause' }).click();
    const draft = page.getByTestId('new-thread');
    await draft.getByRole('textbox').fill('The presidency proposes to keep this wording.');
    await draft.getByRole('button', { name: 'Comment', exact: true }).click();

    await signInAgainInPlace(page);
    const thread = (on: Page) =>
      on.getByTestId('comments-panel').getByTestId('thread').filter({ hasText: 'keep this wording' });
    await thread(page).waitFor(LIVE);
    await thread(laszlo.page).waitFor(LIVE);
    expect(await stillSamePage(page)).toBe(true);
    expect(occurrences(await editorText(page), 'Before the comment.')).toBe(1);
  });

  it('asks to sign in again when the socket cannot reconnect, then sends what was written offline', async () => {
    const { page, context } = anna;
    await context.setOffline(true);
    await status(page).filter({ hasText: 'Offline' }).waitFor(LIVE);
    await placeCaretAtEndOf(page, '3.1');
    await page.keyboard.type(' Written on the plane.');
    deleteSessionsOf(server, DEMO.penHolder);

    await context.setOffline(false);
    await signInAgainInPlace(page);
    await status(page).filter({ hasText: 'Connected' }).waitFor(LIVE);
    await expect.poll(() => clause(laszlo.page, '3.1').innerText(), LIVE).toContain('Written on the plane.');
    expect(occurrences(await editorText(laszlo.page), 'Written on the plane.')).toBe(1);
    expect(occurrences(storedContent(server), 'Written on the plane.')).toBe(1);
    expect(await stillSamePage(page)).toBe(true);
  });
});
