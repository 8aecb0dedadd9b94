/**
 * The audit log as the server opens it (key file and anchor file in the data
 * directory), and the moves of someone who can write the database but does
 * not have the audit key: delete rows, edit a row and recompute every hash
 * after it with the public rule.
 */

import type { AuditRow } from '../../server/src/audit/auditChain';
import type { AuditLog } from '../../server/src/audit/auditLog';
import { hashAuditEntry } from '../../server/src/audit/auditLog';
import type { AuditQueueOptions } from '../../server/src/audit/auditQueue';
import { AuditStore, sqliteAuditRepository } from '../../server/src/audit/auditStore';
import { openAuditLog, sqliteAuditSchema } from '../../server/src/audit/openAuditLog';
import { configWith, type ServerConfig } from '../../server/src/config';
import { createLogger, type Logger } from '../../server/src/logger';
import type { SqliteDatabase } from '../../server/src/store/database';

/**
 * An audit log over `db` (through the SQLite AuditRepository) with its key and anchor in `dataDir`
 * (a checkpoint after every entry unless overridden).
 */
export function auditLogIn(
  dataDir: string,
  db: SqliteDatabase,
  overrides: Partial<ServerConfig> = {},
  { logger = createLogger('silent'), queue }: { logger?: Logger; queue?: AuditQueueOptions } = {},
): AuditLog {
  return openAuditLog(
    sqliteAuditRepository(new AuditStore(db)),
    sqliteAuditSchema(db),
    configWith({ dataDir, auditCheckpointSeconds: 0, ...overrides }),
    logger,
    queue ? { queue } : {},
  );
}

export function auditIds(db: SqliteDatabase): number[] {
  return (db.prepare('SELECT id FROM audit_log ORDER BY id').all() as { id: number }[]).map((row) => row.id);
}

/** Rewrites entry `id`'s detail and recomputes the hash of it and of every entry after it, keeping their MACs. */
export function rewriteWithPublicRule(db: SqliteDatabase, id: number, detail: Record<string, unknown>): void {
  db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?').run(JSON.stringify(detail), id);
  const rows = db.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id').all(id) as AuditRow[];
  const previous = db.prepare('SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1').get(id) as
    | { hash: string }
    | undefined;
  let previousHash = previous?.hash ?? '0'.repeat(64);
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  for (const row of rows) {
    const hash = hashAuditEntry({ ...row, prev_hash: previousHash });
    update.run(previousHash, hash, row.id);
    previousHash = hash;
  }
}
