/**
 * `pnpm screenshots`: the README's screenshots, taken from the real app with
 * the seeded demo (negotiation under way) in Debian's Chromium.
 *
 * Builds the client into tests/.artifacts/client (as the browser tests do),
 * starts the server on a free port with a fresh database, and writes PNGs
 * into docs/: the workspace with find in the document, the comparison of two
 * versions, and the public verification page.
 */
import { join } from 'node:path';
import { build } from 'vite';
import { launchChromium, openDocument, placeCaretAtEndOf, signInAs } from './e2e/support/browser';
import { E2E_CLIENT_DIR } from './e2e/support/paths';
import { DEMO, startTestServer } from './support/testServer';

const root = join(import.meta.dirname, '..');
const docs = join(root, 'docs');
const viewport = { width: 1440, height: 900 };

await build({
  root: join(root, 'client'),
  configFile: join(root, 'client', 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: E2E_CLIENT_DIR, emptyOutDir: true },
});
const server = await startTestServer({ clientDir: E2E_CLIENT_DIR, seedDemoNegotiation: true });
const browser = await launchChromium();
try {
  const pen = await signInAs(browser, server.url, DEMO.penHolder, { viewport });
  await openDocument(pen.page, 'Action Plan 2012–2016');
  await pen.page.keyboard.press('Control+f');
  await pen.page.keyboard.type('return');
  await pen.page.screenshot({ path: join(docs, 'find-in-document.png') });
  await pen.page.keyboard.press('Escape');

  // Clause 2.2 reworded after Rev. 1, then Rev. 1 compared with the current text.
  await placeCaretAtEndOf(pen.page, '2.2');
  await pen.page.keyboard.type(' and ensure its sustainability through reintegration support');
  const documentId = server.actionPlanId();
  const rev1 = server.server.db
    .prepare("SELECT id FROM versions WHERE document_id = ? AND kind = 'named' ORDER BY created_at LIMIT 1")
    .get(documentId) as { id: string };
  const query = new URLSearchParams({ from: rev1.id, to: 'current' });
  await pen.page.goto(`/documents/${documentId}/compare?${query}`);
  await pen.page.getByText('2.2').first().waitFor();
  await pen.page.waitForLoadState('networkidle');
  await pen.page.screenshot({ path: join(docs, 'compare-versions.png') });

  const visitor = await browser.newContext({ baseURL: server.url, viewport });
  const page = await visitor.newPage();
  await page.goto('/');
  await page.getByRole('link', { name: /Check that it is genuine/ }).click();
  await page.getByTestId('public-verify-page').waitFor();
  await page.screenshot({ path: join(docs, 'public-verify.png') });
} finally {
  await browser.close();
  await server.dispose();
}
process.stdout.write(`screenshots written to ${docs}\n`);
