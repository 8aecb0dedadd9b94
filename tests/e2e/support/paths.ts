import { join } from 'node:path';

/**
 * Where the browser tests' client build goes (ignored by git). E2E_CLIENT_DIR
 * overrides it, so two runs at once in one checkout do not rebuild each
 * other's client mid-test.
 */
export const E2E_CLIENT_DIR =
  process.env.E2E_CLIENT_DIR ?? join(import.meta.dirname, '..', '..', '.artifacts', 'client');
