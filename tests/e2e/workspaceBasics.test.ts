/**
 * Small things a new user meets first, in Chromium against the real server:
 * - the sign-in page logs no console error (a signed-out visitor is not a 401);
 * - at 1280×720 the document title is whole in the header, and the comments
 *   counter counts the tab that is selected;
 * - splitting a clause is found in the toolbar ("Split clause here", with its
 *   shortcut) and by a note on the first Enter inside a clause, and leaves no
 *   stray space on either side of the cut.
 */
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/negotiationApi';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import { clause, launchChromium, openDocument, placeCaretAtEndOf } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';

/** The clause's words: its paragraphs, without the strip under it or other people's carets. */
const clauseText = (page: Page, number: string) =>
  clause(page, number).evaluate((element) => {
    const copy = element.cloneNode(true) as Element;
    for (const caret of Array.from(copy.querySelectorAll('.collaboration-carets__caret'))) caret.remove();
    return Array.from(copy.querySelectorAll('p'), (p) => p.textContent ?? '').join('\n');
  });

describe('first steps in Draftroom', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, seedDemoNegotiation: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** A fresh browser context (no cookies) of the given size, signed in through the sign-in page. */
  async function signedIn(email: string, width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width, height } });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    return page;
  }

  it('a new browser opening the sign-in page logs no console error', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const probe = page.waitForResponse((response) => response.url().endsWith('/api/session'));
    await page.goto('/');
    expect((await probe).status()).toBe(200);
    await page.waitForURL((url) => url.pathname.startsWith('/signin'));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);

    // Signing in from there is just as quiet.
    await page.getByLabel('Email').fill(DEMO.commenter);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: TITLE }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('at 1280×720 the title is whole, and the comments counter counts the selected tab', async () => {
    // Three different counts: open, resolved and all threads.
    const penHolder = await apiAs(server, DEMO.penHolder);
    const seeded = (await penHolder.state()).body.threads;
    const clauseId = seeded[0]?.clauseId ?? '';
    expect((await penHolder.newThread({ clauseId, body: 'A third thread, to be resolved.' })).status).toBe(
      201,
    );
    const extra = await penHolder.newThread({ clauseId, body: 'A fourth thread, to be resolved.' });
    expect((await penHolder.resolve(extra.body.id)).status).toBe(200);
    const { body: state } = await penHolder.state();
    const open = state.threads.filter((thread) => !thread.resolvedAt);
    const resolved = state.threads.length - open.length;
    expect(new Set([open.length, resolved, state.threads.length]).size).toBe(3);

    const page = await signedIn(DEMO.penHolder, 1280, 720);
    await openDocument(page, TITLE);
    const title = page.getByTestId('document-title');
    const shown = await title.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const atCentre = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        text: element.textContent,
        fitsAcross: element.scrollWidth <= element.clientWidth,
        fitsDown: element.scrollHeight <= element.clientHeight,
        inWindow: box.left >= 0 && box.right <= window.innerWidth && box.top >= 0,
        uncovered: atCentre !== null && element.contains(atCentre),
      };
    });
    expect(shown).toEqual({ text: TITLE, fitsAcross: true, fitsDown: true, inWindow: true, uncovered: true });

    const panel = page.getByTestId('comments-panel');
    const counter = panel.getByTestId('comments-count');
    const tab = async (name: string) => {
      await panel.getByRole('button', { name, exact: true }).click();
      await expect
        .poll(() => panel.getByRole('button', { name, exact: true }).getAttribute('aria-pressed'))
        .toBe('true');
      return {
        counted: Number(await counter.textContent()),
        listed: await panel.getByTestId('thread').count(),
      };
    };
    expect(await tab('Open')).toEqual({ counted: open.length, listed: open.length });
    expect(await tab('Resolved')).toEqual({ counted: resolved, listed: resolved });
    expect(await counter.getAttribute('title')).toBe(
      `${resolved} resolved thread${resolved === 1 ? '' : 's'}`,
    );
    const allTab = await tab('All');
    expect(allTab).toEqual({ counted: state.threads.length, listed: state.threads.length });
    await page.context().close();
  });

  it('"Split clause here" in the toolbar splits at a space by mouse, leaving no stray space', async () => {
    const [jana, martin] = await Promise.all([
      signedIn(DEMO.czechDrafter, 1600, 900),
      signedIn(DEMO.secretariat, 1400, 900),
    ]);
    await Promise.all([openDocument(jana, TITLE), openDocument(martin, TITLE)]);
    const original = await clauseText(jana, '1.1');
    const cut = original.indexOf(' ', 20);
    const [head, tail] = [original.slice(0, cut), original.slice(cut + 1)];
    const formerNext = await clauseText(jana, '1.2');

    const button = jana.getByRole('button', { name: 'Split clause here' });
    expect(await button.count()).toBe(0); // no caret in a clause yet: the button says "New clause"
    await clause(jana, '1.1')
      .locator('p')
      .first()
      .click({ position: { x: 5, y: 10 } });
    await jana.keyboard.press('Home');
    for (let i = 0; i < cut + 1; i++) await jana.keyboard.press('ArrowRight'); // just after the space
    await button.waitFor();
    expect(await button.textContent()).toBe('Split clauseCtrl+Enter');
    expect(await button.getAttribute('title')).toBe('Split clause here (Ctrl+Enter)');
    await button.click();

    await expect.poll(() => clauseText(jana, '1.2')).toBe(tail);
    expect(await clauseText(jana, '1.1')).toBe(head);
    expect(await clauseText(jana, '1.3')).toBe(formerNext);
    // The other drafter sees the same two clauses, with no space at the cut.
    await expect.poll(() => clauseText(martin, '1.2'), { timeout: 10_000 }).toBe(tail);
    expect(await clauseText(martin, '1.1')).toBe(head);
    await Promise.all([jana.context().close(), martin.context().close()]);
  });

  it('the first Enter inside a clause says how to make a new clause, and offers it', async () => {
    const page = await signedIn(DEMO.hungarianDrafter, 1400, 900);
    await openDocument(page, TITLE);
    const original = await clauseText(page, '2.1');
    const formerNext = await clauseText(page, '2.2');
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.press('Enter');
    const hint = page.getByTestId('caret-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('Enter started a new paragraph in clause 2.1.');
    expect(await hint.textContent()).toContain('To start a new clause instead, press Ctrl+Enter');
    await page.keyboard.type('Hungary proposes a review in 2014.');
    expect(await hint.count()).toBe(1);
    await hint.getByRole('button', { name: 'Make it clause 2.2' }).click();

    await expect.poll(() => clauseText(page, '2.2')).toBe('Hungary proposes a review in 2014.');
    expect(await clauseText(page, '2.1')).toBe(original);
    expect(await clauseText(page, '2.3')).toBe(formerNext);
    await hint.waitFor({ state: 'detached' });

    // Once per session: the next Enter in a clause makes its paragraph without a note.
    await placeCaretAtEndOf(page, '3.1');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Second paragraph.');
    await expect.poll(() => clauseText(page, '3.1')).toContain('\nSecond paragraph.');
    expect(await page.getByTestId('caret-hint').count()).toBe(0);
    await page.context().close();
  });
});
