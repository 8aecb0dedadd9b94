/**
 * Issue 15: PostgreSQL — where the text and every record are — goes down
 * (`pg_ctl stop -m immediate`, as in a crash) while clients on two real
 * processes type, and comes back on the same data directory and port. While
 * it is down no edit may be acknowledged or broadcast, the clients keep what
 * they typed, the instances stay up and say so (/healthz degraded, sign-ins
 * and new sockets refused); once it is back the instances serve again by
 * themselves and every token is stored exactly once. This file starts a
 * PostgreSQL of its own (the run's cluster is shared by other files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/src/demo/participants';
import {
  ClauseTypist,
  call,
  connectSyncedTo,
  convergedEverywhere,
  ProcessCluster,
  typistsStoppedAfterEach,
} from '../support/processCluster';
import { attemptRefusedUpgrade } from '../support/rawCollab';
import type { ServerProcess } from '../support/serverProcess';
import { type PostgresServer, startPostgres } from '../support/services/postgres';
import { DEMO, type SignedIn } from '../support/testServer';
import { notExactlyOnce, seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

let postgres: PostgresServer;
let cluster: ProcessCluster;
let a: ServerProcess;
let b: ServerProcess;
let documentId: string;
let reader: SignedIn;
let admin: SignedIn;
const typists = typistsStoppedAfterEach();
/** The audit anchor file the instances share (README: a shared anchor volume), as in multiProcessCommands. */
const anchorDir = mkdtempSync(join(tmpdir(), 'draftroom-anchors-'));

const PEOPLE = [DEMO.penHolder, DEMO.hungarianDrafter, DEMO.czechDrafter, DEMO.secretariat] as const;
const CLAUSE = 5;

beforeAll(async () => {
  // Durable (fsync, synchronous_commit on): an immediate stop is a crash of PostgreSQL, and without them it
  // forgets commits it had acknowledged (clients would then hold stored-and-lost edits of others).
  postgres = await startPostgres({ durable: true });
  const databaseUrl = await postgres.createDatabase('multiprocess_postgres');
  cluster = await ProcessCluster.start(2, {
    databaseUrl,
    redisUrl: inject('redisUrl'),
    env: { AUDIT_ANCHOR_FILE: join(anchorDir, 'audit-anchors.jsonl') },
  });
  [a, b] = [cluster.at(0), cluster.at(1)];
  [reader, admin] = await Promise.all([a.signIn(DEMO.commenter), b.signIn(DEMO.admin)]);
  documentId = await a.documentIdByTitle(reader.cookie, 'Action Plan');
}, 180_000);

afterAll(async () => {
  await cluster?.dispose();
  await postgres?.stop();
  rmSync(anchorDir, { recursive: true, force: true });
});

/** Four typists on one clause, alternately on A and B; all synced. */
async function typistsOnBoth(seed: number): Promise<ClauseTypist[]> {
  const random = seededRandom(seed);
  for (let n = 0; n < 4; n++) {
    const instance = n % 2 === 0 ? a : b;
    const session = await instance.signIn(PEOPLE[n] ?? DEMO.penHolder);
    const client = await connectSyncedTo(instance, documentId, session.cookie);
    typists.push(new ClauseTypist(`c${n + 1}`, client, CLAUSE, seededRandom(random() * 1e9)));
  }
  return [...typists];
}

/** Waits until each typist typed `tokens` more (typing goes on offline: into the client's own Y.Doc). */
async function eachTypesMore(of: readonly ClauseTypist[], tokens: number, what: string): Promise<void> {
  const targets = of.map((typist) => typist.typed.length + tokens);
  await waitFor(() => of.every((typist, n) => typist.typed.length >= (targets[n] ?? 0)), {
    timeoutMs: 30_000,
    what,
  });
}

const health = (instance: ServerProcess) => call(instance, 'GET', '/healthz');

/** Audit entries through `instance` (its queue flushed first: 503 while entries still wait). */
async function auditEntries(instance: ServerProcess): Promise<{ action: string; target: string }[]> {
  const answer = await call(instance, 'GET', '/api/admin/audit?limit=500', admin);
  expect(answer.status).toBe(200);
  return answer.body as { action: string; target: string }[];
}

describe('PostgreSQL down while clients on two instances type', () => {
  it('nothing is acknowledged or broadcast while it is down; the clients keep their edits; once it is back the instances serve again by themselves and every token is stored exactly once', async () => {
    const all = await typistsOnBoth(15);
    for (const typist of all) typist.start();
    await eachTypesMore(all, 10, 'typing before the outage');

    expect(all.flatMap((typist) => typist.client.closeCodes)).toEqual([]);
    await postgres.pause();
    // From here nothing can be committed: every token typed now is unstored until PostgreSQL is back.
    const outageFrom = all.map((typist) => typist.typed.length);
    const typedDuring = (n: number) => all[n]?.typed.slice(outageFrom[n]) ?? [];

    // (2) The server closes every typing client's socket with StorageUnavailable (its commit failed, the
    // room could not reload), and the stock provider's reconnects are refused (1006: the upgrade's 503).
    await waitFor(
      () => {
        // An instance must not die of it (a pg client losing its connection while checked out used to crash both).
        if (!a.running || !b.running)
          throw new Error(`an instance exited: ${[...a.logLines, ...b.logLines].slice(-3)}`);
        return all.every((typist) => typist.client.closeCodes.includes(CloseCode.StorageUnavailable));
      },
      { timeoutMs: 20_000, what: 'every typing client closed with 4503' },
    );
    await eachTypesMore(all, 15, 'typing during the outage');
    for (const typist of all) {
      const expected = [CloseCode.StorageUnavailable as number, 1006];
      expect(
        typist.client.closeCodes.filter((code) => !expected.includes(code)),
        typist.name,
      ).toEqual([]);
    }

    // (4) Both instances say PostgreSQL is down (Redis is up).
    for (const instance of [a, b]) {
      const answer = await health(instance);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ status: 'degraded', dependencies: { postgres: 'down', redis: 'up' } });
    }
    // (5) A sign-in fails with a 5xx; a new socket (a valid session's) is refused with 503; a cross-origin
    // upgrade is refused with 403 and its audit entry waits in each instance's queue.
    for (const instance of [a, b]) {
      const signIn = await call(instance, 'POST', '/api/session', undefined, {
        email: DEMO.observer,
        password: DEMO_PASSWORD,
      });
      expect(signIn.status, JSON.stringify(signIn.body)).toBeGreaterThanOrEqual(500);
      const socketUrl = `${instance.wsUrl}/collab/${documentId}`;
      expect((await attemptRefusedUpgrade(socketUrl, { cookie: reader.cookie })).status).toBe(503);
      const crossOrigin = await attemptRefusedUpgrade(`${socketUrl}?outage=${instance.port}`, {
        origin: 'https://elsewhere.example',
      });
      expect(crossOrigin.status).toBe(403);
    }
    await eachTypesMore(all, 40, 'typing on during the outage');

    // (1) No token typed during the outage reached any other client; (3) each client still holds all it typed.
    for (const [n, typist] of all.entries()) {
      const received = new Set(typist.receivedTokens());
      const leaked = all.flatMap((_, m) => (m === n ? [] : typedDuring(m))).filter((t) => received.has(t));
      expect(leaked, `${typist.name} received tokens typed during the outage`).toEqual([]);
      expect(notExactlyOnce(typist.text, typist.typed), typist.name).toEqual({ missing: [], duplicated: [] });
      expect(typist.client.provider.wsconnected, typist.name).toBe(false);
    }
    expect([a.running, b.running]).toEqual([true, true]);

    // PostgreSQL comes back on the same directory and port; nothing is restarted or reconnected by hand.
    await postgres.resume();
    for (const instance of [a, b]) {
      await waitFor(async () => (await health(instance)).status === 200, {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `${instance.url}/healthz ok again`,
      });
      expect((await health(instance)).body).toEqual({
        status: 'ok',
        dependencies: { postgres: 'up', redis: 'up' },
      });
    }
    await waitFor(() => all.every((typist) => typist.client.provider.synced), {
      timeoutMs: 20_000,
      what: 'every provider reconnected and synced by itself',
    });
    await eachTypesMore(all, 10, 'typing after the outage');
    for (const typist of all) typist.stop();
    // Every token (before, during, after) exactly once in every copy and in a fresh load through each instance.
    const onA = await convergedEverywhere(all, a, documentId, reader.cookie);
    expect(await convergedEverywhere(all, b, documentId, reader.cookie)).toBe(onA);
    expect(all.every((typist) => typist.client.provider.wsconnected)).toBe(true);
    expect(all.reduce((sum, _, n) => sum + typedDuring(n).length, 0)).toBeGreaterThanOrEqual(80);

    // The audit entries queued during the outage were stored afterwards, and the chain verifies.
    for (const instance of [a, b]) {
      const marker = `?outage=${instance.port}`;
      const refusal = await waitFor(
        async () => (await auditEntries(instance)).find((entry) => entry.target.endsWith(marker)),
        { timeoutMs: 20_000, intervalMs: 200, what: `${instance.url}'s queued refusal stored` },
      );
      expect(refusal.action).toBe('refused');
      const verified = await call(instance, 'GET', '/api/admin/audit/verify', admin);
      expect(verified.status).toBe(200);
      expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: true });
    }
    expect([a.running, b.running]).toEqual([true, true]);
  });
});
