import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { verifyPassword } from '../../server/src/auth/passwords';
import type { StoredDocumentState } from '../../server/src/collab/documentStorage';
import { readClauses } from '../../server/src/content/outline';
import { readDocumentStructure } from '../../server/src/content/structure';
import { DEMO_PASSWORD, demoParticipants, demoUsers } from '../../server/src/demo/participants';
import { seedDemoIfEmpty } from '../../server/src/demo/seed';
import {
  postgresSeedExclusive,
  type SeedExclusive,
  sqliteSeedExclusive,
} from '../../server/src/demo/seedExclusive';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import {
  postgresRecordStores,
  type RecordStores,
  sqliteRecordStores,
} from '../../server/src/store/recordStores';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { waitUntilBlocked } from '../support/services/lockWait';
import { migratedDatabase } from '../support/services/migratedDatabase';

/**
 * The demo seeded into PostgreSQL through the record stores, as instances
 * sharing one database do at start: one seeds, the others find it done, and
 * what they find is the demo the SQLite file gets.
 */
const logger = createLogger('silent');
const database = migratedDatabase('demo_seed');
const failing = migratedDatabase('demo_seed_failing');

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** `store` whose `method` rejects (the others as they are). */
function failingAt<T extends object>(store: T, method: string): T {
  return new Proxy(store, {
    get: (target, name, receiver) =>
      name === method
        ? () => Promise.reject(new Error('the disk is full'))
        : Reflect.get(target, name, receiver),
  });
}

/** The document's text from its stored state and updates. */
function docOf(stored: StoredDocumentState): Y.Doc {
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

/** What the demo is made of, without ids and times: equal for two seeds of the same demo. */
async function demoOf(records: RecordStores, load: (documentId: string) => Promise<StoredDocumentState>) {
  const processes = await records.processes.list();
  const documents = await records.documents.listAll();
  const processId = processes[0]?.id ?? '';
  const documentId = documents[0]?.id ?? '';
  const doc = docOf(await load(documentId));
  const clauses = readClauses(doc);
  const numberOf = new Map(clauses.map((clause) => [clause.id, clause.number]));
  const bracketed = readDocumentStructure(doc)
    .sections.flatMap((section) => section.clauses)
    .flatMap((clause) => clause.blocks.flatMap((block) => block.runs))
    .filter((run) => run.bracketId)
    .map((run) => `${run.bracketId}: ${run.text}`);
  doc.destroy();
  const versions = await records.versions.list(documentId);
  return {
    processes: processes.map((process) => process.name),
    memberships: (await records.processes.listMemberships(processId)).map(
      (member) => `${member.code} ${member.defaultRole}`,
    ),
    participants: (await records.participants.list()).map((p) => `${p.code} ${p.kind} ${p.color}`),
    users: (await records.users.list()).map(
      (user) => `${user.email} ${user.name} ${user.participant.code}${user.isAdmin ? ' admin' : ''}`,
    ),
    documents: documents.map((document) => `${document.processName}: ${document.title}`),
    explicitRoles: (await records.documents.listUserRoles(documentId))
      .filter((role) => role.explicitRole)
      .map((role) => `${role.email} ${role.explicitRole}`),
    clauses: clauses.map((clause) => `${clause.number} ${clause.text}`),
    bracketed,
    // Listed by clause id (random): sorted by clause number here.
    statuses: (await records.negotiation.statuses(documentId))
      .map((entry) => `${numberOf.get(entry.clauseId)} ${entry.status} ${entry.changedBy.participantCode}`)
      .sort(),
    positions: (await records.negotiation.positions(documentId))
      .map(
        (entry) => `${numberOf.get(entry.clauseId)} ${entry.participantCode} ${entry.position} ${entry.note}`,
      )
      .sort(),
    brackets: (await records.negotiation.brackets(documentId)).map(
      (bracket) =>
        `${bracket.id} ${numberOf.get(bracket.clauseId)} ${bracket.proponentCode} ${bracket.alternatives
          .map((alternative) => `${alternative.proponentCode}: ${alternative.text}`)
          .join(' / ')}`,
    ),
    threads: (await records.comments.threads(documentId)).map(
      (thread) =>
        `${numberOf.get(thread.clauseId)} ${thread.comments
          .map((comment) => `${comment.author.participantCode} [${comment.mentions}]: ${comment.body}`)
          .join(' | ')}`,
    ),
    amendments: (await records.amendments.list(documentId)).map((a) =>
      [
        `AM ${a.number} ${a.proponentCode} ${a.kind} ${a.clauseNumber} ${a.status}`,
        `by ${a.decidedBy?.participantCode ?? '-'} covers [${a.covers}] coveredBy ${a.coveredBy}`,
        `cosponsors [${a.cosponsors.map((c) => c.participantCode)}] against ${a.baseVersionLabel}`,
        `${a.baseText} -> ${a.proposedText} (${a.justification})`,
      ].join('; '),
    ),
    versions: versions.map(
      (version) =>
        `${version.kind} ${version.label} ${version.meeting?.place} ${version.createdBy?.participantCode} ${version.fingerprint}`,
    ),
    meetings: (await records.versions.meetings(processId)).map(
      (meeting) => `${meeting.startsOn} ${meeting.place} ${meeting.kind} ${meeting.title}`,
    ),
  };
}

describe('the demo seeded into PostgreSQL through the record stores', () => {
  let sqliteDir: string;
  let sqlite: SqliteDatabase;
  beforeAll(() => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'draftroom-seed-'));
    sqlite = openDatabase(sqliteDir, { synchronous: 'NORMAL' }, logger);
  });
  afterAll(() => {
    sqlite.close();
    rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('of two instances starting at once, one seeds; the other waits for its commit and finds it done', async () => {
    const [poolA, poolB] = [database.instancePool(2), database.instancePool(2)];
    const observer = database.instancePool(2);
    const seen = postgresRecordStores(observer);
    const written = deferred();
    const commit = deferred();
    // Instance A holds its seed open (written, not committed) until instance B waits for the lock.
    const holdingA: SeedExclusive = (work) =>
      postgresSeedExclusive(poolA)(async (records) => {
        const result = await work(records);
        written.resolve();
        await commit.promise;
        return result;
      });
    const seedingA = seedDemoIfEmpty(postgresRecordStores(poolA), logger, {
      negotiation: true,
      exclusive: holdingA,
    });
    await written.promise;
    expect(await seen.processes.count()).toBe(0);
    const seedingB = seedDemoIfEmpty(postgresRecordStores(poolB), logger, {
      negotiation: true,
      exclusive: postgresSeedExclusive(poolB),
    });
    await waitUntilBlocked(observer, 'pg_advisory_xact_lock');
    commit.resolve();
    expect(await Promise.all([seedingA, seedingB])).toEqual([true, false]);
    expect((await seen.processes.list()).map((process) => process.name)).toEqual(['Prague Process']);
    expect(await seen.participants.list()).toHaveLength(demoParticipants.length);
    expect((await seen.users.list()).map((user) => user.email).sort()).toEqual(
      demoUsers.map((user) => user.email).sort(),
    );
    expect(await seedDemoIfEmpty(seen, logger, { negotiation: true })).toBe(false);
    expect(await seen.users.list()).toHaveLength(demoUsers.length);
  });

  it('holds the users with the demo password, the process, the document with its text, and the negotiation', async () => {
    const pool = database.instancePool(2);
    const records = postgresRecordStores(pool);
    const anna = await records.users.findByEmail('anna.nowak@pl.example');
    expect(anna?.profile.participant.code).toBe('PL');
    expect(await verifyPassword(anna?.passwordHash ?? '', DEMO_PASSWORD)).toBe(true);
    const [document] = await records.documents.listAll();
    expect(document?.title).toBe('Action Plan 2012–2016');
    expect((await records.documents.findAccessible(document?.id ?? '', anna?.profile.id ?? ''))?.role).toBe(
      'pen-holder',
    );
    const admin = await records.users.findByEmail('admin@icmpd.example');
    expect(
      await records.documents.findAccessible(document?.id ?? '', admin?.profile.id ?? ''),
    ).toBeUndefined();

    const demo = await demoOf(records, (id) => new PgDocumentStorage(pool).load(id));
    expect(demo.clauses).toHaveLength(24);
    expect(demo.bracketed).toEqual(['br-5eed0001: and encourage their productive investment']);
    expect(demo.statuses).toEqual(['4.3 agreed-ad-referendum PL', '5.2 bracketed PL', '6.4 agreed PL']);
    expect(demo.positions.map((position) => position.split(' ').slice(0, 3).join(' '))).toEqual([
      '1.1 UA supports',
      '2.1 CZ reservation',
      '3.3 UA scrutiny-reservation',
      '4.3 HU agreed-ad-referendum',
    ]);
    expect(demo.brackets).toEqual([
      'br-5eed0001 5.2 HU HU: and encourage their productive investment / CZ: and facilitate their investment in local development',
    ]);
    expect(demo.threads).toHaveLength(2);
    expect(demo.amendments.map((amendment) => amendment.split(';')[0])).toEqual([
      'AM 1 UA modify 2.3 covered-by-compromise',
      'AM 2 HU modify 2.3 covered-by-compromise',
      'AM 3 CZ modify 1.2 tabled',
      'AM 4 UA modify 1.2 withdrawn',
      'AM 5 ICMPD insert 1.2 tabled',
      'AM 6 HU delete 3.3 rejected',
      'AM 7 UA modify 3.3 tabled',
      'AM 8 PL modify 2.3 tabled',
    ]);
    expect(demo.versions).toHaveLength(1);
    expect(demo.versions[0]).toMatch(/^named Rev\. 1 — for the Budapest SOM Budapest PL /);
    expect(demo.meetings).toHaveLength(6);
  });

  it('is the demo the SQLite file gets, record for record', async () => {
    const sqliteRecords = sqliteRecordStores(sqlite);
    expect(
      await seedDemoIfEmpty(sqliteRecords, logger, {
        negotiation: true,
        exclusive: sqliteSeedExclusive(sqlite),
      }),
    ).toBe(true);
    const storage = new SqliteDocumentStorage(sqlite);
    const fromSqlite = await demoOf(sqliteRecords, async (id) => storage.load(id));
    const pool = database.instancePool(1);
    const fromPostgres = await demoOf(postgresRecordStores(pool), (id) =>
      new PgDocumentStorage(pool).load(id),
    );
    expect(fromPostgres).toEqual(fromSqlite);
  });

  it('keeps nothing of a seed that fails part way, and seeds in full when started again', async () => {
    const pool = failing.instancePool(2);
    const records = postgresRecordStores(pool);
    const failingVersions: SeedExclusive = (work) =>
      postgresSeedExclusive(pool)((inside) =>
        work({ ...inside, versions: failingAt(inside.versions, 'create') }),
      );
    await expect(
      seedDemoIfEmpty(records, logger, { negotiation: true, exclusive: failingVersions }),
    ).rejects.toThrow('the disk is full');
    expect(await records.processes.count()).toBe(0);
    expect(await records.users.list()).toEqual([]);
    expect(await records.participants.list()).toEqual([]);
    expect(await records.documents.listAll()).toEqual([]);

    expect(await seedDemoIfEmpty(records, logger, { exclusive: postgresSeedExclusive(pool) })).toBe(true);
    const [document] = await records.documents.listAll();
    expect(await records.versions.list(document?.id ?? '')).toHaveLength(1);
    expect(await records.users.list()).toHaveLength(demoUsers.length);
    // Without the negotiation: no statuses, no amendments.
    expect(await records.negotiation.statuses(document?.id ?? '')).toEqual([]);
    expect(await records.amendments.list(document?.id ?? '')).toEqual([]);
  });
});
