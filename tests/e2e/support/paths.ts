import { join } from 'node:path';

/** Where the browser tests' client build goes (ignored by git). */
export const E2E_CLIENT_DIR = join(import.meta.dirname, '..', '..', '.artifacts', 'client');
