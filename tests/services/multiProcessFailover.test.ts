/**
 * Issue 15: an instance that dies (kill -9) or is drained (SIGTERM) while
 * its clients type. Two real processes on one DATA_DIR, one PostgreSQL and
 * one Redis; a client whose instance goes is pointed at the other, with the
 * Y.Doc it holds, as a load balancer sends a reconnect elsewhere.
 */
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ClauseTypist,
  clauseTextThrough,
  connectSyncedTo,
  convergedEverywhere,
  moveTo,
  ProcessCluster,
  typistsStoppedAfterEach,
} from '../support/processCluster';
import type { ServerProcess } from '../support/serverProcess';
import { createDatabase } from '../support/services/postgres';
import { DEMO, type SignedIn } from '../support/testServer';
import { seededRandom, tokenCounts } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

let cluster: ProcessCluster;
let a: ServerProcess;
let b: ServerProcess;
let documentId: string;
let reader: SignedIn;
const typists = typistsStoppedAfterEach();

const PEOPLE = [DEMO.penHolder, DEMO.hungarianDrafter, DEMO.czechDrafter, DEMO.secretariat] as const;

beforeAll(async () => {
  const databaseUrl = await createDatabase(inject('postgresUrl'), `multiprocess_failover_${process.pid}`);
  cluster = await ProcessCluster.start(2, { databaseUrl, redisUrl: inject('redisUrl') });
  [a, b] = [cluster.at(0), cluster.at(1)];
  reader = await b.signIn(DEMO.commenter);
  documentId = await a.documentIdByTitle(reader.cookie, 'Action Plan');
}, 180_000);

afterAll(async () => {
  await cluster?.dispose();
});

/** Six typists on one clause, the odd ones on `first`, the even ones on `second`; all synced. */
async function typistsOn(first: ServerProcess, second: ServerProcess, clauseIndex: number, seed: number) {
  const random = seededRandom(seed);
  const started: ClauseTypist[] = [];
  for (let n = 0; n < 6; n++) {
    const instance = n % 2 === 0 ? first : second;
    const session = await instance.signIn(PEOPLE[n % PEOPLE.length] ?? DEMO.penHolder);
    const client = await connectSyncedTo(instance, documentId, session.cookie);
    started.push(new ClauseTypist(`c${n + 1}`, client, clauseIndex, seededRandom(random() * 1e9)));
  }
  typists.push(...started);
  return started;
}

const typedCount = (of: readonly ClauseTypist[]) => of.reduce((sum, typist) => sum + typist.typed.length, 0);

/** Points each typist whose client was on `gone` at `to` (same Y.Doc), and waits until all are synced. */
async function failOver(of: readonly ClauseTypist[], onGone: readonly ClauseTypist[], to: ServerProcess) {
  for (const typist of onGone) typist.client = moveTo(typist.client, to, documentId);
  await waitFor(() => of.every((typist) => typist.client.provider.synced), {
    timeoutMs: 30_000,
    what: 'every client synced on the remaining instance',
  });
}

/** Tokens some client holds that it did not type: each came from a server, after it was stored. */
const receivedBy = (of: readonly ClauseTypist[]) => new Set(of.flatMap((typist) => typist.receivedTokens()));

describe('an instance that goes while its clients type', () => {
  it('kill -9 of A: its clients reconnect to B; every token typed or received is stored exactly once, every replica equal', async () => {
    const clauseIndex = 4;
    const all = await typistsOn(a, b, clauseIndex, 6);
    const onA = all.filter((_, n) => n % 2 === 0);
    for (const typist of all) typist.start();
    await waitFor(() => typedCount(all) >= 90, { timeoutMs: 30_000, what: 'typing before the kill' });

    await a.kill();
    // What anyone had received when A died was stored before it was sent: it is in the store now, once.
    const received = receivedBy(all);
    await waitFor(() => onA.every((typist) => !typist.client.provider.wsconnected), {
      what: "A's clients saw it go",
    });
    const stored = tokenCounts(await clauseTextThrough(b, documentId, reader.cookie, clauseIndex));
    expect(received.size).toBeGreaterThan(0);
    expect([...received].filter((token) => stored.get(token) !== 1)).toEqual([]);
    const unstoredAtKill = onA.flatMap((typist) => typist.typed).filter((token) => !stored.has(token));

    await failOver(all, onA, b);
    const typedBefore = typedCount(all);
    await waitFor(() => typedCount(all) >= typedBefore + 60, { timeoutMs: 30_000, what: 'typing on B' });
    for (const typist of all) typist.stop();
    await convergedEverywhere(all, b, documentId, reader.cookie);
    // The clients on A still held edits A had not stored: they reached B with the reconnect.
    expect(unstoredAtKill.length).toBeGreaterThan(0);
    expect(all.flatMap((typist) => typist.client.closeCodes).filter((code) => code >= 4000)).toEqual([]);
  });

  it('SIGTERM of B: its sockets close with 1001, the clients reconnect to A and nothing is lost', async () => {
    await a.start();
    const clauseIndex = 5;
    const all = await typistsOn(a, b, clauseIndex, 8);
    const onB = all.filter((_, n) => n % 2 === 1);
    for (const typist of all) typist.start();
    await waitFor(() => typedCount(all) >= 90, { timeoutMs: 30_000, what: 'typing before the drain' });

    const stopped = b.stop();
    await waitFor(() => onB.every((typist) => typist.client.closeCodes.includes(CloseCode.GoingAway)), {
      timeoutMs: 20_000,
      what: "B's clients told 1001",
    });
    await stopped;
    await failOver(all, onB, a);
    const typedBefore = typedCount(all);
    await waitFor(() => typedCount(all) >= typedBefore + 60, { timeoutMs: 30_000, what: 'typing on A' });
    for (const typist of all) typist.stop();
    await convergedEverywhere(all, a, documentId, reader.cookie);
    const onA = all.filter((_, n) => n % 2 === 0);
    expect(onA.flatMap((typist) => typist.client.closeCodes)).toEqual([]);
  });
});
