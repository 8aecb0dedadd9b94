import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { Logger } from '../../logger';

/**
 * Makes `pool` log, not crash the process, when PostgreSQL drops a
 * connection: an idle one (the pool's own 'error'), and one checked out —
 * inside a transaction, or holding an advisory lock around work — whose
 * client emits 'error' where the pool no longer listens (without this every
 * instance died when PostgreSQL restarted). The statements on a dropped
 * connection still fail on their own, and the pool discards its client.
 * Returns `pool`.
 */
export function survivingDroppedConnections(pool: Pool, logger: Logger): Pool {
  pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection error'));
  pool.on('connect', (client) =>
    client.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost while in use')),
  );
  return pool;
}

/**
 * What a PostgreSQL repository runs its statements on: the pool (each
 * statement on its own) or one client inside a transaction (`inTransaction`),
 * so a repository built on a transaction's client writes inside it — how a
 * record joins the commit of the text it changes with.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * Runs `work` in one transaction on a client of `pool` (`begin` is the BEGIN
 * statement, e.g. with an isolation level): commits when it resolves, rolls
 * back and rethrows when it rejects. A client that cannot even roll back is
 * dropped from the pool, not reused.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** PostgreSQL returns bigint columns as strings: this reads one as a number (ids stay below 2^53). */
export function bigintOf(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
