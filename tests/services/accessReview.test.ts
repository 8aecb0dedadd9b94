import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode, type UserProfile } from '@draftroom/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SessionService } from '../../server/src/auth/sessionService';
import { AccessReview } from '../../server/src/collab/accessReview';
import { Connection } from '../../server/src/collab/connection';
import { seedDemoIfEmpty } from '../../server/src/demo/seed';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { migratePostgres } from '../../server/src/store/postgres/migrations';
import { type RecordStores, sqliteRecordStores } from '../../server/src/store/recordStores';
import { createRepositories, type Repositories } from '../../server/src/store/repositories';
import { type Instance, instanceLogger, startInstance, stopInstance } from '../support/instances';
import { MemorySocket } from '../support/memorySocket';
import { createDatabase } from '../support/services/postgres';
import { DEMO } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/**
 * Two instances sharing the records (one SQLite file here, as the shared
 * store stands in for PostgreSQL's records) and one Redis: a sign-out or role
 * change made through one closes or updates the user's sockets on the other.
 */
let dir: string;
let db: SqliteDatabase;
let repositories: Repositories;
let records: RecordStores;
let sessions: SessionService;
let documentId: string;
let instances: Instance[];
let reviews: AccessReview[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'draftroom-access-'));
  db = openDatabase(dir, { synchronous: 'NORMAL' }, instanceLogger);
  repositories = createRepositories(db);
  records = sqliteRecordStores(db);
  await seedDemoIfEmpty(records, instanceLogger);
  documentId = (db.prepare('SELECT id FROM documents LIMIT 1').get() as { id: string }).id;
  sessions = new SessionService(records.sessions, records.users, 12);
  const databaseUrl = await createDatabase(inject('postgresUrl'), `access_${process.pid}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migratePostgres(pool);
  await pool.end();
  const prefix = `access-${process.pid}`;
  instances = await Promise.all(
    ['a', 'b'].map((name) => startInstance(name, databaseUrl, inject('redisUrl'), prefix)),
  );
  reviews = instances.map(
    (instance) => new AccessReview(instance.rooms, records.documents, sessions, instance.bus),
  );
});
afterAll(async () => {
  for (const review of reviews) review.close();
  await Promise.all(instances.map((instance) => stopInstance(instance)));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function profileOf(email: string): UserProfile {
  const user = repositories.users.findByEmail(email);
  if (!user) throw new Error(`no user ${email}`);
  return user.profile;
}

/** A socket of `email` on `instance`'s room of the document, opened with a new session. */
async function openSocket(
  instance: Instance,
  email: string,
): Promise<{ socket: MemorySocket; token: string }> {
  const user = profileOf(email);
  const { token } = await sessions.open(user.id);
  const role = repositories.documents.findAccessible(documentId, user.id)?.role;
  if (!role) throw new Error('no role');
  const socket = new MemorySocket();
  const connection = new Connection(socket, user, role, '127.0.0.1', instanceLogger, token);
  const room = instance.rooms.open(documentId);
  room.enqueueJoin(connection, () => true);
  await waitFor(() => room.connections.has(connection), { what: 'joined' });
  return { socket, token };
}

describe('access changes reach every instance', () => {
  it('a sign-out through instance A closes that session’s socket on instance B (4401); another session stays', async () => {
    const [a, b] = instances as [Instance, Instance];
    const signedOut = await openSocket(b, DEMO.hungarianDrafter);
    const other = await openSocket(b, DEMO.hungarianDrafter);
    await sessions.close(signedOut.token);
    (reviews[0] as AccessReview).sessionEnded(signedOut.token, profileOf(DEMO.hungarianDrafter).id);
    await waitFor(() => signedOut.socket.closedWith === CloseCode.Unauthenticated, {
      what: 'the signed-out socket on B closed',
    });
    expect(other.socket.closedWith).toBeUndefined();
    expect(a.rooms.get(documentId)).toBeUndefined();
  });

  it('a role removed through instance A closes the user’s socket on instance B (4410)', async () => {
    const [, b] = instances as [Instance, Instance];
    const { socket } = await openSocket(b, DEMO.hungarianDrafter);
    const user = profileOf(DEMO.hungarianDrafter);
    repositories.documents.setUserRole(documentId, user.id, 'none');
    (reviews[0] as AccessReview).changed({ userId: user.id, documentId });
    await waitFor(() => socket.closedWith === CloseCode.AccessRevoked, { what: 'the socket on B closed' });
    repositories.documents.clearUserRole(documentId, user.id);
  });

  it('a role changed through instance A takes effect on instance B at once, and the client is told', async () => {
    const [, b] = instances as [Instance, Instance];
    const { socket } = await openSocket(b, DEMO.hungarianDrafter);
    const user = profileOf(DEMO.hungarianDrafter);
    const connection = [...(b.rooms.get(documentId)?.connections ?? [])].find(
      (candidate) => candidate.socket === socket,
    );
    expect(connection?.role).toBe('drafter');
    repositories.documents.setUserRole(documentId, user.id, 'observer');
    (reviews[0] as AccessReview).changed({ userId: user.id, documentId });
    await waitFor(() => connection?.role === 'observer', { what: 'the role on B' });
    expect(socket.closedWith).toBeUndefined();
    expect(socket.sent.length).toBeGreaterThan(0);
    repositories.documents.clearUserRole(documentId, user.id);
  });
});
