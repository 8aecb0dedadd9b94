/**
 * People who cannot change the text, in Chromium against the real server:
 * - a commenter (and an observer) who types in a clause: nothing changes, the
 *   page does not move (Space used to scroll the clause away), and a note at
 *   the caret says once what this role can do instead;
 * - a drafter whose access an administrator removes while the document is
 *   open and scrolled: the reason stays in view, the badge says "No access",
 *   the earlier "You can now edit the text" toast goes, the text takes nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  afterNextPaint,
  clause,
  launchChromium,
  openDocument,
  signInAs,
  type UserPage,
} from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LASZLO = 'László Kovács';
/** Longer than a React render, far shorter than a toast's 8 s life: the "promptly" of these tests. */
const PROMPTLY_MS = 3_000;

/** The clause's words: its paragraphs, without the strip under it or other people's carets. */
const clauseText = (page: Page, number: string) =>
  clause(page, number).evaluate((element) => {
    const copy = element.cloneNode(true) as Element;
    for (const caret of Array.from(copy.querySelectorAll('.collaboration-carets__caret'))) caret.remove();
    return Array.from(copy.querySelectorAll('p'), (p) => p.textContent ?? '').join('\n');
  });
const scrollY = (page: Page) => page.evaluate(() => window.scrollY);
const hints = (page: Page) => page.getByTestId('caret-hint');

/** Scrolls a clause to the middle of the window and clicks into its first line of text. */
async function clickIntoClause(page: Page, number: string): Promise<void> {
  const paragraph = clause(page, number).locator('p').first();
  await paragraph.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await paragraph.click({ position: { x: 60, y: 10 } });
}

/** The caret's rectangle in the window (the collapsed DOM selection). */
function caretRect(page: Page) {
  return page.evaluate(() => {
    const range = window.getSelection()?.getRangeAt(0);
    const rect = range?.getClientRects()[0] ?? range?.getBoundingClientRect();
    return rect ? { left: rect.left, bottom: rect.bottom } : null;
  });
}

function clauseTop(page: Page, number: string) {
  return clause(page, number).evaluate((element) => element.getBoundingClientRect().top);
}

describe('a person who cannot change the text types in it', () => {
  let server: TestServer;
  let browser: Browser;
  let olena: UserPage; // Ukraine, commenter
  let sofia: UserPage; // UNHCR, observer

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    [olena, sofia] = await Promise.all([
      signInAs(browser, server.url, DEMO.commenter),
      signInAs(browser, server.url, DEMO.observer),
    ]);
    await Promise.all([openDocument(olena.page, TITLE), openDocument(sofia.page, TITLE)]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('the commenter: nothing scrolls or changes, and a note at the caret says how to comment', async () => {
    const { page } = olena;
    expect(await page.getByTestId('editor').getAttribute('contenteditable')).toBe('false');
    await clickIntoClause(page, '2.2');
    const before = {
      text: await clauseText(page, '2.2'),
      y: await scrollY(page),
      top: await clauseTop(page, '2.2'),
    };
    expect(before.y).toBeGreaterThan(300);
    const caret = await caretRect(page);

    await page.keyboard.type('We propose  ');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Backspace');

    const hint = hints(page);
    await hint.waitFor({ timeout: 5_000 });
    expect(await hint.count()).toBe(1);
    const said = (await hint.textContent()) ?? '';
    expect(said).toContain('You can comment on this text, not change it.');
    expect(said).toContain('select words and choose Comment in the toolbar');
    expect(said).toContain(
      'To record the position of Ukraine on a clause, choose Position under that clause.',
    );
    const box = await hint.boundingBox();
    expect(caret).not.toBeNull();
    expect(box).not.toBeNull();
    if (caret && box) {
      expect(box.y - caret.bottom).toBeGreaterThanOrEqual(0);
      expect(box.y - caret.bottom).toBeLessThan(40);
      expect(Math.abs(box.x - caret.left)).toBeLessThan(80);
    }
    expect(await scrollY(page)).toBe(before.y);
    expect(await clauseTop(page, '2.2')).toBe(before.top);
    expect(await clauseText(page, '2.2')).toBe(before.text);
    expect(await page.getByTestId('toolbar-hint').textContent()).toBe(
      'Commenting only — you cannot change the text.',
    );
    expect(await page.getByTestId('read-only-banner').textContent()).toContain(
      'You can comment (select words, then Comment) and record your delegation’s positions',
    );

    // Once: dismissed, it does not come back for more typing in this session.
    await hint.getByRole('button', { name: 'Got it' }).click();
    await hint.waitFor({ state: 'detached' });
    await clickIntoClause(page, '2.3');
    const y = await scrollY(page);
    await page.keyboard.type('again ');
    await afterNextPaint(page);
    expect(await hints(page).count()).toBe(0);
    expect(await scrollY(page)).toBe(y);
  });

  it('the observer is told they can read, not comment; Space does not scroll either', async () => {
    const { page } = sofia;
    await clickIntoClause(page, '3.1');
    const y = await scrollY(page);
    const text = await clauseText(page, '3.1');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Space');
    await hints(page).waitFor({ timeout: 5_000 });
    const said = (await hints(page).textContent()) ?? '';
    expect(said).toContain('You can read this text, not change it.');
    expect(said).toContain('you cannot edit or comment');
    expect(said).not.toContain('choose Comment');
    expect(await scrollY(page)).toBe(y);
    expect(await clauseText(page, '3.1')).toBe(text);
    expect(await page.getByTestId('toolbar-hint').textContent()).toBe(
      'Reading only — you cannot change the text.',
    );
  });
});

describe('an administrator removes a drafter’s access while the document is open', () => {
  let server: TestServer;
  let browser: Browser;
  let laszlo: UserPage; // Hungary, drafter
  let admin: UserPage;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    [laszlo, admin] = await Promise.all([
      signInAs(browser, server.url, DEMO.hungarianDrafter),
      signInAs(browser, server.url, DEMO.admin),
    ]);
    await openDocument(laszlo.page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** The admin page's role select for László, and the status line that confirms a change. */
  async function setLaszloRole(choice: string, confirmation: string): Promise<void> {
    await admin.page.getByLabel(`Role of ${LASZLO}`).selectOption(choice);
    await admin.page.getByTestId('document-roles-status').filter({ hasText: confirmation }).waitFor();
  }

  it('closes the workspace: reason in view, "No access", no stale toast, typing changes nothing', async () => {
    const { page } = laszlo;
    await admin.page.getByRole('link', { name: 'Administration' }).click();
    await admin.page.getByRole('tab', { name: 'Document roles' }).click();
    await admin.page.getByLabel('Document', { exact: true }).selectOption(server.actionPlanId());

    // An earlier change leaves "You can now edit the text" on László's screen.
    await setLaszloRole('observer', `${LASZLO} is now Observer`);
    await expect.poll(() => page.getByTestId('role-badge').textContent()).toBe('Observer');
    await setLaszloRole('default', `${LASZLO} follows the participant default (Drafter)`);
    const toast = page.getByTestId('toasts').filter({ hasText: 'You can now edit the text.' });
    await toast.waitFor();
    const toastSeenAt = Date.now();
    await expect.poll(() => page.getByTestId('role-badge').textContent()).toBe('Drafter');

    await clause(page, '6.2').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    const scrolled = await scrollY(page);
    expect(scrolled).toBeGreaterThan(1500);
    const text = await clauseText(page, '6.2');

    await setLaszloRole('none', `${LASZLO} has no access to`);
    const banner = page.getByTestId('connection-stopped');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Your access to this document was removed.');
    await expect
      .poll(() => page.getByTestId('role-badge').textContent(), { timeout: PROMPTLY_MS })
      .toBe('No access');
    await expect.poll(() => toast.count(), { timeout: PROMPTLY_MS }).toBe(0);
    // Gone because the document closed, not because its 8 seconds ran out.
    expect(Date.now() - toastSeenAt).toBeLessThan(7_000);

    // The reason is in the window although the text is scrolled far down, and stays there when scrolled on.
    await page.mouse.wheel(0, 600);
    await expect.poll(() => scrollY(page)).toBeGreaterThan(scrolled);
    const box = await banner.boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);
    expect(await page.getByTestId('read-only-banner').count()).toBe(0);

    // The text is plainly closed: not editable, dimmed, and typing into it changes nothing.
    expect(await page.getByTestId('editor').getAttribute('contenteditable')).toBe('false');
    expect(await page.locator('.doc-layout--closed').count()).toBe(1);
    await clickIntoClause(page, '6.2');
    await page.keyboard.type(' Hungarian late addition.');
    await hints(page).filter({ hasText: 'Nothing you type here is kept or sent.' }).waitFor();
    expect(await clauseText(page, '6.2')).toBe(text);
    expect(await page.getByTestId('toolbar-hint').textContent()).toBe(
      'Closed — nothing can be changed here.',
    );
  });
});
