/**
 * Find in the document, go to a clause by its number, and search in comments,
 * in real Chromium against the real server.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { clause, launchChromium, openDocument, signInAs, type UserPage } from './support/browser';
import { storedContent } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const WORD = 'origin';

/** How often a word occurs in the stored text, case ignored (tags end a block: matches never cross them). */
function occurrencesInStoredText(server: TestServer, word: string): number {
  const text = storedContent(server)
    .replace(/<[^>]*>/g, '\n')
    .toLowerCase();
  return text.split(word.toLowerCase()).length - 1;
}

/** The highlighted matches: the clause number each is in ('' outside clauses), and whether it is active. */
function highlights(page: Page) {
  return page.getByTestId('editor').evaluate((editor) =>
    Array.from(editor.querySelectorAll('.ProseMirror-search-match, .ProseMirror-active-search-match')).map(
      (match) => ({
        clause: match.closest('[data-type="clause"]')?.getAttribute('data-number') ?? '',
        active: match.classList.contains('ProseMirror-active-search-match'),
        text: match.textContent ?? '',
      }),
    ),
  );
}

/** True when the active match is inside the window, below the sticky header and toolbar. */
function activeMatchInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const active = document.querySelector('.ProseMirror-active-search-match');
    if (!active) return false;
    const box = active.getBoundingClientRect();
    return box.top >= 100 && box.bottom <= window.innerHeight;
  });
}

function findStatus(page: Page): Promise<string> {
  return page
    .getByTestId('find-status')
    .textContent()
    .then((text) => text ?? '');
}

describe('search in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let jana: UserPage; // Czech delegate, drafter
  let olena: UserPage; // Ukrainian delegate, commenter

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, seedDemoNegotiation: true });
    browser = await launchChromium();
    jana = await signInAs(browser, server.url, DEMO.czechDrafter);
    olena = await signInAs(browser, server.url, DEMO.commenter);
    for (const { page } of [jana, olena]) await openDocument(page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('Ctrl+F finds a word in every clause it occurs in, counts it, and moves through the matches', async () => {
    const { page } = jana;
    const expected = occurrencesInStoredText(server, WORD);
    expect(expected).toBeGreaterThanOrEqual(4);

    await page.keyboard.press('Control+f');
    const input = page.getByRole('searchbox', { name: 'Find words, or a clause number such as 3.2' });
    await expect.poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type(WORD);

    await expect.poll(async () => (await highlights(page)).length).toBe(expected);
    const found = await highlights(page);
    expect(found.every((match) => match.text.toLowerCase() === WORD)).toBe(true);
    expect(new Set(found.map((match) => match.clause).filter(Boolean)).size).toBeGreaterThanOrEqual(2);
    await expect.poll(() => findStatus(page)).toBe(`1 of ${expected}`);
    expect(found.findIndex((match) => match.active)).toBe(0);

    // Enter and the Next button go forward; Shift+Enter back; from the first, back wraps to the last.
    await page.keyboard.press('Enter');
    await expect.poll(() => findStatus(page)).toBe(`2 of ${expected}`);
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect.poll(() => findStatus(page)).toBe(`3 of ${expected}`);
    await expect.poll(async () => (await highlights(page)).findIndex((match) => match.active)).toBe(2);
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => findStatus(page)).toBe(`1 of ${expected}`);

    const scrollBefore = await page.evaluate(() => window.scrollY);
    await page.getByRole('button', { name: 'Previous match' }).click();
    await expect.poll(() => findStatus(page)).toBe(`${expected} of ${expected}`);
    await expect.poll(() => activeMatchInView(page)).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).not.toBe(scrollBefore);

    // The selection is on the match: Escape closes the bar, and the text has the found word selected.
    const last = (await highlights(page)).at(-1);
    await page.keyboard.press('Escape');
    await page.getByTestId('find-bar').waitFor({ state: 'detached' });
    await expect.poll(async () => (await highlights(page)).length).toBe(0);
    await expect.poll(() => page.evaluate(() => window.getSelection()?.toString())).toBe(last?.text);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('draft-editor');
  });

  it('typing a clause number goes to that clause', async () => {
    const { page } = jana;
    await page.keyboard.press('Control+f');
    const input = page.getByRole('searchbox', { name: 'Find words, or a clause number such as 3.2' });
    await input.fill('9.9');
    await expect.poll(() => findStatus(page)).toBe('There is no clause 9.9.');

    await input.fill('3.2');
    await expect.poll(() => findStatus(page)).toMatch(/^Clause 3\.2 — \S+/);
    // The caret is in clause 3.2 already (the current clause is marked), and the clause is in view.
    await clause(page, '3.2').and(page.locator('.is-current')).waitFor();
    const inView = () =>
      clause(page, '3.2').evaluate((element) => {
        const box = element.getBoundingClientRect();
        return box.top >= 100 && box.top < window.innerHeight;
      });
    await expect.poll(inView).toBe(true);

    await page.keyboard.press('Enter');
    await page.getByTestId('find-bar').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('draft-editor');
    // Typing goes into clause 3.2.
    await page.keyboard.press('End');
    await page.keyboard.type(' Searched.');
    await expect.poll(() => clause(page, '3.2').locator('p').first().textContent()).toContain('Searched.');
  });

  it('the commenter finds text too, in the read-only text', async () => {
    const { page } = olena;
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.keyboard.type('readmission');
    await expect
      .poll(async () => (await highlights(page)).length)
      .toBe(occurrencesInStoredText(server, 'readmission'));
    await expect.poll(() => findStatus(page)).toMatch(/^1 of \d+$/);
    await page.getByRole('button', { name: 'Close find' }).click();
    await expect.poll(async () => (await highlights(page)).length).toBe(0);
  });

  it('a comment search filters the threads', async () => {
    const { page } = olena;
    const panel = page.getByTestId('comments-panel');
    const threads = panel.getByTestId('thread');
    await expect.poll(() => threads.count()).toBe(2);
    const search = panel.getByRole('searchbox', { name: 'Search in comments' });

    // Accents and case are ignored: "poznan" finds the reply mentioning Poznań.
    await search.fill('poznan');
    await expect.poll(() => threads.count()).toBe(1);
    await expect.poll(() => threads.first().textContent()).toContain('European Reintegration Network');
    await expect.poll(() => panel.getByTestId('comment-search-count').textContent()).toBe('1 thread matches');

    // By clause number, and by delegation code.
    await search.fill('clause 1.3');
    await expect.poll(() => threads.count()).toBe(1);
    await expect.poll(() => threads.first().textContent()).toContain('upon request of the partner state');
    await search.fill('ICMPD wording');
    await expect.poll(() => threads.count()).toBe(1);

    await search.fill('Budapest');
    await expect.poll(() => threads.count()).toBe(0);
    await panel.getByText('No threads match these filters.').waitFor();

    await search.press('Escape');
    await expect.poll(() => search.inputValue()).toBe('');
    await expect.poll(() => threads.count()).toBe(2);
  });
});
