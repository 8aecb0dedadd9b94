import { join } from 'node:path';
import { build } from 'vite';
import { E2E_CLIENT_DIR } from './support/paths';

/** Builds the client once for the browser tests; the server under test runs from source and serves it. */
export default async function buildClientForBrowserTests(): Promise<void> {
  const clientRoot = join(import.meta.dirname, '..', '..', 'client');
  await build({
    root: clientRoot,
    configFile: join(clientRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: E2E_CLIENT_DIR, emptyOutDir: true },
  });
}
