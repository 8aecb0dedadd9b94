import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger';
import { migrations } from './migrations';

export type SqliteDatabase = Database.Database;

export interface DatabaseOptions {
  /** `NORMAL` survives a crash of the process; `FULL` also a power loss (see README). */
  synchronous: 'NORMAL' | 'FULL';
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
  return db;
}

const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;
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
 * another, so a large release never blocks editing for long.
 */
export function releaseFreePages(db: SqliteDatabase): void {
  if (releasing.has(db)) return;
  releasing.add(db);
  const step = () => {
    try {
      if (!db.open) return void releasing.delete(db);
      db.pragma(`incremental_vacuum(${PAGES_PER_TURN})`);
      if ((db.pragma('freelist_count', { simple: true }) as number) > 0) setImmediate(step);
      else releasing.delete(db);
    } catch {
      // Space is reclaimed at the next compaction.
      releasing.delete(db);
    }
  };
  step();
}

const versionsAtOpen = new WeakMap<SqliteDatabase, number>();

/** The schema version (`user_version`) the database had when it was opened, before migrations (0: new). */
export function schemaVersionAtOpen(db: SqliteDatabase): number {
  return versionsAtOpen.get(db) ?? (db.pragma('user_version', { simple: true }) as number);
}

function migrate(db: SqliteDatabase, logger: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  versionsAtOpen.set(db, current);
  for (let version = current; version < migrations.length; version++) {
    const apply = db.transaction(() => {
      db.exec(migrations[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    });
    apply();
    logger.info({ version: version + 1 }, 'applied database migration');
  }
}

/** The current time as stored in the database (ISO 8601, UTC). */
export function nowIso(): string {
  return new Date().toISOString();
}
