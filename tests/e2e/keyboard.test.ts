/**
 * Keyboard only, as the commenter (read-only text): skip links come first,
 * the text takes focus with a caret, Shift+arrows select words, and a comment
 * opens on that selection. Real Chromium, real server.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { clause, launchChromium, openDocument, signInAs, type UserPage } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };

/** What has keyboard focus: its id, its text (for links and buttons), its test id. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    return {
      id: element?.id ?? '',
      text: element?.textContent?.trim() ?? '',
      testId: element?.getAttribute('data-testid') ?? '',
      tag: element?.tagName.toLowerCase() ?? '',
    };
  });
}

/** Presses Tab until `done` says so, at most `limit` times; returns how many presses it took. */
async function tabUntil(page: Page, limit: number, done: () => Promise<boolean>): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await done()) return presses;
  }
  throw new Error(`not reached in ${limit} Tab presses (focus on ${JSON.stringify(await focused(page))})`);
}

function selectedText(page: Page): Promise<string> {
  return page.evaluate(() => window.getSelection()?.toString() ?? '');
}

/** The clause number the page's selection is in (both ends), or '' when it is not in one clause. */
function selectionClause(page: Page): Promise<string> {
  return page.evaluate(() => {
    const selection = window.getSelection();
    const clauseOf = (node: Node | null | undefined) =>
      (node instanceof Element ? node : node?.parentElement)
        ?.closest('[data-type="clause"]')
        ?.getAttribute('data-number') ?? '';
    const anchor = clauseOf(selection?.anchorNode);
    return anchor === clauseOf(selection?.focusNode) ? anchor : '';
  });
}

describe('keyboard only, as the commenter', () => {
  let server: TestServer;
  let browser: Browser;
  let olena: UserPage; // Ukrainian delegate, commenter: cannot change the text

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    olena = await signInAs(browser, server.url, DEMO.commenter);
    await openDocument(olena.page, TITLE);
    await olena.page.getByTestId('comments-panel').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a skip link reaches the text, Shift+arrows select words, and a comment opens on them', async () => {
    const { page } = olena;
    const textBefore = await clause(page, '2.2').locator('p').first().textContent();
    await page.reload();
    await page.getByTestId('editor').waitFor();

    const presses = await tabUntil(page, 3, async () => (await focused(page)).text === 'Skip to the text');
    expect(presses).toBeLessThanOrEqual(3);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('draft-editor');
    // The read-only text shows a caret where the selection is.
    await page.locator('.readonly-caret:not([hidden])').waitFor();

    // Go to clause 2.2 by its number, then select its first two words with Ctrl+Shift+→.
    await page.keyboard.press('Control+f');
    await page.keyboard.type('2.2');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('draft-editor');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await expect.poll(async () => (await selectedText(page)).trim()).toBe('Give priority');
    expect(await selectionClause(page)).toBe('2.2');
    // Shift+→ and Shift+← extend and shrink it by a character.
    const twoWords = await selectedText(page);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => selectedText(page)).toBe(`Give priority to`.slice(0, twoWords.length + 1));
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => selectedText(page)).toBe(twoWords);

    // Ctrl+Alt+M comments on the selection: the composer quotes it and takes focus.
    await page.keyboard.press('Control+Alt+m');
    const draft = page.getByTestId('new-thread');
    await expect
      .poll(async () => (await draft.locator('blockquote').textContent())?.trim())
      .toBe('Give priority');
    await expect.poll(async () => (await focused(page)).tag).toBe('textarea');
    await page.keyboard.type('Ukraine proposes "Give equal weight".');
    await page.keyboard.press('Control+Enter');
    const thread = page
      .getByTestId('comments-panel')
      .getByTestId('thread')
      .filter({ hasText: 'equal weight' });
    await thread.waitFor(LIVE);
    await expect.poll(async () => (await thread.locator('q').textContent())?.trim()).toBe('Give priority');

    // Nothing in the text changed.
    expect(await clause(page, '2.2').locator('p').first().textContent()).toBe(textBefore);
  });

  it('skip links reach the comments and the history', async () => {
    const { page } = olena;
    await page.reload();
    await page.getByTestId('editor').waitFor();
    await tabUntil(page, 3, async () => (await focused(page)).text === 'Skip to the comments');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('comments-panel');
    // The next stop is the comment search, the first control of the panel.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');

    await page.reload();
    await page.getByTestId('editor').waitFor();
    await tabUntil(page, 3, async () => (await focused(page)).text === 'Skip to the version history');
    await page.keyboard.press('Enter');
    await page.getByTestId('history-panel').waitFor();
    await expect.poll(async () => (await focused(page)).testId).toBe('history-panel');
    await page.keyboard.press('Escape');
    await page.getByTestId('history-panel').waitFor({ state: 'detached' });
  });

  it('arrows move a caret in the read-only text without scrolling it away', async () => {
    const { page } = olena;
    await page.reload();
    await page.getByTestId('editor').waitFor();
    await tabUntil(page, 3, async () => (await focused(page)).text === 'Skip to the text');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('draft-editor');
    const caretTop = () =>
      page.locator('.readonly-caret').evaluate((caret) => caret.getBoundingClientRect().top);
    const start = await caretTop();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(caretTop).toBeGreaterThan(start);
    // Selecting to the end of the line keeps the page where it is.
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.keyboard.press('Shift+End');
    expect((await selectedText(page)).length).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  });
});
