import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './queryable';

/**
 * Runs `work` in one transaction on a client of `pool` while holding the
 * transaction-scoped advisory lock `key` (any fixed 64-bit number naming the
 * job): instances calling this with the same key at once run `work` one after
 * the other, each seeing what the one before committed (READ COMMITTED: every
 * statement after the lock is granted reads the newest commits). The lock is
 * released when the transaction ends: committed when `work` resolves, rolled
 * back when it rejects. `work` must query on the `client` it is given.
 * @throws the rejection of `work`; the database's error (e.g. the pool's
 *   statement_timeout while waiting for the lock)
 */
/**
 * Runs `work` while this instance holds the transaction-scoped advisory lock
 * of (`scope`, `documentId`) — `scope` a fixed 32-bit number naming the job,
 * the document id hashed by PostgreSQL (`hashtext`; two documents sharing a
 * hash only wait for each other) — on a client of `pool` kept in an open
 * transaction meanwhile. `work` queries wherever it likes (the pool): the
 * lock only makes the instances doing the same job for one document take
 * turns. Keep it short: the pool's idle-in-transaction timeout (30 s) ends
 * the lock's transaction, and this then rejects after `work` is done.
 * @throws the rejection of `work`; the database's error while locking or committing
 */
export function underDocumentLock<T>(
  pool: Pool,
  scope: number,
  documentId: string,
  work: () => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [scope, documentId]);
    return work();
  });
}

export function underAdvisoryLock<T>(
  pool: Pool,
  key: number,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [key]);
    return work(client);
  });
}
