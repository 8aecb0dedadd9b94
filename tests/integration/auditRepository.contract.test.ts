import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore, sqliteAuditRepository } from '../../server/src/audit/auditStore';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { describeAuditRepositoryContract } from '../support/auditRepositoryContract';

describeAuditRepositoryContract('SQLite (AuditStore)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-audit-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  return {
    audit: sqliteAuditRepository(new AuditStore(db)),
    // One process holds one SQLite connection: a second store on it is what a second caller sees.
    otherInstance: sqliteAuditRepository(new AuditStore(db)),
    clear: async () => {
      db.prepare('DELETE FROM audit_log').run();
    },
    insertRaw: async (row) => {
      db.prepare(
        `INSERT INTO audit_log (id, at, actor_user_id, actor_email, action, target, detail, ip, prev_hash, hash, mac)
         VALUES (@id, @at, @actor_user_id, @actor_email, @action, @target, @detail, @ip, @prev_hash, @hash, @mac)`,
      ).run(row);
    },
    dispose: async () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
