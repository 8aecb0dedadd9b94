/**
 * The audit log: sign-ins, role changes and refused actions (who, what,
 * when, from where), as a hash chain in SQLite whose entries are MAC'd with
 * a key kept outside the database and whose head is checkpointed outside it
 * (see auditChain.ts, auditCheckpoints.ts, auditVerifier.ts and the README).
 */

import type { Logger } from '../logger';
import { type SqliteDatabase, schemaVersionAtOpen } from '../store/database';
import { AnchorFile } from './auditAnchor';
import { type AuditAction, type AuditRow, GENESIS_HASH } from './auditChain';
import { AuditCheckpoints, type ChainHead } from './auditCheckpoints';
import { AuditStore, chainRows } from './auditStore';
import { type AuditVerification, verifyAuditChain } from './auditVerifier';
import { RefusalAggregator, type RefusalAggregatorOptions } from './refusalAggregator';

export { type AuditAction, GENESIS_HASH, hashAuditEntry, macOfEntry } from './auditChain';
export type { AuditVerification } from './auditVerifier';

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

export interface AuditLogOptions {
  /** The MAC key (see auditKey.ts). */
  key: Buffer;
  /**
   * Whether the key file was created at this start (`LoadedAuditKey.createdNow`; default false): only
   * then is a log found below the keyed schema anchored by itself (auditCheckpoints.ts).
   */
  keyCreatedNow?: boolean;
  /** The anchor file of checkpoints (`AUDIT_ANCHOR_FILE`). */
  anchorPath: string;
  logger: Logger;
  /** Delay from a new entry to its checkpoint, in ms (`AUDIT_CHECKPOINT_SECONDS` × 1000; 0: every entry). */
  checkpointIntervalMs: number;
  /** How refusals are aggregated (`AUDIT_REFUSAL_WINDOW_SECONDS`, `AUDIT_REFUSAL_ROWS_PER_WINDOW`). */
  refusals: RefusalAggregatorOptions;
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

export class AuditLog {
  private readonly store: AuditStore;
  private readonly checkpoints: AuditCheckpoints;
  private readonly refusals: RefusalAggregator;
  private readonly anchor: AnchorFile;

  constructor(
    db: SqliteDatabase,
    private readonly options: AuditLogOptions,
  ) {
    this.store = new AuditStore(db);
    this.anchor = new AnchorFile(options.anchorPath);
    this.checkpoints = new AuditCheckpoints(this.anchor, options.key, options.logger, {
      intervalMs: options.checkpointIntervalMs,
      schema: db.pragma('user_version', { simple: true }) as number,
    });
    this.checkpoints.open({
      head: this.store.head(),
      keyed: this.store.isKeyed(),
      schemaAtOpen: schemaVersionAtOpen(db),
      keyCreatedNow: options.keyCreatedNow ?? false,
    });
    this.refusals = new RefusalAggregator((...args) => this.record(...args), options.refusals);
  }

  /**
   * Appends an entry: number `n + 1` after the newest entry the log knows (in the database or, if
   * entries were removed from it, in the checkpoints), chained to its hash and MAC'd.
   */
  record(action: AuditAction, actor: AuditActor, target = '', detail: Record<string, unknown> = {}): void {
    const fields = {
      actor_user_id: actor.userId ?? null,
      actor_email: actor.email ?? null,
      action,
      target,
      detail: JSON.stringify(detail),
      ip: actor.ip ?? '',
    };
    const row = this.store.append(fields, this.options.key, this.checkpoints.current);
    this.checkpoints.appended({ seq: row.id, hash: row.hash });
  }

  /**
   * A refusal that anyone can cause over and over (a cross-origin upgrade, a locked account, a 403):
   * the first per source and window is recorded, the rest are counted into one row (refusalAggregator.ts).
   */
  recordThrottled(
    action: AuditAction,
    actor: AuditActor,
    target = '',
    detail: Record<string, unknown> = {},
  ): void {
    this.refusals.refused(action, actor, target, detail);
  }

  /** The newest entries first. */
  list(limit: number, beforeId?: number): AuditEntry[] {
    return this.store.list(limit, beforeId).map(toEntry);
  }

  /** Walks the chain and names the first bad entry (auditVerifier.ts). */
  verify(): AuditVerification {
    return verifyAuditChain(chainRows(this.store), this.options.key, this.anchor.read(this.options.key));
  }

  /** Writes a checkpoint now (if the head moved since the last one). */
  checkpoint(): void {
    this.checkpoints.write();
  }

  /**
   * Anchors the log again at the database's newest entry, with `note` saying why — after a backup
   * was restored, or when the anchor file was lost. It is logged and appended to the anchor file.
   */
  reanchor(note: string): ChainHead {
    const head = this.store.head() ?? { seq: 0, hash: GENESIS_HASH };
    const firstKeyed = this.store.firstKeyedId();
    const legacy = this.checkpoints.legacyBoundary ?? this.store.entryBefore(firstKeyed ?? head.seq + 1);
    this.checkpoints.reanchor(head, legacy, note);
    this.options.logger.warn({ head, note }, 'the audit log was re-anchored');
    return head;
  }

  /** Writes the pending refusal summaries and a last checkpoint (the server is stopping). */
  close(): void {
    this.refusals.close();
    this.checkpoints.close();
  }
}
