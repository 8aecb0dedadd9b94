/**
 * Adversarial review of issue 15: the WebSocket upgrade reads the session and
 * the user's role from PostgreSQL, and the room loads from it, so a socket
 * spends real time between "the session is valid" and "the socket is in its
 * room". A sign-out in that time must still close it (4401): otherwise a
 * signed-out session keeps a live, writable socket until the next session
 * sweep. A real Draftroom server in this process with DATABASE_URL; the slow
 * store is made repeatable by a table lock another session holds.
 */
import { CloseCode } from '@draftroom/shared';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { createDatabase } from '../support/services/postgres';
import { seededPlan } from '../support/services/seededPlan';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

let server: TestServer;
let databaseUrl: string;
let documentId: string;
let admin: pg.Client;
let locker: pg.Client;
const sockets: RawCollabSocket[] = [];

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), `breaker_upgrade_${process.pid}`);
  server = await startTestServer({ databaseUrl, auditKey: 'breaker-upgrade-audit-key-0123456789abcdef' });
  ({ documentId } = await seededPlan(server, databaseUrl));
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
}, 120_000);

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await locker?.end().catch(() => undefined);
});

afterAll(async () => {
  await admin?.end();
  await server?.dispose();
});

/** Holds `table` locked (ACCESS EXCLUSIVE) from another session until `release`. */
async function lockTable(table: string): Promise<{ release(): Promise<void> }> {
  locker = new pg.Client({ connectionString: databaseUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return { release: () => locker.query('COMMIT').then(() => undefined) };
}

/** True while a backend waits for a lock with a statement reading `table`. */
async function waitsOn(table: string): Promise<boolean> {
  const waiting = await admin.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND pid <> pg_backend_pid() AND query LIKE $1`,
    [`%${table}%`],
  );
  return (waiting.rowCount ?? 0) > 0;
}

async function signOut(who: SignedIn): Promise<void> {
  const response = await fetch(`${server.url}/api/session`, {
    method: 'DELETE',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
  });
  expect(response.status).toBe(204);
}

/** The socket's end: refused at the upgrade, or closed with a code (fails if it stays open 10 s). */
async function endOf(opening: Promise<RawCollabSocket>): Promise<number | 'refused'> {
  const socket = await opening.catch(() => undefined);
  if (!socket) return 'refused';
  sockets.push(socket);
  await waitFor(() => socket.closeCode !== undefined, {
    timeoutMs: 10_000,
    what: 'the signed-out session’s socket to be closed',
  });
  return socket.closeCode as number;
}

describe('a sign-out while the upgrade or the join waits for PostgreSQL', () => {
  it('signed out while the role lookup waits: the socket is refused or closed (4401), not left open', async () => {
    const drafter = await server.signIn(DEMO.hungarianDrafter);
    const roles = await lockTable('document_roles');
    const opening = openRawSocket(server.wsUrl, documentId, drafter.cookie);
    opening.catch(() => undefined);
    await waitFor(() => waitsOn('document_roles'), { what: 'the role lookup to wait' });
    await signOut(drafter);
    await roles.release();
    const end = await endOf(opening);
    if (end !== 'refused') expect(end).toBe(CloseCode.Unauthenticated);
  });

  it('signed out while the room loads: the waiting socket is closed (4401) instead of joining', async () => {
    const drafter = await server.signIn(DEMO.czechDrafter);
    expect(server.server.collab.rooms.get(documentId)).toBeUndefined();
    const states = await lockTable('document_states');
    const opening = openRawSocket(server.wsUrl, documentId, drafter.cookie);
    opening.catch(() => undefined);
    const socket = await opening;
    await waitFor(() => waitsOn('document_states'), { what: 'the room’s load to wait' });
    await signOut(drafter);
    await states.release();
    expect(await endOf(Promise.resolve(socket))).toBe(CloseCode.Unauthenticated);
  });
});
