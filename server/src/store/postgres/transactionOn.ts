import type { Pool, PoolClient } from 'pg';
import { inTransaction, type Queryable } from './queryable';

let savepointCount = 0;

/** Whether `db` is a pool (each statement on its own connection), not one client. */
export function isPool(db: Queryable): db is Pool {
  return 'totalCount' in db && typeof (db as Pool).connect === 'function';
}

/**
 * Runs `work` in a transaction on `db`: on a pool, a transaction of its own
 * on one of its clients (`inTransaction`: committed when `work` resolves,
 * rolled back when it rejects); on anything else — a client inside a
 * transaction, as `inTransaction` hands out — a savepoint of that
 * transaction, released when `work` resolves and rolled back to (undoing only
 * what `work` wrote) when it rejects. `work` is given what to query on.
 * @throws the rejection of `work`; the database's error when BEGIN, SAVEPOINT or COMMIT fails
 */
export async function transactionOn<T>(
  db: Queryable,
  work: (client: Queryable) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  if (isPool(db)) return inTransaction(db, (client: PoolClient) => work(client), begin);
  const name = `nested_${++savepointCount}`;
  await db.query(`SAVEPOINT ${name}`);
  try {
    const result = await work(db);
    await db.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    // Should undoing fail too (the connection is gone), the outer transaction fails at its commit.
    await db
      .query(`ROLLBACK TO SAVEPOINT ${name}`)
      .then(() => db.query(`RELEASE SAVEPOINT ${name}`))
      .catch(() => undefined);
    throw error;
  }
}
