import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteDatabase } from './database';

/**
 * An online backup through SQLite's backup API: a consistent copy taken page
 * by page while the server keeps writing. Restore: stop the server, replace
 * `draftroom.db` by the backup, delete `draftroom.db-wal` and `-shm`, start.
 */
export async function backupDatabase(db: SqliteDatabase, destinationPath: string): Promise<void> {
  mkdirSync(dirname(destinationPath), { recursive: true });
  await db.backup(destinationPath);
}
