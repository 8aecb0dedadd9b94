import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { DEMO_PASSWORD } from '../../support/testServer';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error('Chromium not found: `npm test` installs it; or set CHROMIUM_PATH');
  return found;
}

/** Debian's Chromium, driven by playwright-core (nothing downloads a browser here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
}

/** A separate browser context (its own cookies and IndexedDB) signed in through the sign-in page. */
export async function signInAs(
  browser: Browser,
  baseUrl: string,
  email: string,
  contextOptions: BrowserContextOptions = {},
): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1400, height: 900 },
    ...contextOptions,
  });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  return { context, page };
}

/** Opens a document from the document list and waits until the editor is connected. */
export async function openDocument(page: Page, title: string): Promise<void> {
  await page.getByRole('link', { name: title }).first().click();
  await page.getByTestId('editor').waitFor();
  await page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor();
}

/** The clause element with a derived number, e.g. "2.1". */
export function clause(page: Page, number: string) {
  return page.locator(`[data-type="clause"][data-number="${number}"]`);
}

/** Puts the caret at the end of a clause's first paragraph. */
export async function placeCaretAtEndOf(page: Page, number: string): Promise<void> {
  const paragraph = clause(page, number).locator('p').first();
  const box = await paragraph.boundingBox();
  if (!box) throw new Error(`clause ${number} is not visible`);
  // Click on the last line, then End: the end of the paragraph, not of its first visual line.
  await paragraph.click({ position: { x: Math.max(1, box.width - 4), y: Math.max(1, box.height - 6) } });
  await page.keyboard.press('End');
}

/** Two animation frames: whatever a key press or a focus call scheduled has rendered. */
export function afterNextPaint(page: Page): Promise<unknown> {
  return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/**
 * Clicks a link that downloads, saves the file into `directory` under its
 * suggested name and returns that name, the file's bytes and its path.
 */
export async function downloadFrom(page: Page, link: Locator, directory: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = join(directory, file.suggestedFilename());
  await file.saveAs(path);
  return { name: file.suggestedFilename(), bytes: readFileSync(path), path };
}
