import type { Pool } from 'pg';
import type { SqliteDatabase } from '../store/database';
import { underAdvisoryLock } from '../store/postgres/advisoryLock';
import { postgresRecordStores, type RecordStores, sqliteRecordStores } from '../store/recordStores';
import { sqliteTransaction } from '../store/sqliteAsyncTransaction';

/**
 * Runs the seed's `work` alone — no other seeder of the same database runs
 * at the same time — in one transaction where the database has them, given
 * the record stores to write through (those of that transaction). Resolves
 * or rejects as `work` does; when it rejects nothing it wrote is kept.
 */
export type SeedExclusive = <T>(work: (records: RecordStores) => Promise<T>) => Promise<T>;

/** Any fixed 64-bit number: the key of the advisory lock the demo is seeded under. */
const SEED_LOCK_KEY = 7_215_508_392;

/**
 * The seed's exclusivity on PostgreSQL: one transaction on a client of
 * `pool` under an advisory lock, so of several instances starting at once on
 * one database only the first seeds; the others wait for its commit, then
 * find the process there.
 */
export function postgresSeedExclusive(pool: Pool): SeedExclusive {
  return (work) => underAdvisoryLock(pool, SEED_LOCK_KEY, (client) => work(postgresRecordStores(client)));
}

/**
 * The seed's exclusivity on the SQLite file `db`: one immediate transaction
 * (the file's write lock, so also against other processes sharing the file).
 * Its `work` must await only the record stores it is given (see sqliteTransaction).
 */
export function sqliteSeedExclusive(db: SqliteDatabase): SeedExclusive {
  return (work) => sqliteTransaction(db, () => work(sqliteRecordStores(db)));
}
