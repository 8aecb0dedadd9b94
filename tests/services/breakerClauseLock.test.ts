/**
 * Adversarial review of issue 15: a clause's status (the record) and its lock
 * (what every instance's commits check) are two writes. Two instances
 * changing the same clause's status at once must leave them agreeing: an
 * agreed clause locked, any other status unlocked. Two real Draftroom
 * servers in this process on one PostgreSQL and one Redis; the slow store is
 * made repeatable by a table lock another session holds.
 */
import type { NegotiationState } from '@draftroom/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../support/services/postgres';
import { seededPlan } from '../support/services/seededPlan';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

let a: TestServer;
let b: TestServer;
let databaseUrl: string;
let documentId: string;
let clauseIds: string[];
let admin: pg.Client;

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), `breaker_clause_lock_${process.pid}`);
  const shared = {
    databaseUrl,
    redisUrl: inject('redisUrl'),
    auditKey: 'breaker-clause-lock-audit-key-0123456789abcdef',
  };
  a = await startTestServer(shared);
  b = await startTestServer({ ...shared, seedDemo: false });
  ({ documentId, clauseIds } = await seededPlan(a, databaseUrl));
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await b?.dispose();
  await a?.dispose();
});

async function putStatus(server: TestServer, who: SignedIn, clauseId: string, status: string) {
  const response = await fetch(`${server.url}/api/documents/${documentId}/clauses/${clauseId}/status`, {
    method: 'PUT',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  return response.status;
}

async function lockedInStore(clauseId: string): Promise<boolean> {
  const result = await admin.query('SELECT 1 FROM clause_locks WHERE document_id = $1 AND clause_id = $2', [
    documentId,
    clauseId,
  ]);
  return (result.rowCount ?? 0) > 0;
}

async function latestStatus(
  server: TestServer,
  who: SignedIn,
  clauseId: string,
): Promise<string | undefined> {
  const response = await fetch(`${server.url}/api/documents/${documentId}/negotiation`, {
    headers: { cookie: who.cookie },
  });
  const state = (await response.json()) as NegotiationState;
  return state.statuses.filter((entry) => entry.clauseId === clauseId).at(-1)?.status;
}

/** How many backends of the test database wait for a lock. */
async function waitingForLocks(): Promise<number> {
  const result = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return result.rows[0].n as number;
}

describe('a clause’s status changed through two instances at once (PostgreSQL)', () => {
  it('reopened on A while agreed again on B: the status and the lock end up agreeing', async () => {
    const [penA, penB] = await Promise.all([a.signIn(DEMO.penHolder), b.signIn(DEMO.penHolder)]);
    const clauseId = clauseIds[3] as string;
    expect(await putStatus(a, penA, clauseId, 'agreed')).toBe(200);
    expect(await lockedInStore(clauseId)).toBe(true);

    // Bad luck made repeatable: status writes wait (another session holds the history table) after A has
    // already decided what to do with the lock.
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE clause_status_history IN EXCLUSIVE MODE');
      const reopening = putStatus(a, penA, clauseId, 'open');
      await waitFor(async () => (await waitingForLocks()) === 1, { what: 'A’s status write to wait' });
      const agreeing = putStatus(b, penB, clauseId, 'agreed');
      await waitFor(async () => (await waitingForLocks()) === 2, { what: 'B’s change to wait too' });
      await locker.query('COMMIT');
      expect(await Promise.all([reopening, agreeing])).toEqual([200, 200]);
    } finally {
      await locker.end();
    }
    const status = await latestStatus(a, penA, clauseId);
    expect(await latestStatus(b, penB, clauseId)).toBe(status);
    expect(await lockedInStore(clauseId), `latest status ${status}`).toBe(status === 'agreed');
  });
});
