import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VersionSummary } from '@draftroom/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { DOCUMENT_PART, editDocx } from '../support/verifyDocx';
import { expectStatus, versionsAs } from '../support/versionsApi';
import { launchChromium, signInAs } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';

describe('verifying a received DOCX in Chromium: signed in, and signed out on the public page', () => {
  let server: TestServer;
  let browser: Browser;
  let files: string;
  let rev1: VersionSummary;
  let genuinePath: string;
  let editedPath: string;

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'draftroom-verify-'));
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    const pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    const genuine = (await pen.exportVersion(rev1.id)).bytes;
    genuinePath = join(files, 'Action Plan — Rev. 1.docx');
    editedPath = join(files, 'Action Plan — Rev. 1 (received).docx');
    writeFileSync(genuinePath, genuine);
    writeFileSync(
      editedPath,
      editDocx(genuine, DOCUMENT_PART, (xml) =>
        xml.replace('voluntary return over forced return', 'forced return over voluntary return'),
      ),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('tells a delegate that an edited file claims Rev. 1 but differs, with the clause redlined', async () => {
    const { page, context } = await signInAs(browser, server.url, DEMO.observer);
    await page.goto('/verify');
    await page.locator('input[type="file"]').setInputFiles(editedPath);
    const outcome = page.locator('[data-testid="verify-outcome"][data-outcome="differs"]');
    await outcome.waitFor({ timeout: 10_000 });
    expect(await outcome.getByRole('heading').innerText()).toBe(
      `Claims to be “${rev1.label}”, but its text differs`,
    );
    expect(await outcome.innerText()).toContain('clause 2.2 differs');
    const difference = outcome.getByTestId('verify-difference');
    expect(await difference.count()).toBe(1);
    expect(await difference.locator('.verify-difference__number').innerText()).toBe('2.2');
    expect((await difference.locator('ins').allInnerTexts()).join(' ')).toContain('forced');
    expect((await difference.locator('del').allInnerTexts()).join(' ')).toContain('voluntary');

    await page.locator('input[type="file"]').setInputFiles(genuinePath);
    const match = page.locator('[data-testid="verify-outcome"][data-outcome="match"]');
    await match.waitFor({ timeout: 10_000 });
    expect(await match.getByRole('heading').innerText()).toContain(
      `Genuine: the text is exactly “${rev1.label}”`,
    );
    await context.close();
  });

  it('lets someone without an account confirm a genuine file, and learn nothing from an edited one', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    // A ministry's official lands on the sign-in page and follows its link to the public check.
    await page.goto('/');
    await page.getByRole('link', { name: /Check that it is genuine/ }).click();
    await page.getByTestId('public-verify-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/verify/public');
    expect((await context.cookies()).some((cookie) => cookie.name === 'draftroom_session')).toBe(false);

    const input = page.getByTestId('public-verify-file');
    await input.setInputFiles(genuinePath);
    const confirmed = page.locator('[data-testid="public-verify-outcome"][data-match="true"]');
    await confirmed.waitFor({ timeout: 10_000 });
    const facts = await confirmed.innerText();
    expect(facts).toContain('Confirmed: a genuine Draftroom document');
    expect(facts).toContain(TITLE);
    expect(facts).toContain(rev1.label);

    await input.setInputFiles(editedPath);
    const refused = page.locator('[data-testid="public-verify-outcome"][data-match="false"]');
    await refused.waitFor({ timeout: 10_000 });
    const text = await refused.innerText();
    expect(text).toContain('Not confirmed');
    expect(text).not.toContain(TITLE);
    expect(text).not.toContain(rev1.label);
    await context.close();
  });
});
