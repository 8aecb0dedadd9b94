/**
 * Issue 15: automatic version checkpoints run once per document at a time,
 * whichever instance holds the room. Two instances' version services on one
 * PostgreSQL store changes of one document at the same moment, each due a
 * checkpoint; the versions table is held locked by another session so both
 * reach the point of writing before either can. With the checkpoint lease
 * (an advisory lock per document) the second waits for the first, reads the
 * checkpoint it wrote and takes none: one checkpoint written, not two
 * (thinning would later remove a second one of the same hour: the test counts
 * what was written, through a trigger on the test database's versions table).
 */
import type pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { readClauses } from '../../server/src/content/outline';
import { seedDemoIfEmpty } from '../../server/src/demo/seed';
import { createLogger } from '../../server/src/logger';
import { underDocumentLock } from '../../server/src/store/postgres/advisoryLock';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { postgresRecordStores } from '../../server/src/store/recordStores';
import { VersionService } from '../../server/src/versions/versionService';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { DEMO } from '../support/testServer';
import { appendToClause } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');
const MINUTE = 60_000;
const SCOPE = 4242;
const database = migratedDatabase('checkpoint_lease', { poolSize: 4 });

interface VersionInstance {
  rooms: RoomRegistry;
  service: VersionService;
}

let documentId: string;
let penHolder: { id: string; participantId: string };
/** Every instance's clock: an hour after the seed, so a checkpoint is due at the first stored change. */
const clock = { now: Date.now() + 60 * MINUTE };
const running: VersionInstance[] = [];

beforeAll(async () => {
  const records = postgresRecordStores(database.instancePool());
  await seedDemoIfEmpty(records, logger);
  const [document] = await records.documents.listAll();
  const account = await records.users.findByEmail(DEMO.penHolder);
  if (!document || !account) throw new Error('the demo is not seeded');
  documentId = document.id;
  penHolder = { id: account.profile.id, participantId: account.profile.participant.id };
  const pool = database.instancePool(1);
  await pool.query('CREATE TABLE checkpoints_written (version_id text NOT NULL)');
  await pool.query(`CREATE FUNCTION note_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO checkpoints_written VALUES (NEW.id); RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER note_checkpoint AFTER INSERT ON versions FOR EACH ROW
    WHEN (NEW.kind = 'automatic') EXECUTE FUNCTION note_checkpoint()`);
});

afterEach(async () => {
  for (const instance of running.splice(0)) {
    await instance.rooms.closeAll(1001, 'test over');
    await instance.service.settled();
  }
});

/** One instance's rooms and version service on a pool of its own; `leased`: with the checkpoint lease. */
function versionInstance(leased: boolean): VersionInstance {
  const pool = database.instancePool();
  const storage = new PgDocumentStorage(pool);
  const records = postgresRecordStores(pool);
  const rooms = new RoomRegistry(storage, logger, { compactAfterUpdates: 1000, unloadDelayMs: 60_000 });
  const service = new VersionService(records.versions, records.negotiation, rooms, storage, logger, {
    checkpointIntervalMs: 10 * MINUTE,
    now: () => clock.now,
    checkpointLease: leased ? (id, work) => underDocumentLock(pool, SCOPE, id, work) : undefined,
  });
  rooms.hooks.add(service.hooks);
  const instance = { rooms, service };
  running.push(instance);
  return instance;
}

/** Stores a change to clause `index` through `instance`'s room (its hooks then run). */
async function edit(instance: VersionInstance, index: number, words: string): Promise<void> {
  const room = instance.rooms.open(documentId);
  await room.exclusive(async () => {
    const clauseId = readClauses(room.doc)[index]?.id ?? '';
    await room.applyServerChange((doc) => appendToClause(doc, clauseId, words), {
      userId: penHolder.id,
      participantId: penHolder.participantId,
      touchedClauses: [clauseId],
    });
  });
}

/** How many statements of this database wait for a lock: inserts into versions, or the checkpoint lease. */
async function waiting(observer: pg.Pool): Promise<number> {
  const result = await observer.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND (query LIKE '%INSERT INTO versions%' OR query LIKE '%pg_advisory_xact_lock%')`,
  );
  return Number(result.rows[0]?.n);
}

/** The automatic checkpoints written so far (kept or thinned since). */
async function automaticCount(observer: pg.Pool): Promise<number> {
  const result = await observer.query<{ n: string }>('SELECT count(*) AS n FROM checkpoints_written');
  return Number(result.rows[0]?.n);
}

/**
 * Both instances store a change while another session holds the versions table, so both checkpoints reach
 * their write (or the lease) before either can write; resolves with the checkpoints the two took.
 */
async function raceCheckpoints(leased: boolean, round: number): Promise<number> {
  const observer = database.instancePool(2);
  const before = await automaticCount(observer);
  const holder = await observer.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE versions IN EXCLUSIVE MODE');
    const [a, b] = [versionInstance(leased), versionInstance(leased)];
    await edit(a, 0, ` [A ${round}]`);
    await edit(b, 1, ` [B ${round}]`);
    await waitFor(async () => (await waiting(observer)) === 2, {
      what: 'both checkpoints waiting: for the versions table or for the lease',
    });
    await holder.query('COMMIT');
    await Promise.all([a.service.settled(), b.service.settled()]);
  } finally {
    holder.release();
  }
  return (await automaticCount(observer)) - before;
}

describe('automatic checkpoints across instances', () => {
  it('with the lease, two instances storing changes at once take one checkpoint of the document', async () => {
    expect(await raceCheckpoints(true, 1)).toBe(1);
  });

  it('without it (the race the lease closes), both write one', async () => {
    clock.now += 60 * MINUTE;
    expect(await raceCheckpoints(false, 2)).toBe(2);
  });
});
