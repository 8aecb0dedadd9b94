import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger';
import { backfillClientIds } from './clientIdBackfill';
import { CLIENT_IDS_SCHEMA_VERSION, migrations } from './migrations';
import { WalCheckpointer, type WalCheckpointOptions, walCheckpointerOf } from './walCheckpointer';

export type SqliteDatabase = Database.Database;

export interface DatabaseOptions {
  /** `NORMAL` survives a crash of the process; `FULL` also a power loss (see README). */
  synchronous: 'NORMAL' | 'FULL';
  /** When WAL checkpoints run (walCheckpointer.ts; defaults: every 4,000 pages, at least every 30 s). */
  walCheckpoints?: WalCheckpointOptions;
}

/** The database file inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'draftroom.db');
}

/** Opens (creating if needed) the SQLite database in WAL mode and applies pending migrations. */
export function openDatabase(dataDir: string, options: DatabaseOptions, logger: Logger): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(databasePath(dataDir));
  enableIncrementalVacuum(db, logger);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // After a burst of writes, a checkpoint shrinks the WAL file back to this size.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  migrate(db, logger);
  checkpointOffTheEventLoop(db, options, logger);
  return db;
}

/**
 * An empty SQLite database in memory, migrated: what a server whose data is
 * all in PostgreSQL (`DATABASE_URL`) holds in place of the file, so no
 * `draftroom.db` is created on an instance that does not use one.
 */
export function openMemoryDatabase(logger: Logger): SqliteDatabase {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, logger);
  return db;
}

/** Room for the WAL a checkpoint is asked for at (4,000 pages of 4 KiB plus frame headers), reused, not regrown. */
const WAL_SIZE_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * WAL checkpoints run in a worker thread (walCheckpointer.ts), not inside the
 * commit that crosses SQLite's threshold; `db.close()` ends the worker first.
 */
function checkpointOffTheEventLoop(db: SqliteDatabase, options: DatabaseOptions, logger: Logger): void {
  const checkpointer = new WalCheckpointer(db, options.synchronous, logger, options.walCheckpoints);
  const closeConnection = db.close.bind(db);
  db.close = () => {
    checkpointer.stop();
    return closeConnection();
  };
}

/** After a commit on `db` that wrote about `pages` pages: lets its checkpointer decide (no-op without one). */
export function notePagesWritten(db: SqliteDatabase, pages: number): void {
  walCheckpointerOf(db)?.wrote(pages);
}

const AUTO_VACUUM_INCREMENTAL = 2;

/**
 * Pages freed by compaction (thousands of appended update rows folded into
 * one state row) go back to the file system (releaseFreePages), which needs
 * `auto_vacuum = INCREMENTAL`. A new database gets it before its first table;
 * a database created without it is rebuilt once with VACUUM.
 */
function enableIncrementalVacuum(db: SqliteDatabase, logger: Logger): void {
  if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
    n: number;
  };
  db.pragma('auto_vacuum = INCREMENTAL');
  if (tables.n === 0) return;
  const started = performance.now();
  db.exec('VACUUM');
  logger.info({ ms: Math.round(performance.now() - started) }, 'database rebuilt with incremental vacuum');
}

const PAGES_PER_TURN = 1024;
const releasing = new WeakSet<SqliteDatabase>();

/**
 * Gives the free pages (left by a compaction that deleted update rows) back
 * to the file system, PAGES_PER_TURN at a time, one event-loop turn after
 * another and starting on the next turn (not in the compaction's), so a large
 * release never blocks editing for long.
 */
export function releaseFreePages(db: SqliteDatabase): void {
  if (releasing.has(db)) return;
  releasing.add(db);
  const step = () => {
    try {
      if (!db.open) return void releasing.delete(db);
      const free = db.pragma('freelist_count', { simple: true }) as number;
      db.pragma(`incremental_vacuum(${PAGES_PER_TURN})`);
      // The pages it moves and their pointer-map pages: about as many as it releases.
      notePagesWritten(db, Math.min(free, PAGES_PER_TURN));
      if (free > PAGES_PER_TURN) setImmediate(step);
      else releasing.delete(db);
    } catch {
      // Space is reclaimed at the next compaction.
      releasing.delete(db);
    }
  };
  setImmediate(step);
}

const versionsAtOpen = new WeakMap<SqliteDatabase, number>();

/** The schema version (`user_version`) the database had when it was opened, before migrations (0: new). */
export function schemaVersionAtOpen(db: SqliteDatabase): number {
  return versionsAtOpen.get(db) ?? (db.pragma('user_version', { simple: true }) as number);
}

/**
 * Applies the pending migrations one by one. Each step reads `user_version`
 * and applies the next migration in one immediate transaction (the write
 * lock first): several processes opening one file at once (instances
 * sharing DATA_DIR) apply each step once, the others find it done.
 */
function migrate(db: SqliteDatabase, logger: Logger): void {
  const atOpen = db.pragma('user_version', { simple: true }) as number;
  versionsAtOpen.set(db, atOpen);
  if (atOpen >= migrations.length) return;
  const step = db.transaction((): number | undefined => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= migrations.length) return undefined;
    db.exec(migrations[version] ?? '');
    if (version + 1 === CLIENT_IDS_SCHEMA_VERSION) backfillClientIds(db, logger);
    db.pragma(`user_version = ${version + 1}`);
    return version + 1;
  });
  for (let applied = step.immediate(); applied !== undefined; applied = step.immediate())
    logger.info({ version: applied }, 'applied database migration');
}

/** The current time as stored in the database (ISO 8601, UTC). */
export function nowIso(): string {
  return new Date().toISOString();
}
