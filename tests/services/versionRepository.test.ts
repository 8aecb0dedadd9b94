import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PgDocumentRepository } from '../../server/src/store/postgres/pgDocumentRepository';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { PgParticipantRepository } from '../../server/src/store/postgres/pgParticipantRepository';
import { PgProcessRepository } from '../../server/src/store/postgres/pgProcessRepository';
import { PgUserRepository } from '../../server/src/store/postgres/pgUserRepository';
import { PgVersionRepository } from '../../server/src/store/postgres/pgVersionRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import { migratedDatabase } from '../support/services/migratedDatabase';
import {
  at,
  describeVersionRepositoryContract,
  newVersion,
  type VersionRepositoryFixture,
} from '../support/versionRepositoryContract';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('versions', { poolSize: 6 });
let pool: pg.Pool;

beforeAll(() => {
  pool = instancePool();
});

/** The PostgreSQL repository on the file's database (each test's rows are its own: fresh ids and codes). */
function pgFixture(): VersionRepositoryFixture {
  const processes = new PgProcessRepository(pool);
  const documents = new PgDocumentRepository(pool);
  const participants = new PgParticipantRepository(pool);
  const users = new PgUserRepository(pool);
  const emptyState = Y.encodeStateAsUpdate(new Y.Doc());
  return {
    versions: new PgVersionRepository(pool),
    storage: new PgDocumentStorage(pool),
    createDocument: async () => {
      const process = await processes.create(`Process ${randomUUID()}`, '');
      return { processId: process.id, documentId: await documents.create(process.id, 'Draft', emptyState) };
    },
    createUser: async (code, name) => {
      const participant = await participants.create({ code, name, kind: 'state', color: '#336699' });
      const userId = await users.create({
        email: `${randomUUID()}@example.org`,
        name,
        participantId: participant.id,
        passwordHash: 'not-a-hash',
        isAdmin: false,
      });
      return { userId, participantId: participant.id };
    },
    writeLegacySummary: async (versionId, counts) => {
      await pool.query('UPDATE versions SET summary = $1::json WHERE id = $2', [
        JSON.stringify(counts),
        versionId,
      ]);
    },
    dispose: () => undefined,
  };
}

describeVersionRepositoryContract('PgVersionRepository', pgFixture);

describe('PgVersionRepository on PostgreSQL', () => {
  it('reads times back in the SQLite form: UTC, milliseconds, microseconds truncated', async () => {
    const fixture = pgFixture();
    const { documentId } = await fixture.createDocument();
    const created = await fixture.versions.create(
      newVersion(documentId, { createdAt: '2011-05-30T11:00:00.9999+02:00' }),
    );
    expect(created.createdAt).toBe('2011-05-30T09:00:00.999Z');
    expect(await fixture.versions.latestMark(documentId)).toMatchObject({
      createdAt: '2011-05-30T09:00:00.999Z',
    });
  });

  it('bound to a transaction client: its writes are undone with the transaction, seen inside it', async () => {
    const fixture = pgFixture();
    const { documentId } = await fixture.createDocument();
    const refused = new Error('refused after the version was written');
    await expect(
      inTransaction(pool, async (client) => {
        const versions = new PgVersionRepository(client);
        const created = await versions.create(newVersion(documentId, { createdAt: at(1) }));
        expect((await versions.list(documentId)).map((version) => version.id)).toEqual([created.id]);
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(await fixture.versions.list(documentId)).toEqual([]);
  });

  it('three instances saving checkpoints of one document at once: every one stored once, one order for all', async () => {
    const { documentId } = await pgFixture().createDocument();
    // A pool each, as three server instances would hold.
    const instances = [0, 1, 2].map(() => new PgVersionRepository(instancePool(3)));
    const created = await Promise.all(
      instances.flatMap((versions, instance) =>
        Array.from({ length: 15 }, (_, index) =>
          versions.create(
            newVersion(documentId, {
              kind: 'automatic',
              label: `${instance}/${index}`,
              createdAt: at(index % 4),
            }),
          ),
        ),
      ),
    );
    const lists = await Promise.all(instances.map((versions) => versions.list(documentId)));
    const ids = (lists[0] ?? []).map((version) => version.id);
    expect(new Set(ids)).toEqual(new Set(created.map((version) => version.id)));
    expect(ids).toHaveLength(45);
    for (const list of lists) expect(list.map((version) => version.id)).toEqual(ids);
    const times = (lists[0] ?? []).map((version) => version.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });
});
