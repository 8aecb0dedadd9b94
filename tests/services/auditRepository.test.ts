import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../server/src/audit/auditChain';
import type { AuditFields } from '../../server/src/audit/auditStore';
import {
  auditRowValues,
  INSERT_AUDIT_ROW,
  PgAuditRepository,
} from '../../server/src/store/postgres/pgAuditRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import { describeAuditRepositoryContract } from '../support/auditRepositoryContract';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { waitFor } from '../support/waitFor';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('audit', { poolSize: 4 });

describeAuditRepositoryContract('PostgreSQL (PgAuditRepository)', async () => {
  const pool = instancePool(4);
  return {
    audit: new PgAuditRepository(pool),
    otherInstance: new PgAuditRepository(instancePool(4)),
    clear: async () => {
      await pool.query('DELETE FROM audit_log');
    },
    insertRaw: async (row) => {
      await pool.query(INSERT_AUDIT_ROW, auditRowValues(row));
    },
    dispose: async () => undefined,
  };
});

const key = randomBytes(32);
const genesis = { seq: 0, hash: GENESIS_HASH };
const signIn = (n: number): AuditFields => ({
  actor_user_id: `user-${n}`,
  actor_email: `user${n}@example.org`,
  action: 'sign-in',
  target: '',
  detail: '{}',
  ip: '192.0.2.1',
});

/** Whether a session of this database waits for a lock. */
async function someoneWaitsForALock(pool: pg.Pool): Promise<boolean> {
  const result = await pool.query<{ waiting: string }>(
    "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  return Number(result.rows[0]?.waiting) > 0;
}

describe('PgAuditRepository in a transaction of the caller', () => {
  it('an append inside a transaction holds the chain until it commits: another instance’s append waits, then chains after it', async () => {
    const pool = instancePool(2);
    const other = new PgAuditRepository(instancePool(2));
    await pool.query('DELETE FROM audit_log');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first: Awaited<ReturnType<PgAuditRepository['append']>> | undefined;
    const outer = inTransaction(pool, async (client) => {
      first = await new PgAuditRepository(client).append(signIn(1), key, genesis);
      await held;
    });
    await waitFor(() => first, { what: 'the first append inside the transaction' });
    const second = other.append(signIn(2), key, genesis);
    await waitFor(() => someoneWaitsForALock(pool), { what: 'the second append to wait for the chain' });
    release();
    await outer;
    expect(await second).toMatchObject({ id: 2, prev_hash: first?.hash });
  });

  it('an append whose transaction rolls back leaves no entry: the next one takes its number', async () => {
    const pool = instancePool(2);
    const audit = new PgAuditRepository(pool);
    await pool.query('DELETE FROM audit_log');
    await expect(
      inTransaction(pool, async (client) => {
        await new PgAuditRepository(client).append(signIn(1), key, genesis);
        throw new Error('the change it audits failed');
      }),
    ).rejects.toThrow('the change it audits failed');
    expect(await audit.head()).toBeUndefined();
    expect(await audit.append(signIn(2), key, genesis)).toMatchObject({ id: 1, prev_hash: GENESIS_HASH });
  });
});
