import type pg from 'pg';
import { waitFor } from '../waitFor';

/**
 * Waits until a statement whose text mentions `table` is waiting for a lock
 * held by another transaction on the database of `observer`: how a test
 * sees that a write on one instance is held back by a transaction of
 * another, without waiting a fixed time.
 */
export async function waitUntilBlocked(observer: pg.Pool, table: string): Promise<void> {
  await waitFor(
    async () => {
      const waiting = await observer.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`,
        [table],
      );
      return Number(waiting.rows[0]?.n) > 0;
    },
    { what: `a statement on ${table} waiting for a lock` },
  );
}
