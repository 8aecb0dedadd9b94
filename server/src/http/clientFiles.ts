/**
 * Caching of the built client's files. The hashed assets may be kept an hour
 * (their names change with their content); the page itself and the service
 * worker must be revalidated each time: the worker's scope is the whole app,
 * and a stale copy would keep serving an old version.
 */
import type { ServerResponse } from 'node:http';
import { basename } from 'node:path';

/** The service worker's file, at the root of the built client (vite-plugin-pwa writes it there). */
export const SERVICE_WORKER_FILE = 'sw.js';

const REVALIDATED_FILES: ReadonlySet<string> = new Set(['index.html', SERVICE_WORKER_FILE]);

/** `setHeaders` for `express.static` over the client directory. */
export function clientFileHeaders(response: ServerResponse, path: string): void {
  if (REVALIDATED_FILES.has(basename(path))) response.setHeader('Cache-Control', 'no-cache');
}
