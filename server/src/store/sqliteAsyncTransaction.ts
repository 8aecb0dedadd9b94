import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqliteDatabase } from './database';

/** The database whose asynchronous transaction the current code runs inside (if any). */
const inside = new AsyncLocalStorage<SqliteDatabase>();

/** The end of each database's queue of asynchronous transactions (one runs at a time). */
const queues = new WeakMap<SqliteDatabase, Promise<unknown>>();
let savepointCount = 0;

/**
 * Runs asynchronous `work` in one SQLite transaction: BEGIN IMMEDIATE, then
 * COMMIT when `work` resolves, or ROLLBACK and the same rejection when it
 * rejects. The asynchronous transactions of one database run one after the
 * other (each waits for the one before to end), so two of them never share a
 * connection's transaction.
 *
 * better-sqlite3 is synchronous: the calls of a repository made with
 * `asyncOf` settle at once, so a `work` that awaits only such calls runs to
 * its end before any I/O callback (another request) can write. Code that
 * runs between its awaits (other promise continuations) must not write into
 * it: the record stores (recordStores.ts) and the document storage wait for
 * {@link untilSqliteIdle} first, and `work` itself runs in an asynchronous
 * context those checks recognise, so its own calls go straight through. A
 * `work` that awaits anything else (a timer, the network) would hold every
 * other writer back meanwhile: do not.
 *
 * For several calls inside `work` that must succeed or fail together, use
 * {@link sqliteSavepoint} with the same database.
 * @throws the rejection of `work`; the database's error when BEGIN or COMMIT fails
 */
export function sqliteTransaction<T>(db: SqliteDatabase, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(db) ?? Promise.resolve();
  const run = previous.then(async () => {
    if (db.inTransaction) throw new Error('another transaction is open on this SQLite database');
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await inside.run(db, work);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(db, settled);
  void settled.then(() => {
    if (queues.get(db) === settled) queues.delete(db);
  });
  return run;
}

/**
 * Runs asynchronous `work` inside the transaction already open on `db` (a
 * nested transaction): a savepoint, released when `work` resolves, rolled
 * back to (undoing only what `work` wrote) when it rejects — as
 * better-sqlite3's nested transactions do. Only inside {@link sqliteTransaction}'s work.
 * @throws the rejection of `work`; an Error when no transaction is open
 */
export async function sqliteSavepoint<T>(db: SqliteDatabase, work: () => Promise<T>): Promise<T> {
  if (!db.inTransaction) throw new Error('a savepoint needs an open transaction');
  const name = `nested_${++savepointCount}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = await work();
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (error) {
    if (db.inTransaction) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
    }
    throw error;
  }
}

/**
 * Undefined when no asynchronous transaction of `db` is open or queued, or
 * when the caller runs inside it; otherwise a promise that resolves once none
 * is (the calls that must not join another's transaction wait for it).
 */
export function untilSqliteIdle(db: SqliteDatabase): Promise<void> | undefined {
  if (!queues.has(db) || inside.getStore() === db) return undefined;
  return (async () => {
    for (let tail = queues.get(db); tail && inside.getStore() !== db; tail = queues.get(db)) await tail;
  })();
}
