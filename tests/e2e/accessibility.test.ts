/**
 * An automated accessibility check (axe-core, in real Chromium) of the pages a
 * delegation uses: sign-in, the document list, the workspace (with its find
 * bar and as a commenter), the version history, a comparison, the
 * administration, and the amendment controls (a commenter proposing wording
 * with the amendments panel and the amendments shown in the text; the
 * pen-holder's "accept as modified" dialog). No serious or critical
 * violation is allowed.
 */
import type { VersionSummary } from '@draftroom/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { seriousViolations } from './support/axe';
import { clause, launchChromium, openDocument, signInAs } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';

describe('accessibility (axe-core) in Chromium', () => {
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

  it('the sign-in page', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('the document list', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.czechDrafter);
    await page.getByRole('link', { name: TITLE }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('the workspace of the pen-holder, with the find bar and the version history open', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.penHolder);
    await openDocument(page, TITLE);
    await page.getByTestId('comments-panel').getByTestId('thread').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('Control+f');
    await page.keyboard.type('return');
    await page.getByTestId('find-status').filter({ hasText: /of/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    await page.getByTestId('history-button').click();
    await page.getByTestId('history-panel').getByRole('heading', { name: 'Version history' }).waitFor();
    await page.getByTestId('history-panel').getByRole('listitem').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('the workspace of a commenter (read-only text)', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.commenter);
    await openDocument(page, TITLE);
    await page.getByTestId('comments-panel').getByTestId('thread').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Landmarks, each once and named where there could be more than one of a kind.
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Outline' }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Tools for the text' }).count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('main').getByTestId('editor').count()).toBe(1);
    expect(await page.getByRole('complementary', { name: 'Comments and who is online' }).count()).toBe(1);
    await context.close();
  });

  it('a comparison of a version with the current text', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.czechDrafter);
    const documentId = server.actionPlanId();
    const response = await page.request.get(`/api/documents/${documentId}/versions`);
    const versions = (await response.json()) as VersionSummary[] | { versions: VersionSummary[] };
    const list = Array.isArray(versions) ? versions : versions.versions;
    const named = list.find((version) => version.kind === 'named') ?? list[0];
    if (!named) throw new Error('the demo has no version to compare');
    await page.goto(`/documents/${documentId}/compare?from=${named.id}&to=current`);
    await page.getByTestId('compare-page').waitFor();
    await page.getByTestId('compare-headline').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('the administration', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.admin);
    await page.goto('/admin');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('table').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('a commenter proposing wording, with the amendments panel and the amendments shown in the text', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.commenter);
    await openDocument(page, TITLE);
    await page.getByTestId('show-amendments-panel').click();
    await page.getByTestId('amendments-panel').getByTestId('amendment').first().waitFor();
    await page.getByTestId('show-amendments').click();
    await page.locator('.am-inline-label').first().waitFor();
    await clause(page, '2.2').getByRole('button', { name: 'Propose wording for clause 2.2' }).click();
    await page.getByTestId('proposal-editor').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The panel is a named region, like the comments panel.
    expect(await page.getByRole('region', { name: /^Amendments/ }).count()).toBe(1);
    await context.close();
  });

  it('the pen-holder accepting an amendment as modified', async () => {
    const { context, page } = await signInAs(browser, server.url, DEMO.penHolder);
    await openDocument(page, TITLE);
    await page.getByTestId('show-amendments-panel').click();
    const card = page.getByTestId('amendments-panel').getByTestId('amendment').first();
    await card.getByRole('button', { name: /^Accept as modified/ }).click();
    await page.getByTestId('accept-modified-dialog').getByTestId('accept-modified-editor').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
