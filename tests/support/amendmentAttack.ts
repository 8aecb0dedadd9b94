/**
 * The set-up the adversarial amendment suites share
 * (tests/integration/amendments.adversarial*.test.ts): one real server for the
 * suite, a fresh document per test with three clauses and the delegations on
 * it (amendmentScene), its watching drafter closed after each test.
 */
import type { Amendment } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type AmendmentsApi, amendmentScene, type WatchingClient } from './amendmentsApi';
import { startTestServer, type TestServer } from './testServer';

export const RETURN = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
export const TRAINING = 'Develop joint training for border guards on forged documents.';
export const OTHER = 'Exchange good practices on the return of third-country nationals.';

export interface AttackedServer {
  /** The suite's server (started in beforeAll). */
  readonly server: TestServer;
  /** A new document of `clauses` (default RETURN, TRAINING, OTHER) and its delegations. */
  scene(clauses?: string[]): ReturnType<typeof amendmentScene>;
  /** Closes `client` after the test. */
  track(client: WatchingClient): void;
  /** Forgets `client` (the test closed it itself). */
  release(client: WatchingClient): void;
}

/** Registers the suite's hooks (call inside `describe`) and returns its server and scenes. */
export function amendmentsUnderAttack(): AttackedServer {
  let started: TestServer | undefined;
  const clients: WatchingClient[] = [];
  beforeAll(async () => {
    started = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await started?.dispose();
  });
  const server = (): TestServer => {
    if (!started) throw new Error('the server starts in beforeAll');
    return started;
  };
  return {
    get server() {
      return server();
    },
    async scene(clauses = [RETURN, TRAINING, OTHER]) {
      const built = await amendmentScene(server(), clauses);
      clients.push(built.drafter);
      return built;
    },
    track(client) {
      clients.push(client);
    },
    release(client) {
      const at = clients.indexOf(client);
      if (at >= 0) clients.splice(at, 1);
    },
  };
}

/** The body of a `modify` amendment. */
export const modify = (clauseId: string, baseText: string, proposedText: string) => ({
  kind: 'modify',
  clauseId,
  baseText,
  proposedText,
  justification: 'Because.',
});

/** Tables `input`, expecting 201; the amendment. */
export async function tableOk(api: AmendmentsApi, input: Record<string, unknown>): Promise<Amendment> {
  const result = await api.table(input);
  expect(result.status).toBe(201);
  return result.body;
}

/** The amendment `id` as `api` lists it now. */
export async function statusOf(api: AmendmentsApi, id: string): Promise<Amendment | undefined> {
  return (await api.list()).body.find((amendment) => amendment.id === id);
}
