import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  clause,
  downloadFrom,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const REV_1 = 'Rev. 1 — for the Budapest SOM';
const REV_2 = 'Rev. 2 — for the Poznań drafting meeting';
const POZNAN_DRAFTING = 'Action Plan drafting meeting · Poznań, Poland · 3 November 2011';
const ORIGINAL_END = 'including through migrant resource centres.';
const INSERTED = 'Pilot desks open in Chisinau and Tbilisi.';

function historyPanel(page: Page): Locator {
  return page.getByTestId('history-panel');
}

async function openHistory(page: Page): Promise<Locator> {
  const panel = historyPanel(page);
  if (!(await panel.isVisible())) await page.getByTestId('history-button').click();
  await panel.getByTestId('named-versions').waitFor();
  return panel;
}

function versionCard(panel: Locator, label: string): Locator {
  return panel
    .getByTestId('version-card')
    .filter({ has: panel.page().getByRole('heading', { name: label, exact: true }) });
}

function expectDocx(bytes: Buffer): void {
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(bytes.length).toBeGreaterThan(3_000);
}

describe('versions: save, compare, export, verify and restore in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage; // Polish presidency, pen-holder
  let laszlo: UserPage; // Hungarian delegate, drafter
  let downloads: string;
  let versionDocxPath = '';

  beforeAll(async () => {
    downloads = mkdtempSync(join(tmpdir(), 'draftroom-downloads-'));
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
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  it('lets the pen-holder save a named version for a meeting of the Work Plan', async () => {
    const { page } = anna;
    const panel = await openHistory(page);
    await versionCard(panel, REV_1).waitFor();
    await panel.getByRole('button', { name: 'Save version…' }).click();
    const dialog = page.getByTestId('save-version-dialog');
    await dialog.getByLabel('Label').fill(REV_2);
    await dialog.getByLabel('Circulated for (optional)').selectOption({ label: POZNAN_DRAFTING });
    await dialog.getByLabel('Note (optional)').fill('Reflects the comments received after Budapest.');
    await dialog.getByRole('button', { name: 'Save version' }).click();

    const card = versionCard(panel, REV_2);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.innerText()).toContain(POZNAN_DRAFTING);
    expect(await card.innerText()).toContain('Anna Nowak');
    // Named versions newest first: the new one heads the list.
    const labels = await panel.getByTestId('named-versions').getByRole('heading').allInnerTexts();
    expect(labels.slice(0, 2)).toEqual([REV_2, REV_1]);
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('shows the new version to a drafter, without the pen-holder-only restore', async () => {
    const panel = await openHistory(laszlo.page);
    const card = versionCard(panel, REV_2);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.innerText()).toContain(POZNAN_DRAFTING);
    expect(await panel.getByRole('button', { name: 'Save version…' }).count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'Restore…' }).count()).toBe(0);
    await laszlo.page.getByRole('button', { name: 'Close the history' }).click();
    await expect.poll(() => historyPanel(laszlo.page).count()).toBe(0);
  });

  it('redlines an edit of clause 3.1 against the saved version', async () => {
    const { page } = anna;
    await page.getByRole('button', { name: 'Close the history' }).click();
    // Delete the word "centres", then add a sentence at the end.
    await placeCaretAtEndOf(page, '3.1');
    await page.keyboard.press('ArrowLeft');
    for (let count = ' centres'.length; count > 0; count--) await page.keyboard.press('Backspace');
    await page.keyboard.press('End');
    await page.keyboard.type(` ${INSERTED}`);
    const edited = `including through migrant resource. ${INSERTED}`;
    await expect.poll(() => clause(page, '3.1').innerText()).toContain(edited);
    // Seen by the other delegate: the server has the edit.
    await expect.poll(() => clause(laszlo.page, '3.1').innerText(), { timeout: 10_000 }).toContain(edited);

    const panel = await openHistory(page);
    await versionCard(panel, REV_2).getByRole('link', { name: 'Compare with current' }).click();
    await page.getByTestId('compare-page').waitFor();
    await expect.poll(() => page.getByTestId('compare-title').innerText()).toBe(`${REV_2} → Current text`);
    const headline = page.getByTestId('compare-headline');
    await expect.poll(() => headline.innerText(), { timeout: 10_000 }).toBe('1 clause changed');

    const changed = page.locator('[data-testid="clause-diff"][data-change="changed"]');
    expect(await changed.count()).toBe(1);
    expect(await changed.getByTestId('clause-diff-number').innerText()).toBe('3.1');
    const insertions = (await changed.locator('ins').allTextContents()).join(' ');
    const deletions = (await changed.locator('del').allTextContents()).join(' ');
    expect(insertions).toContain('Pilot desks open in Chisinau and Tbilisi');
    expect(deletions).toContain('centres');
    expect(deletions).not.toContain('Pilot');
    expect(insertions).not.toContain('centres');
    expect(await changed.getByTestId('edited-by').innerText()).toBe('Edited by: PL');

    // Side by side: the deletion sits in the before column, the insertion in the after column.
    await page.getByRole('button', { name: 'Side by side' }).click();
    const columns = changed.getByTestId('redline-columns');
    await columns.waitFor();
    const [before, after] = await columns.locator('.redline').allInnerTexts();
    expect(before).toContain(ORIGINAL_END);
    expect(after).toContain(INSERTED);
  });

  it('downloads the redline as a DOCX', async () => {
    const file = await downloadFrom(anna.page, anna.page.getByTestId('download-redline'), downloads);
    expect(file.name).toMatch(/redline\)\.docx$/);
    expectDocx(file.bytes);
  });

  it('exports the version as a DOCX from the history panel', async () => {
    const { page } = anna;
    await page.getByRole('link', { name: 'Back to the text' }).click();
    await page.getByTestId('editor').waitFor();
    const card = versionCard(await openHistory(page), REV_2);
    const file = await downloadFrom(page, card.getByRole('link', { name: 'Export DOCX' }), downloads);
    expect(file.name).toContain('Rev. 2');
    expectDocx(file.bytes);
    versionDocxPath = file.path;
  });

  it('opens the version read-only in the editor view, with its numbering', async () => {
    const { page } = anna;
    await versionCard(historyPanel(page), REV_2).getByRole('link', { name: 'Open' }).click();
    const banner = page.getByTestId('version-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(REV_2);
    expect(await banner.innerText()).toContain('read-only');
    const text = page.getByTestId('frozen-text');
    expect(await text.getAttribute('contenteditable')).toBe('false');
    const frozenClause = text.locator('[data-type="clause"][data-number="3.1"]');
    expect(await frozenClause.innerText()).toContain(ORIGINAL_END);
    expect(await frozenClause.innerText()).not.toContain('Pilot desks');
  });

  it('names the version from its exported DOCX and refuses an unknown fingerprint', async () => {
    const { page } = anna;
    await page.goto('/verify');
    await page.locator('input[type="file"]').setInputFiles(versionDocxPath);
    // Rev. 2 was saved before any edit: its text, and so its fingerprint, is that of Rev. 1 too.
    const match = page.getByTestId('verify-match').filter({ hasText: REV_2 });
    await match.waitFor({ timeout: 10_000 });
    expect(await match.innerText()).toContain(TITLE);
    expect(await match.innerText()).toContain('Anna Nowak (PL)');

    await page.getByLabel('Fingerprint').fill('0'.repeat(64));
    await page.getByRole('button', { name: 'Verify fingerprint' }).click();
    const none = page.getByTestId('verify-none');
    await none.waitFor();
    expect(await none.innerText()).toContain('No version matches');
  });

  it('restores Rev. 1 as a forward change that both delegates see live', async () => {
    const { page } = anna;
    await page.goto('/');
    await openDocument(page, TITLE);
    const panel = await openHistory(page);
    await versionCard(panel, REV_1).getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByTestId('restore-dialog');
    expect(await dialog.innerText()).toContain('new change');
    await dialog.getByRole('button', { name: 'Restore this version' }).click();

    for (const { page: each } of [anna, laszlo]) {
      await expect.poll(() => clause(each, '3.1').innerText(), { timeout: 10_000 }).toContain(ORIGINAL_END);
      expect(await clause(each, '3.1').innerText()).not.toContain('Pilot desks');
    }
    // The text as it was before the restore is kept as a version.
    await versionCard(panel, `Before restoring “${REV_1}”`).waitFor({ timeout: 10_000 });
  });
});
