import type { Browser, Locator, Page } from 'playwright-core';
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
import { textWithoutCarets } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };

/** The text of an element ('' when it has none). */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** The text of a clause's first paragraph (without its negotiation strip), brackets included. */
function clauseText(page: Page, number: string): Promise<string> {
  return textWithoutCarets(clause(page, number).locator('p').first());
}

/** Selects the last `length` characters of a clause's first paragraph, before its final full stop. */
async function selectBeforeFullStop(page: Page, number: string, length: number): Promise<void> {
  await placeCaretAtEndOf(page, number);
  await page.keyboard.press('ArrowLeft');
  for (let i = 0; i < length; i++) await page.keyboard.press('Shift+ArrowLeft');
}

function thread(page: Page, text: string) {
  return page.getByTestId('comments-panel').getByTestId('thread').filter({ hasText: text });
}

describe('negotiating the Action Plan in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage; // Polish presidency, pen-holder
  let jana: UserPage; // Czech delegate, drafter
  let laszlo: UserPage; // Hungarian delegate, drafter

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    jana = await signInAs(browser, server.url, DEMO.czechDrafter);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    for (const { page } of [anna, jana, laszlo]) {
      await openDocument(page, TITLE);
      await page.getByTestId('comments-panel').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows a comment on a range live, with replies and resolution, to both delegates', async () => {
    // Jana comments on "origin" in clause 2.3 and mentions the Hungarian delegation.
    await selectBeforeFullStop(jana.page, '2.3', 'origin'.length);
    await jana.page.getByRole('button', { name: 'Comment on the selected text or clause' }).click();
    const draft = jana.page.getByTestId('new-thread');
    await expect.poll(() => textOf(draft.locator('blockquote'))).toBe('origin');
    await draft.getByRole('textbox').fill('Which countries of origin? @HU please confirm.');
    await draft.getByRole('button', { name: 'Comment', exact: true }).click();

    // László sees it live: the thread with its quote, the margin count, the highlight and a mention.
    const laszloThread = thread(laszlo.page, 'Which countries of origin?');
    await laszloThread.waitFor(LIVE);
    await expect.poll(() => textOf(laszloThread.locator('q'))).toBe('origin');
    await expect.poll(() => textOf(clause(laszlo.page, '2.3').getByTestId('comment-count'))).toBe('1');
    await expect
      .poll(() => textWithoutCarets(clause(laszlo.page, '2.3').locator('.comment-anchor')))
      .toBe('origin');
    await expect.poll(() => textOf(laszlo.page.getByTestId('mentions-unread')), LIVE).toBe('1');

    // He opens it (which marks the mention read) and replies.
    await laszloThread.locator('.thread__target').click();
    await laszlo.page.getByTestId('mentions-unread').waitFor({ state: 'detached', ...LIVE });
    await laszloThread
      .getByRole('textbox', { name: 'Reply' })
      .fill('Confirmed: Eastern Partnership countries.');
    await laszloThread.getByRole('button', { name: 'Reply', exact: true }).click();

    const janaThread = thread(jana.page, 'Which countries of origin?');
    await expect.poll(() => textOf(janaThread), LIVE).toContain('Confirmed: Eastern Partnership countries.');

    // The pen-holder resolves it; both delegates see it resolved.
    const annaThread = thread(anna.page, 'Which countries of origin?');
    await annaThread.locator('.thread__target').click();
    await annaThread.getByRole('button', { name: 'Resolve' }).click();
    for (const { page } of [jana, laszlo]) {
      await thread(page, 'Which countries of origin?').waitFor({ state: 'detached', ...LIVE });
      await page.getByTestId('comments-panel').getByRole('button', { name: 'Resolved', exact: true }).click();
      const resolved = thread(page, 'Which countries of origin?');
      await expect.poll(() => textOf(resolved), LIVE).toContain('Resolved by Anna Nowak');
      await expect
        .poll(() => clause(page, '2.3').getByTestId('comment-count').getAttribute('class'))
        .toContain('comment-margin--settled');
    }
  });

  it('locks an agreed clause against typing and undo by anyone, while other clauses stay editable', async () => {
    // László drafts in clause 1.3 while it is still open.
    await placeCaretAtEndOf(laszlo.page, '1.3');
    await laszlo.page.keyboard.type(' Draft.');
    await expect.poll(() => clauseText(anna.page, '1.3'), LIVE).toContain('Draft.');
    const before = await clauseText(anna.page, '1.3');

    await clause(anna.page, '1.3').getByTestId('clause-status').click();
    await anna.page
      .getByRole('dialog', { name: 'Status of clause 1.3' })
      .locator('[data-status="agreed"]')
      .click();
    const locked = (page: Page) => page.locator('[data-type="clause"][data-number="1.3"].is-locked');
    await locked(anna.page).waitFor(LIVE);
    await locked(laszlo.page).waitFor(LIVE);

    // László tries to type, delete, split, and undo his earlier edit inside the agreed clause.
    await placeCaretAtEndOf(laszlo.page, '1.3');
    await laszlo.page.keyboard.type(' Hungarian amendment.');
    await laszlo.page.keyboard.press('Backspace');
    await laszlo.page.keyboard.press('Enter');
    await laszlo.page.keyboard.press('Control+z');
    await laszlo.page.getByTestId('toasts').filter({ hasText: 'agreed and locked' }).waitFor(LIVE);
    // The pen-holder is refused too, until she reopens the clause.
    await placeCaretAtEndOf(anna.page, '1.3');
    await anna.page.keyboard.type(' Presidency text.');

    // Typing in another clause still works and reaches the pen-holder: anything sent before it would have too.
    await placeCaretAtEndOf(laszlo.page, '1.4');
    await laszlo.page.keyboard.type(' Budapest wording.');
    await expect.poll(() => clauseText(anna.page, '1.4'), LIVE).toContain('Budapest wording.');

    expect(await clauseText(laszlo.page, '1.3')).toBe(before);
    expect(await clauseText(anna.page, '1.3')).toBe(before);
    await expect.poll(() => textOf(laszlo.page.getByTestId('connection-status'))).toContain('Connected');
  });

  it('brackets a passage with two alternatives and resolves it to the second', async () => {
    // Jana brackets "social services" in clause 4.2 and proposes "public services".
    await selectBeforeFullStop(jana.page, '4.2', 'social services'.length);
    const bracketButton = jana.page.getByRole('button', { name: 'Bracket the selected passage' });
    await expect.poll(() => bracketButton.isEnabled()).toBe(true);
    await bracketButton.click();
    const form = jana.page.getByRole('dialog', { name: 'Bracket a passage' });
    await form.getByRole('textbox').fill('public services');
    await form.getByRole('button', { name: 'Bracket', exact: true }).click();

    // The server marks the passage; Jana's own editor gets the mark through Yjs like everyone else's.
    await expect
      .poll(() => textWithoutCarets(clause(jana.page, '4.2').locator('.draft-bracket')), LIVE)
      .toBe('social services');
    // The pen-holder sees [social services CZ / public services CZ] and keeps the second wording.
    const tail = clause(anna.page, '4.2').locator('.bracket-tail');
    await expect.poll(() => textOf(tail), LIVE).toContain('public services');
    expect(await textWithoutCarets(clause(anna.page, '4.2').locator('.draft-bracket'))).toBe(
      'social services',
    );
    await tail.locator('.bracket-options').click();
    await anna.page
      .getByTestId('bracket-details')
      .getByRole('button', { name: 'Keep alternative B: public services' })
      .click();

    for (const { page } of [anna, jana]) {
      await expect.poll(() => clauseText(page, '4.2'), LIVE).toContain('education and public services.');
      const text = await clauseText(page, '4.2');
      expect(text).not.toContain('social services');
      expect(text).not.toMatch(/[[\]]/);
      expect(await clause(page, '4.2').locator('.draft-bracket').count()).toBe(0);
    }
    const state = await anna.page.evaluate(async (id) => {
      const response = await fetch(`/api/documents/${id}/negotiation`);
      return (await response.json()) as {
        brackets: { resolution: { kind: string; index: number } | null }[];
      };
    }, server.actionPlanId());
    expect(state.brackets.map((bracket) => bracket.resolution)).toEqual([
      expect.objectContaining({ kind: 'kept', index: 1 }),
    ]);
  });
});
