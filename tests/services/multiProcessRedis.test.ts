/**
 * Issue 15: Redis (the bus between instances, the shared limits) restarted or
 * kept down while clients on two real processes type. Redis relays and holds
 * nothing: the text is in PostgreSQL before anyone is sent it, so an outage
 * costs live relaying between instances, never an edit. This file starts a
 * Redis of its own (the run's Redis is shared by other files).
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ClauseTypist,
  call,
  clauseTextThrough,
  connectSyncedTo,
  convergedEverywhere,
  ProcessCluster,
  typistsStoppedAfterEach,
} from '../support/processCluster';
import type { ServerProcess } from '../support/serverProcess';
import { createDatabase } from '../support/services/postgres';
import { type RedisServer, redisAnswersPing, startRedis } from '../support/services/redis';
import { DEMO, type SignedIn } from '../support/testServer';
import { notExactlyOnce, seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

let redis: RedisServer;
let cluster: ProcessCluster;
let a: ServerProcess;
let b: ServerProcess;
let documentId: string;
let reader: SignedIn;
const typists = typistsStoppedAfterEach();

const PEOPLE = [DEMO.penHolder, DEMO.hungarianDrafter, DEMO.czechDrafter, DEMO.secretariat] as const;

beforeAll(async () => {
  redis = await startRedis();
  const databaseUrl = await createDatabase(inject('postgresUrl'), `multiprocess_redis_${process.pid}`);
  cluster = await ProcessCluster.start(2, { databaseUrl, redisUrl: redis.url });
  [a, b] = [cluster.at(0), cluster.at(1)];
  reader = await a.signIn(DEMO.commenter);
  documentId = await a.documentIdByTitle(reader.cookie, 'Action Plan');
}, 180_000);

afterEach(async () => {
  // Whatever a failed test left, the next one starts with Redis up.
  if (redis && !(await redisAnswersPing(redis.port))) await redis.start();
});
afterAll(async () => {
  await cluster?.dispose();
  await redis?.stop();
});

/** Four typists on one clause, alternately on A and B; all synced. */
async function typistsOnBoth(clauseIndex: number, seed: number): Promise<ClauseTypist[]> {
  const random = seededRandom(seed);
  const started: ClauseTypist[] = [];
  for (let n = 0; n < 4; n++) {
    const instance = n % 2 === 0 ? a : b;
    const session = await instance.signIn(PEOPLE[n] ?? DEMO.penHolder);
    const client = await connectSyncedTo(instance, documentId, session.cookie);
    started.push(new ClauseTypist(`c${n + 1}`, client, clauseIndex, seededRandom(random() * 1e9)));
  }
  typists.push(...started);
  return started;
}

const typedCount = (of: readonly ClauseTypist[]) => of.reduce((sum, typist) => sum + typist.typed.length, 0);

async function typeMore(of: readonly ClauseTypist[], tokens: number, what: string): Promise<void> {
  const before = typedCount(of);
  await waitFor(() => typedCount(of) >= before + tokens, { timeoutMs: 30_000, what });
}

describe('Redis restarted or down while clients on two instances type', () => {
  it('Redis restarted mid-session: nothing lost, replicas equal once it is back', async () => {
    const all = await typistsOnBoth(6, 7);
    for (const typist of all) typist.start();
    await typeMore(all, 60, 'typing before the restart');
    await redis.restart('SIGKILL');
    await typeMore(all, 60, 'typing after the restart');
    for (const typist of all) typist.stop();
    await convergedEverywhere(all, b, documentId, reader.cookie);
    expect(all.flatMap((typist) => typist.client.closeCodes)).toEqual([]);
  });

  it('Redis kept down: each instance serves its own clients and stores their edits, /healthz is degraded; once it is back everything converges', async () => {
    const all = await typistsOnBoth(7, 9);
    for (const typist of all) typist.start();
    await typeMore(all, 40, 'typing before the outage');
    await redis.kill('SIGKILL');

    for (const instance of [a, b]) {
      const health = await call(instance, 'GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body).toEqual({
        status: 'degraded',
        dependencies: { postgres: 'up', redis: 'down' },
      });
    }
    await typeMore(all, 80, 'typing during the outage');
    // Each instance stored its own clients' edits: a fresh load through the same instance holds them once.
    for (const [index, instance] of [a, b].entries()) {
      const own = all.filter((_, n) => n % 2 === index);
      const typedSoFar = own.flatMap((typist) => typist.typed);
      await waitFor(
        async () => {
          const stored = await clauseTextThrough(instance, documentId, reader.cookie, 7);
          const { missing, duplicated } = notExactlyOnce(stored, typedSoFar);
          return missing.length === 0 && duplicated.length === 0;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: `the edits of ${instance.url}'s clients stored` },
      );
    }
    // A sign-in during the outage still works (the throttle counts on this instance alone).
    expect((await call(b, 'GET', '/api/session', await b.signIn(DEMO.observer))).status).toBe(200);

    await redis.start();
    await waitFor(async () => (await call(a, 'GET', '/healthz')).status === 200, {
      timeoutMs: 20_000,
      what: '/healthz ok again',
    });
    await typeMore(all, 40, 'typing after the outage');
    for (const typist of all) typist.stop();
    await convergedEverywhere(all, a, documentId, reader.cookie);
    expect(all.flatMap((typist) => typist.client.closeCodes)).toEqual([]);
  });
});
