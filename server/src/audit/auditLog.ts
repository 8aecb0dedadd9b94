import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../store/database';

/** What the audit log records. */
export type AuditAction =
  | 'sign-in'
  | 'sign-in-refused'
  | 'sign-in-locked'
  | 'sign-out'
  | 'password-changed'
  | 'password-reset'
  | 'role-changed'
  | 'participant-created'
  | 'user-created'
  | 'process-role-changed'
  | 'refused';

export interface AuditActor {
  userId?: string | undefined;
  email?: string | undefined;
  ip?: string | undefined;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: string | null;
  actorEmail: string | null;
  action: AuditAction;
  target: string;
  detail: Record<string, unknown>;
  ip: string;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  action: AuditAction;
  target: string;
  detail: string;
  ip: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an entry: SHA-256 over the previous hash and the entry's fields, in a fixed order. */
export function hashAuditEntry(row: Omit<AuditRow, 'id' | 'hash'>): string {
  const canonical = JSON.stringify([
    row.prev_hash,
    row.at,
    row.actor_user_id,
    row.actor_email,
    row.action,
    row.target,
    row.detail,
    row.ip,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorUserId: row.actor_user_id,
    actorEmail: row.actor_email,
    action: row.action,
    target: row.target,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    ip: row.ip,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export type AuditVerification =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBrokenId: number; why: string };

/** The audit log: sign-ins, role changes and refused actions (who, what, when, from where), hash-chained. */
export class AuditLog {
  private readonly lastHash;
  private readonly insert;

  constructor(private readonly db: SqliteDatabase) {
    this.lastHash = db.prepare<[], { hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_user_id, actor_email, action, target, detail, ip, prev_hash, hash)
       VALUES (@at, @actor_user_id, @actor_email, @action, @target, @detail, @ip, @prev_hash, @hash)`,
    );
  }

  record(action: AuditAction, actor: AuditActor, target = '', detail: Record<string, unknown> = {}): void {
    const append = this.db.transaction(() => {
      const row = {
        at: new Date().toISOString(),
        actor_user_id: actor.userId ?? null,
        actor_email: actor.email ?? null,
        action,
        target,
        detail: JSON.stringify(detail),
        ip: actor.ip ?? '',
        prev_hash: this.lastHash.get()?.hash ?? GENESIS_HASH,
      };
      this.insert.run({ ...row, hash: hashAuditEntry(row) });
    });
    append.immediate();
  }

  /** The newest entries first. */
  list(limit: number, beforeId?: number): AuditEntry[] {
    const rows = this.db
      .prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
      .all(beforeId ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(toEntry);
  }

  /** Walks the chain from the first entry and names the first one whose hash or link does not match. */
  verify(): AuditVerification {
    let previous = GENESIS_HASH;
    let entries = 0;
    for (const row of this.db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY id').iterate()) {
      entries++;
      if (row.prev_hash !== previous) {
        return {
          ok: false,
          entries,
          firstBrokenId: row.id,
          why: 'its link to the previous entry does not match',
        };
      }
      if (hashAuditEntry(row) !== row.hash) {
        return { ok: false, entries, firstBrokenId: row.id, why: 'its content does not match its hash' };
      }
      previous = row.hash;
    }
    return { ok: true, entries };
  }
}
