import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgAmendmentRepository } from '../../server/src/store/postgres/pgAmendmentRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import {
  type AmendmentRepositoryFixture,
  type Delegate,
  describeAmendmentRepositoryContract,
  tabling,
} from '../support/amendmentRepositoryContract';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { waitFor } from '../support/waitFor';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('amendments', { poolSize: 4 });

let fixtures = 0;

/** Three delegations, a process and what the contract needs, on the file's database (codes and names unique to the fixture). */
async function pgFixture(): Promise<AmendmentRepositoryFixture> {
  const suffix = String(++fixtures);
  const pool = instancePool(4);
  const now = new Date().toISOString();
  const delegate = async (country: string, name: string): Promise<Delegate> => {
    const code = `${country}${suffix}`;
    const participantId = randomUUID();
    const userId = randomUUID();
    await pool.query(
      "INSERT INTO participants (id, code, name, kind, color, created_at) VALUES ($1, $2, $3, 'state', '#336699', $4)",
      [participantId, code, `${code} delegation`, now],
    );
    await pool.query(
      `INSERT INTO users (id, email, name, participant_id, password_hash, created_at)
       VALUES ($1, $2, $3, $4, 'not-a-hash', $5)`,
      [userId, `${code.toLowerCase()}@contract.example`, name, participantId, now],
    );
    return { participantId, code, userId, name };
  };
  const processId = randomUUID();
  await pool.query('INSERT INTO processes (id, name, created_at) VALUES ($1, $2, $3)', [
    processId,
    `Contract Process ${suffix}`,
    now,
  ]);
  let documents = 0;
  return {
    amendments: new PgAmendmentRepository(pool),
    otherInstance: new PgAmendmentRepository(instancePool(3)),
    delegates: [
      await delegate('UA', 'Olena Bondar'),
      await delegate('HU', 'László Kovács'),
      await delegate('PL', 'Anna Nowak'),
    ],
    createDocument: async () => {
      const id = `doc-${randomUUID()}`;
      await pool.query(
        'INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)',
        [id, processId, `Contract document ${++documents}`, now],
      );
      return id;
    },
    addVersion: async (documentId, label, kind, createdAt) => {
      await pool.query(
        `INSERT INTO versions (id, document_id, kind, label, state, structure, negotiation, fingerprint,
           last_update_id, summary, created_at)
         VALUES ($1, $2, $3, $4, '\\x00', '[]', '{}', $5, 0, '{}', $6)`,
        [randomUUID(), documentId, kind, label, randomUUID(), createdAt],
      );
    },
    dispose: async () => undefined,
  };
}

describeAmendmentRepositoryContract('PostgreSQL (PgAmendmentRepository)', pgFixture);

/** Whether a session of this database waits for a lock. */
async function someoneWaitsForALock(pool: pg.Pool): Promise<boolean> {
  const result = await pool.query<{ waiting: string }>(
    "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  return Number(result.rows[0]?.waiting) > 0;
}

describe('PgAmendmentRepository on a transaction of the caller', () => {
  it('joins the transaction: a tabling and a conclusion made on its client are undone when it rolls back', async () => {
    const fixture = await pgFixture();
    const [ua, hu] = fixture.delegates;
    const documentId = await fixture.createDocument();
    const tabled = await fixture.amendments.insert(tabling(documentId, ua));
    const pool = instancePool(1);
    await expect(
      inTransaction(pool, async (client) => {
        const bound = new PgAmendmentRepository(client);
        await bound.insert(tabling(documentId, hu, 'cl-2'));
        expect(
          await bound.conclude(documentId, tabled.id, { status: 'withdrawn', decidedBy: ua.userId }),
        ).toBe(true);
        // Another instance does not see the uncommitted work.
        expect((await fixture.otherInstance.get(documentId, tabled.id))?.status).toBe('tabled');
        throw new Error('the text could not be committed');
      }),
    ).rejects.toThrow('the text could not be committed');
    expect(await fixture.amendments.list(documentId)).toEqual([tabled]);
  });

  it('a tabling through another instance waits for an open transaction’s number, then takes the next one', async () => {
    const fixture = await pgFixture();
    const [ua, hu] = fixture.delegates;
    const documentId = await fixture.createDocument();
    const pool = instancePool(2);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first: number | undefined;
    const outer = inTransaction(pool, async (client) => {
      first = (await new PgAmendmentRepository(client).insert(tabling(documentId, ua))).number;
      await held;
    });
    await waitFor(() => first, { what: 'the tabling inside the transaction' });
    const second = fixture.otherInstance.insert(tabling(documentId, hu));
    await waitFor(() => someoneWaitsForALock(pool), { what: 'the second tabling to wait for the number' });
    release();
    await outer;
    expect(first).toBe(1);
    expect((await second).number).toBe(2);
  });
});
