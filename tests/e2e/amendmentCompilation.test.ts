/**
 * The compilation of amendments in Chromium: the page lists each amended
 * clause and its amendments with the two columns redlined, its filters live
 * in the URL, the "Download DOCX" link downloads the same compilation and the
 * file holds the amendment; the compare page lists the amendments tabled and
 * decided since a version. No serious accessibility violation on the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Amendment } from '@draftroom/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentTables, documentXmlOf, markedText, paragraphTexts } from '../support/compilationDocx';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { seriousViolations } from './support/axe';
import { downloadFrom, launchChromium, signInAs, type UserPage } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

async function table(api: VersionsApi, body: Record<string, unknown>): Promise<Amendment> {
  return expectStatus(
    await api.request<Amendment>('POST', `/api/documents/${api.documentId}/amendments`, body),
    201,
  );
}

describe('the compilation of amendments in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let olena: UserPage; // Ukrainian delegate, commenter
  let downloads: string;
  let clause22Text = '';
  const path = () => `/documents/${encodeURIComponent(server.actionPlanId())}/amendments/compilation`;

  beforeAll(async () => {
    downloads = mkdtempSync(join(tmpdir(), 'draftroom-compilation-'));
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    const ua = await versionsAs(server, DEMO.commenter);
    const hu = await versionsAs(server, DEMO.hungarianDrafter);
    const [rev1] = expectStatus(await ua.list(), 200);
    const structure = expectStatus(await ua.get(rev1?.id ?? ''), 200).structure;
    const clause22 = structure.sections[1]?.clauses[1];
    const clause11 = structure.sections[0]?.clauses[0];
    if (!clause22 || !clause11) throw new Error('unexpected demo');
    clause22Text = clause22.text;
    await table(ua, {
      kind: 'modify',
      clauseId: clause22.id,
      baseText: clause22.text,
      proposedText: `${clause22.text} Ukraine stands ready to host.`,
      justification: 'Ukraine offers to host the readmission experts.',
    });
    await table(hu, {
      kind: 'insert',
      clauseId: clause11.id,
      proposedText: 'Hold a yearly meeting of document security experts.',
      justification: '',
    });
    browser = await launchChromium();
    olena = await signInAs(browser, server.url, DEMO.commenter);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  it('shows each amended clause with its amendments, the two columns redlined under table headers', async () => {
    const { page } = olena;
    await page.goto(path());
    await page.getByRole('heading', { name: 'Compilation of amendments' }).waitFor();
    const clauses = page.getByTestId('compilation-clause');
    await clauses.first().waitFor();
    expect(
      await clauses.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-number'))),
    ).toEqual(['1.1a (new)', '2.2']);
    const am1 = page.getByTestId('compilation-amendment').filter({ hasText: 'AM 1' });
    await expect(am1.getByRole('heading', { name: /AM 1/ }).isVisible()).resolves.toBe(true);
    await expect(am1.getByRole('columnheader', { name: 'Text as tabled against' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(am1.getByRole('columnheader', { name: 'Amendment' }).isVisible()).resolves.toBe(true);
    expect(
      (await am1.getByTestId('compilation-after').locator('ins').allTextContents()).join('').trim(),
    ).toBe('Ukraine stands ready to host.');
    expect(await am1.getByTestId('compilation-before').textContent()).toBe(clause22Text);
    expect(await am1.textContent()).toContain('Ukraine offers to host the readmission experts.');
    expect(await am1.getByTestId('compilation-status').textContent()).toBe('Status: Tabled');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('keeps the filters in the URL and downloads the DOCX with the same filters', async () => {
    const { page } = olena;
    await page.goto(path());
    await page.getByTestId('compilation-clause').first().waitFor();
    await page.getByLabel('Delegation (proponent or co-sponsor)').selectOption('HU');
    await page.waitForURL((url) => url.searchParams.get('delegation') === 'HU');
    await page.getByLabel(/Open amendments only/).check();
    await page.waitForURL((url) => url.searchParams.get('open') === '1');
    await page.getByTestId('compilation-count').filter({ hasText: '1 amendment' }).waitFor();
    const link = page.getByRole('link', { name: 'Download DOCX' });
    expect(await link.getAttribute('href')).toMatch(/compilation\.docx\?delegation=HU&open=1$/);

    // The same page opened from its URL shows the same filters.
    await page.reload();
    await expect(page.getByLabel('Delegation (proponent or co-sponsor)').inputValue()).resolves.toBe('HU');
    await expect(page.getByLabel(/Open amendments only/).isChecked()).resolves.toBe(true);

    const filtered = await downloadFrom(page, link, downloads);
    expect(filtered.name).toBe('Action Plan 2012–2016 — Compilation of amendments.docx');
    const filteredText = paragraphTexts(documentXmlOf(filtered.bytes));
    expect(filteredText).toContain('AM 2  New clause');
    expect(filteredText).not.toContain('AM 1  Change wording');
  });

  it('downloads the whole compilation, which holds the amendment and its columns', async () => {
    const { page } = olena;
    await page.goto(path());
    await page.getByTestId('compilation-clause').first().waitFor();
    const file = await downloadFrom(page, page.getByRole('link', { name: 'Download DOCX' }), downloads);
    const xml = documentXmlOf(file.bytes);
    const paragraphs = paragraphTexts(xml);
    expect(paragraphs).toContain('AM 1  Change wording');
    expect(paragraphs.some((line) => line.startsWith('Proponent: UA · No co-sponsors'))).toBe(true);
    expect(paragraphs).toContain('Justification: Ukraine offers to host the readmission experts.');
    const tables = amendmentTables(xml);
    expect(tables.map((entry) => entry.header)).toEqual([
      ['Text as tabled against', 'Amendment'],
      ['Text as tabled against', 'Amendment'],
    ]);
    expect(markedText(tables[1]?.right ?? [], (run) => run.bold && run.underline).trim()).toBe(
      'Ukraine stands ready to host.',
    );
  });

  it('lists on the compare page the amendments tabled since a version', async () => {
    const { page } = olena;
    await page.goto(`/documents/${encodeURIComponent(server.actionPlanId())}/compare`);
    const list = page.getByTestId('compare-amendments');
    await list.getByTestId('compare-amendment').first().waitFor();
    expect(await list.getByRole('heading').textContent()).toMatch(
      /^Amendments between Rev\. 1.* and Current text$/,
    );
    const rows = await list.getByTestId('compare-amendment').allTextContents();
    expect(rows).toEqual([
      'AM 1' + '2.2' + 'Change wording' + 'UA' + 'Tabled',
      'AM 2' + 'new after 1.1' + 'New clause' + 'HU' + 'Tabled',
    ]);
    await list.getByRole('link', { name: 'Compilation of amendments' }).click();
    await page.getByRole('heading', { name: 'Compilation of amendments' }).waitFor();
  });
});
