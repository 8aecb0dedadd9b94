/**
 * Who did what stays in the audit log under a flood of refusals:
 * - anonymous refusals cannot spend the rows of signed-in users (each user
 *   has a budget of their own), and made-up emails do not make new sources
 *   (anonymous refusals are keyed by address);
 * - refused sign-ins are aggregated too, per address and per IPv6 /64, and
 *   the sign-in throttle counts a /64 as one address.
 * Counts are read after the server stopped (which writes the window's
 * summary rows), so nothing waits for a window to end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../server/src/store/database';
import { api } from '../support/securityHarness';
import { Database } from '../support/storedDocument';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

interface Row {
  action: string;
  actor_email: string | null;
  ip: string;
  detail: { repeated?: number; targets?: string[]; firstRowWithheld?: boolean };
}

function rowsOf(db: { prepare(sql: string): { all(): unknown[] } }, action: string): Row[] {
  const raw = db
    .prepare(`SELECT action, actor_email, ip, detail FROM audit_log WHERE action = '${action}' ORDER BY id`)
    .all() as (Omit<Row, 'detail'> & { detail: string })[];
  return raw.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Row['detail'] }));
}

/** Refusals a set of rows stands for: one per first row, what each summary counted. */
const accountedFor = (rows: Row[]) => rows.reduce((sum, row) => sum + (row.detail.repeated ?? 1), 0);

describe('refusal budgets of the audit log', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  /** Stops the server (which writes the window's summary rows) and reads its rows of `actions`. */
  async function rowsAfterStop(...actions: string[]): Promise<Row[][]> {
    await server.stop();
    const db = new Database(databasePath(server.dataDir), { readonly: true });
    try {
      return actions.map((action) => rowsOf(db, action));
    } finally {
      db.close();
    }
  }

  it('keeps a signed-in observer’s 403s attributed after an anonymous client spent the anonymous rows', async () => {
    server = await startTestServer();
    const observer = await server.signIn(DEMO.observer);
    const signIn = (email: string) =>
      api(server, 'POST', '/api/session', { body: { email, password: 'wrong' } });
    // 21 wrong passwords lock the address (SIGNIN_MAX_FAILURES_PER_IP, 20), then 110 made-up emails.
    let lockedAnswers = 0;
    for (let i = 0; i < 21; i++) if ((await signIn(`nobody${i}@x.example`)).status === 429) lockedAnswers++;
    for (let i = 0; i < 110; i++) {
      expect((await signIn(`filler${i}@x.example`)).status).toBe(429);
      lockedAnswers++;
    }
    // 110 made-up emails from one address: one source, one row so far.
    expect(rowsOf(server.server.db, 'sign-in-locked')).toHaveLength(1);

    const path = `/api/documents/${server.actionPlanId()}/clauses/c-1/status`;
    for (let i = 0; i < 5; i++) {
      const answer = await api(server, 'PUT', path, { session: observer, body: { status: 'agreed' } });
      expect(answer.status).toBe(403);
    }
    const named = rowsOf(server.server.db, 'refused').filter((row) => row.actor_email === DEMO.observer);
    expect(named).toHaveLength(1);

    const [refused = [], lockedRows = []] = await rowsAfterStop('refused', 'sign-in-locked');
    expect(accountedFor(refused.filter((row) => row.actor_email === DEMO.observer))).toBe(5);
    expect(lockedRows).toHaveLength(2);
    expect(accountedFor(lockedRows)).toBe(lockedAnswers - 1); // the 20th failure answers 429 as it locks
    expect(lockedRows[1]?.detail.targets).toHaveLength(10);
  });

  it('aggregates refused sign-ins from 60 addresses of one IPv6 /64, and locks the /64 after 20', async () => {
    server = await startTestServer();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const answer = await api(server, 'POST', '/api/session', {
        body: { email: `x${i}@nowhere.example`, password: 'wrong' },
        headers: { 'x-forwarded-for': `2001:db8:1:2::${i.toString(16)}` },
      });
      statuses.push(answer.status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(19);
    expect(statuses.filter((status) => status === 429)).toHaveLength(41);
    expect(rowsOf(server.server.db, 'sign-in-refused')).toHaveLength(1);

    const [refused = [], locked = []] = await rowsAfterStop('sign-in-refused', 'sign-in-locked');
    expect(refused).toHaveLength(2);
    expect(accountedFor(refused)).toBe(20);
    expect(accountedFor(locked)).toBe(40);
  });
});
