import type { Browser } from 'playwright-core';
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
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';

describe('two delegates co-editing the Action Plan in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage; // Polish presidency
  let laszlo: UserPage; // Hungarian delegate

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    await openDocument(anna.page, TITLE);
    await openDocument(laszlo.page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows what A types in clause 2.1 to B', async () => {
    await placeCaretAtEndOf(anna.page, '2.1');
    await anna.page.keyboard.type(' Polish wording one.');
    await expect
      .poll(() => clause(laszlo.page, '2.1').innerText(), { timeout: 10_000 })
      .toContain('Polish wording one.');
  });

  it("shows B's named caret to A", async () => {
    await placeCaretAtEndOf(laszlo.page, '1.2');
    await laszlo.page.keyboard.type(' HU');
    const caretLabel = anna.page.locator('.collaboration-carets__label', { hasText: 'László Kovács' });
    await caretLabel.waitFor({ timeout: 10_000 });
    await expect.poll(() => caretLabel.innerText()).toContain('HU');
  });

  it('lists both delegates as online', async () => {
    const presence = anna.page.getByTestId('presence-list');
    await expect.poll(() => presence.innerText(), { timeout: 10_000 }).toContain('László Kovács');
    await expect.poll(() => presence.innerText()).toContain('Anna Nowak');
  });

  it('keeps the text after a reload', async () => {
    await anna.page.reload();
    await anna.page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor();
    await expect
      .poll(() => clause(anna.page, '2.1').innerText(), { timeout: 10_000 })
      .toContain('Polish wording one.');
  });

  it('merges edits made offline without losing or duplicating a word', async () => {
    await anna.context.setOffline(true);
    await anna.page
      .getByTestId('connection-status')
      .filter({ hasText: 'Offline' })
      .waitFor({ timeout: 10_000 });
    await placeCaretAtEndOf(anna.page, '3.1');
    await anna.page.keyboard.type(' Typed on hotel wifi.');
    await placeCaretAtEndOf(laszlo.page, '3.2');
    await laszlo.page.keyboard.type(' Typed in Budapest.');
    // While A is offline, B must not see A's words.
    await expect.poll(() => clause(laszlo.page, '3.2').innerText()).toContain('Typed in Budapest.');
    expect(await clause(laszlo.page, '3.1').innerText()).not.toContain('Typed on hotel wifi.');

    await anna.context.setOffline(false);
    await anna.page
      .getByTestId('connection-status')
      .filter({ hasText: 'Connected' })
      .waitFor({ timeout: 15_000 });
    for (const { page } of [anna, laszlo]) {
      await expect
        .poll(() => clause(page, '3.1').innerText(), { timeout: 15_000 })
        .toContain('Typed on hotel wifi.');
      await expect
        .poll(() => clause(page, '3.2').innerText(), { timeout: 15_000 })
        .toContain('Typed in Budapest.');
      const text = await page.getByTestId('editor').innerText();
      expect(text.split('Typed on hotel wifi.').length - 1).toBe(1);
      expect(text.split('Typed in Budapest.').length - 1).toBe(1);
    }
  });
});
