import { afterEach } from 'vitest';

/** What a contract suite makes for one test and must release after it. */
export interface DisposableFixture {
  dispose(): void | Promise<void>;
}

/**
 * One fixture per test, for a contract suite: call inside its `describe`.
 * Returns the function a test calls (once) to make its fixture with `make`,
 * and registers an `afterEach` that disposes the fixture the test made (none
 * when it made none).
 */
export function fixturePerTest<F extends DisposableFixture>(make: () => F | Promise<F>): () => Promise<F> {
  let fixture: F | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });
  return async () => {
    fixture = await make();
    return fixture;
  };
}
