import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shorten } from '../../client/src/negotiation/labels';
import { type ClauseText, readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, connectSynced } from '../support/collabClient';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { launchChromium, signInAs, type UserPage } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const LIVE = { timeout: 15_000 };

/**
 * The negotiation dashboard reads the clauses straight from the Y.Doc
 * (`@draftroom/shared/yClauses` through directoryFromYDoc), with no editor:
 * numbers, ids and texts must be the ones the server reads, and follow edits.
 */
describe('the negotiation dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: UserPage; // Polish presidency, pen-holder
  let laszlo: CollabClient; // Hungarian delegate, drafter, typing over the protocol
  let documentId: string;
  let clauses: ClauseText[];

  const byNumber = (number: string): ClauseText => {
    const found = clauses.find((candidate) => candidate.number === number);
    if (!found) throw new Error(`no clause ${number}`);
    return found;
  };
  const column = (status: string) => anna.page.getByTestId(`status-column-${status}`);
  const link = (status: string, number: string) =>
    column(status).locator('.dashboard-link').filter({ hasText: number });

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, seedDemoNegotiation: true });
    documentId = server.actionPlanId();
    laszlo = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    clauses = readClauses(laszlo.doc);
    browser = await launchChromium();
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    await anna.page.goto(`/documents/${documentId}/dashboard`);
    await anna.page.getByTestId('status-column-agreed').waitFor(LIVE);
  });

  afterAll(async () => {
    laszlo?.destroy();
    await browser?.close();
    await server?.dispose();
  });

  it('lists every clause under its status, numbered and linked by id as the server reads them', async () => {
    const seeded = { agreed: '6.4', 'agreed-ad-referendum': '4.3', bracketed: '5.2' };
    for (const [status, number] of Object.entries(seeded)) {
      const clause = byNumber(number);
      const entry = link(status, number);
      await expect.poll(() => entry.count(), LIVE).toBe(1);
      expect(await entry.getAttribute('href')).toBe(
        `/documents/${documentId}#clause-${encodeURIComponent(clause.id)}`,
      );
      expect(await entry.getAttribute('title')).toBe(shorten(clause.text, 200));
    }
    const listed = await anna.page
      .locator('[data-testid^="status-column-"] .dashboard-link__number')
      .allInnerTexts();
    expect(listed.sort()).toEqual(clauses.map((clause) => clause.number).sort());
  });

  it('shows a delegate’s edit to a clause’s text live', async () => {
    const words = 'Dashboard sees this edit:';
    clauseParagraphText(laszlo.doc, clauses.indexOf(byNumber('5.2'))).insert(0, `${words} `);
    await expect
      .poll(() => link('bracketed', '5.2').getAttribute('title'), LIVE)
      .toMatch(new RegExp(`^${words}`));
    await expect
      .poll(() => link('bracketed', '5.2').locator('.dashboard-link__text').innerText(), LIVE)
      .toMatch(new RegExp(`^${words}`));
  });
});
