/**
 * Reading versions and comparisons in Chromium (issue 13, items 6–8): every
 * change summary names what it counts against, the same in the history
 * panel and in the version's own view; a paragraph split inside a clause
 * shows as a change with a ¶ mark and two paragraphs; the side-by-side
 * column labels stay in view when the comparison is scrolled to the bottom.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { versionsAs } from '../support/versionsApi';
import {
  appendToClause,
  clauseIdsOf,
  insertClause,
  splitParagraph,
  storedContent,
} from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';
import { launchChromium, openDocument, signInAs, type UserPage } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const REV_1 = 'Rev. 1 — for the Budapest SOM';
const REV_2 = 'Rev. 2 — after the Hungarian amendments';
/** Clause 2.3 of the demo is split before these words. */
const SECOND_PARAGRAPH = 'vocational training and micro-credit schemes in the countries of origin.';

function versionCard(panel: Locator, label: string): Locator {
  return panel
    .getByTestId('version-card')
    .filter({ has: panel.page().getByRole('heading', { name: label, exact: true }) });
}

async function openHistory(page: Page): Promise<Locator> {
  const panel = page.getByTestId('history-panel');
  if (!(await panel.isVisible())) await page.getByTestId('history-button').click();
  await panel.getByTestId('named-versions').waitFor();
  return panel;
}

describe('reading versions and comparisons in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage; // Polish presidency, pen-holder
  let hungary: CollabClient;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    // The Hungarian delegate amends four clauses, adds one and splits 2.3 into two paragraphs; Rev. 2 is saved.
    const laszlo = await versionsAs(server, DEMO.hungarianDrafter);
    hungary = await connectWellBehaved(server.wsUrl, server.actionPlanId(), laszlo.who.cookie);
    const ids = clauseIdsOf(hungary.doc);
    for (const index of [0, 1, 2, 3]) appendToClause(hungary.doc, ids[index] ?? '', ` [HU ${index}]`);
    insertClause(hungary.doc, 0, 5, 'Hold a yearly meeting of document security experts [HU new].');
    splitParagraph(hungary.doc, ids[7] ?? '', SECOND_PARAGRAPH);
    await waitFor(() => storedContent(server) === contentOf(hungary.doc), {
      what: 'the server stored every amendment',
    });
    const rev2 = await laszlo.saveOk(REV_2);
    expect(rev2.summary).toEqual({ added: 1, changed: 5, removed: 0, moved: 0 });
    browser = await launchChromium();
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    await openDocument(anna.page, TITLE);
  });

  afterAll(async () => {
    hungary?.destroy();
    await browser?.close();
    await server?.dispose();
  });

  it('says what each summary is against, the same in the history panel and in the version itself', async () => {
    const { page } = anna;
    const panel = await openHistory(page);
    const rev2Line = 'Against Rev. 1 — for the Budapest SOM: 5 clauses changed · 1 added';
    const rev1Line = 'First named version — there is no earlier named version to compare it with';
    await expect
      .poll(() => versionCard(panel, REV_2).getByTestId('version-summary').innerText(), { timeout: 10_000 })
      .toBe(rev2Line);
    expect(await versionCard(panel, REV_1).getByTestId('version-summary').innerText()).toBe(rev1Line);
    expect(await versionCard(panel, REV_1).getByTestId('version-summary-compare').count()).toBe(0);

    await versionCard(panel, REV_1).getByRole('link', { name: 'Open', exact: true }).click();
    await page.getByTestId('version-banner').waitFor();
    const facts = page.locator('.version-facts');
    expect(await facts.getByTestId('version-summary').innerText()).toBe(rev1Line);

    await page.getByRole('link', { name: 'Back to the current text' }).click();
    await page.getByTestId('editor').waitFor();
    await versionCard(await openHistory(page), REV_2)
      .getByRole('link', { name: 'Open', exact: true })
      .click();
    await page.getByTestId('version-banner').filter({ hasText: REV_2 }).waitFor();
    expect(await page.locator('.version-facts').getByTestId('version-summary').innerText()).toBe(rev2Line);

    // "Show the changes" opens that very comparison, whose headline has the same counts.
    await page.locator('.version-facts').getByTestId('version-summary-compare').click();
    await page.getByTestId('compare-page').waitFor();
    await expect.poll(() => page.getByTestId('compare-title').innerText()).toBe(`${REV_1} → ${REV_2}`);
    await expect
      .poll(() => page.getByTestId('compare-headline').innerText(), { timeout: 10_000 })
      .toBe('5 clauses changed · 1 added');
  });

  it('shows a paragraph split inside a clause as a change: an inserted ¶ and two paragraphs', async () => {
    const { page } = anna;
    const split = page
      .getByTestId('clause-diff')
      .filter({ has: page.getByTestId('clause-diff-number').getByText('2.3', { exact: true }) });
    expect(await split.getAttribute('data-change')).toBe('changed');
    const mark = split.locator('ins.redline__mark');
    expect(await mark.count()).toBe(1);
    expect(await mark.getAttribute('title')).toBe('Paragraph break inserted');
    const paragraphs = split.getByTestId('redline-paragraph');
    expect(await paragraphs.count()).toBe(2);
    expect(await paragraphs.nth(1).innerText()).toBe(SECOND_PARAGRAPH);
    // No word changed: the ¶ is the only insertion, nothing is deleted.
    expect(await split.locator('ins').count()).toBe(1);
    expect(await split.locator('del').count()).toBe(0);

    // Side by side: one paragraph before, two after.
    await page.getByRole('button', { name: 'Side by side' }).click();
    const [before, after] = await split.getByTestId('redline-columns').locator('.redline').all();
    expect(await before?.getByTestId('redline-paragraph').count()).toBe(0);
    expect(await after?.getByTestId('redline-paragraph').count()).toBe(2);
  });

  it('keeps the side-by-side column labels in view when scrolled to the bottom', async () => {
    const { page } = anna;
    await page.getByLabel('Hide unchanged clauses').uncheck();
    const labels = page.getByTestId('compare-column-labels');
    expect(await labels.locator('span').allTextContents()).toEqual([REV_1, REV_2]);
    // The whole text, side by side: far longer than the window.
    const heights = await page.evaluate(() => ({
      page: document.documentElement.scrollHeight,
      window: window.innerHeight,
    }));
    expect(heights.page).toBeGreaterThan(heights.window * 3);

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect
      .poll(() =>
        page.evaluate(
          () => Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1,
        ),
      )
      .toBe(true);
    // The last clause of the text is on screen, and the labels are still in view, below the app header.
    const lastClause = page.getByTestId('clause-diff').last();
    expect(await lastClause.isVisible()).toBe(true);
    const boxes = await page.evaluate(() => {
      const rect = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().toJSON();
      return {
        labels: rect('[data-testid="compare-column-labels"]') as DOMRect,
        before: rect('[data-testid="compare-column-labels"] span:first-child') as DOMRect,
        after: rect('[data-testid="compare-column-labels"] span:last-child') as DOMRect,
        header: rect('.app-header') as DOMRect,
        viewport: window.innerHeight,
      };
    });
    expect(boxes.labels.height).toBeGreaterThan(0);
    expect(boxes.labels.top).toBeGreaterThanOrEqual(boxes.header.bottom - 1);
    expect(boxes.labels.bottom).toBeLessThanOrEqual(boxes.viewport);
    // Still one label over each column: "before" on the left, "after" on the right.
    expect(boxes.before.right).toBeLessThan(boxes.after.left);
    // The page really scrolled under them.
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(heights.window * 2);
  });
});
