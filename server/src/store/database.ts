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
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, logger);
  return db;
}

function migrate(db: SqliteDatabase, logger: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
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
