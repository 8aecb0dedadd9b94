import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import {
  clause,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LASZLO = 'László Kovács';

const clauseText = async (page: Page, number: string) => (await clause(page, number).textContent()) ?? '';
const editor = (page: Page) => page.getByTestId('editor');

/** Types into a clause as a drafter and waits until `watcher` sees it: later checks then see settled state. */
async function typeAndWaitUntilSeen(
  writer: Page,
  watcher: Page,
  number: string,
  words: string,
): Promise<void> {
  await placeCaretAtEndOf(writer, number);
  await writer.keyboard.type(words);
  await expect.poll(() => clauseText(watcher, number), { timeout: 10_000 }).toContain(words.trim());
}

describe('roles in Chromium: observers read, an administrator downgrades a drafter live', () => {
  let server: TestServer;
  let browser: Browser;
  let sofia: UserPage; // UNHCR, observer
  let jana: UserPage; // Czech drafter
  let laszlo: UserPage; // Hungarian drafter, downgraded during the test
  let admin: UserPage;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    [sofia, jana, laszlo, admin] = await Promise.all([
      signInAs(browser, server.url, DEMO.observer),
      signInAs(browser, server.url, DEMO.czechDrafter),
      signInAs(browser, server.url, DEMO.hungarianDrafter),
      signInAs(browser, server.url, DEMO.admin),
    ]);
    await openDocument(sofia.page, TITLE);
    await openDocument(jana.page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows the observer a read-only text that still follows the drafters live', async () => {
    const { page } = sofia;
    await expect.poll(() => page.getByTestId('role-badge').textContent()).toBe('Observer');
    await page.getByTestId('read-only-banner').waitFor();
    expect(await page.getByTestId('read-only-banner').textContent()).toContain(
      'Read-only — you are an Observer',
    );
    expect(await editor(page).getAttribute('contenteditable')).toBe('false');

    const before = await clauseText(page, '2.1');
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.type(' Observer wording.');
    // A drafter's edit arriving afterwards shows the observer's typing has had its chance to land.
    await typeAndWaitUntilSeen(jana.page, page, '3.1', ' Czech proposal on return.');
    expect(await clauseText(page, '2.1')).toBe(before);
    expect(await clauseText(jana.page, '2.1')).not.toContain('Observer wording');
  });

  it('turns a drafter read-only, without a reload, when an administrator makes them an observer', async () => {
    await openDocument(laszlo.page, TITLE);
    const { page } = laszlo;
    expect(await editor(page).getAttribute('contenteditable')).toBe('true');
    expect(await page.getByTestId('read-only-banner').count()).toBe(0);
    await page.evaluate(() => Object.assign(window, { e2eSamePage: true }));

    // The administrator uses the admin page: header link, "Document roles" tab, the document, the user's select.
    await admin.page.getByRole('link', { name: 'Administration' }).click();
    await admin.page.getByRole('tab', { name: 'Document roles' }).click();
    await admin.page.getByLabel('Document', { exact: true }).selectOption(server.actionPlanId());
    const laszloRow = admin.page
      .getByTestId('document-roles-table')
      .locator(`tr[data-user-email="${DEMO.hungarianDrafter}"]`);
    expect(await laszloRow.getByTestId('effective-role').textContent()).toContain('default: Drafter');
    await admin.page.getByLabel(`Role of ${LASZLO}`).selectOption('observer');
    await admin.page
      .getByTestId('document-roles-status')
      .filter({ hasText: `${LASZLO} is now Observer` })
      .waitFor();
    expect(await laszloRow.getByTestId('effective-role').textContent()).toContain('Observer');

    const banner = page.getByTestId('read-only-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('An administrator changed your role');
    await page.getByTestId('toasts').filter({ hasText: 'The text is now read-only for you.' }).waitFor();
    await expect.poll(() => page.getByTestId('role-badge').textContent()).toBe('Observer');
    await expect.poll(() => editor(page).getAttribute('contenteditable')).toBe('false');
    expect(await page.evaluate(() => (window as { e2eSamePage?: boolean }).e2eSamePage)).toBe(true);

    const before = await clauseText(page, '1.2');
    await placeCaretAtEndOf(page, '1.2');
    await page.keyboard.type(' Hungarian late change.');
    await typeAndWaitUntilSeen(jana.page, page, '3.2', ' Czech follow-up.');
    expect(await clauseText(page, '1.2')).toBe(before);
    expect(await clauseText(jana.page, '1.2')).not.toContain('Hungarian late change');
    expect(await page.getByTestId('connection-stopped').count()).toBe(0);
  });

  it('lists the role change in the audit log and reports the hash chain intact', async () => {
    const { page } = admin;
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const row = page.getByTestId('audit-table').locator('tr[data-action="role-changed"]').first();
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Role changed');
    expect(text).toContain(DEMO.admin);
    expect(text).toContain(DEMO.hungarianDrafter);
    expect(text).toContain('observer');
    expect(text).toContain(TITLE);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('audit-verify-result');
    await result.filter({ hasText: /Chain intact \(\d+ entries\)/ }).waitFor();
    const entries = Number(/\((\d+) entries\)/.exec((await result.textContent()) ?? '')?.[1]);
    expect(entries).toBeGreaterThan(4); // four sign-ins and the role change at least
  });

  it('shows non-administrators no admin link and an "Administrators only" page', async () => {
    const { page } = sofia;
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    expect(await page.getByRole('tab').count()).toBe(0);
  });

  it('lets a delegate change their own password from the account menu', async () => {
    const { page } = jana;
    const newPassword = 'budapest-brno-2012';
    await page.getByTestId('current-user').click();
    await page.getByRole('button', { name: 'Change password…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password').fill('not-my-password');
    await dialog.getByLabel('New password', { exact: true }).fill(newPassword);
    await dialog.getByLabel('Repeat the new password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog
      .getByTestId('change-password-error')
      .filter({ hasText: 'current password is not correct' })
      .waitFor();

    await dialog.getByLabel('Current password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('toasts').filter({ hasText: 'Your password has been changed.' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await expect(server.signIn(DEMO.czechDrafter, newPassword)).resolves.toHaveProperty('cookie');
    await expect(server.signIn(DEMO.czechDrafter, DEMO_PASSWORD)).rejects.toThrow('401');
  });
});
