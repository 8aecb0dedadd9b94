/**
 * The audit log: sign-ins, role changes and refused actions (who, what,
 * when, from where), as a hash chain whose entries are MAC'd with a key kept
 * outside the database and whose head is checkpointed outside it (see
 * auditChain.ts, auditCheckpoints.ts, auditVerifier.ts and the README). The
 * chain is kept by an AuditRepository: the SQLite file, or PostgreSQL, where
 * the appends of every instance form ONE chain.
 *
 * Recording never waits for the store: it queues the append (auditQueue.ts:
 * in order, retried until stored, bounded). Reads ({@link AuditLog.list},
 * {@link AuditLog.verify}) first wait for what this process recorded before
 * them ({@link AuditLog.flushed}).
 */

import type { Logger } from '../logger';
import { AnchorFile } from './auditAnchor';
import { type AuditAction, type AuditRow, GENESIS_HASH } from './auditChain';
import { AuditCheckpoints, type AuditSchema, type ChainHead } from './auditCheckpoints';
import { AuditQueue, type AuditQueueOptions } from './auditQueue';
import { type AuditFields, type AuditRepository, chainRows } from './auditStore';
import { type AuditVerification, verifyAuditChain } from './auditVerifier';
import { RefusalAggregator, type RefusalAggregatorOptions } from './refusalAggregator';

export { type AuditAction, GENESIS_HASH, hashAuditEntry, macOfEntry } from './auditChain';
export type { AuditSchema } from './auditCheckpoints';
export { AuditBacklogError } from './auditQueue';
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
  /** The anchor file of checkpoints (`AUDIT_ANCHOR_FILE`; instances may share one). */
  anchorPath: string;
  /** The schema of the store (recorded in checkpoints; a store found below the anchor's is refused). */
  schema: AuditSchema;
  logger: Logger;
  /** Delay from a new entry to its checkpoint, in ms (`AUDIT_CHECKPOINT_SECONDS` × 1000; 0: every entry). */
  checkpointIntervalMs: number;
  /** How refusals are aggregated (`AUDIT_REFUSAL_WINDOW_SECONDS`, `AUDIT_REFUSAL_ROWS_PER_WINDOW`). */
  refusals: RefusalAggregatorOptions;
  /** The append queue's bound, retry delays and how long reads and close wait for it (auditQueue.ts). */
  queue?: AuditQueueOptions;
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
  private readonly checkpoints: AuditCheckpoints;
  private readonly refusals: RefusalAggregator;
  private readonly anchor: AnchorFile;
  private readonly queue: AuditQueue;
  private closing: Promise<void> | undefined;

  /**
   * Opens the log on `store`: reading its head and the anchor file (and writing the first
   * checkpoint of a new log) is the queue's first job, tried again until it succeeds; entries
   * recorded meanwhile wait behind it.
   */
  constructor(
    private readonly store: AuditRepository,
    private readonly options: AuditLogOptions,
  ) {
    const { key, logger, schema } = options;
    this.anchor = new AnchorFile(options.anchorPath);
    this.queue = new AuditQueue((fields) => this.append(fields), logger, options.queue);
    this.checkpoints = new AuditCheckpoints(this.anchor, key, logger, {
      intervalMs: options.checkpointIntervalMs,
      schema: schema.now,
      keyedSchema: schema.keyedFrom,
      readHead: () => store.head(),
      onDue: () => void this.checkpoint().catch(() => undefined),
    });
    void this.queue.run(() => this.open(), true);
    this.refusals = new RefusalAggregator((...args) => this.record(...args), options.refusals);
  }

  private async open(): Promise<void> {
    const head = await this.store.head();
    const keyed = await this.store.isKeyed();
    await this.checkpoints.open({
      head,
      keyed,
      schemaAtOpen: this.options.schema.atOpen,
      keyCreatedNow: this.options.keyCreatedNow ?? false,
    });
  }

  /** Stores one queued entry after the newest the log knows; a checkpoint follows when due (interval 0). */
  private async append(fields: AuditFields): Promise<void> {
    const row = await this.store.append(fields, this.options.key, this.checkpoints.current);
    if (this.checkpoints.appended({ seq: row.id, hash: row.hash })) await this.checkpoints.write();
  }

  /**
   * Records an entry: queued now, appended in order as number `n + 1` after the newest entry the
   * store holds (or, if entries were removed from it, the checkpoints know), chained to its hash
   * and MAC'd. Returns at once; {@link flushed} tells when it is stored.
   */
  record(action: AuditAction, actor: AuditActor, target = '', detail: Record<string, unknown> = {}): void {
    this.queue.append({
      actor_user_id: actor.userId ?? null,
      actor_email: actor.email ?? null,
      action,
      target,
      detail: JSON.stringify(detail),
      ip: actor.ip ?? '',
    });
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

  /**
   * Resolves when every entry recorded so far by this process is stored (and, with a checkpoint
   * after every entry, checkpointed). Refusals still being counted (recordThrottled) are not
   * recorded until their window ends.
   * @throws AuditBacklogError (HTTP 503) when that takes longer than the queue's flush timeout (10 s)
   */
  flushed(): Promise<void> {
    return this.queue.flushed();
  }

  /** The newest entries first: up to `limit` with an id below `beforeId`, after {@link flushed}. */
  async list(limit: number, beforeId?: number): Promise<AuditEntry[]> {
    await this.flushed();
    return (await this.store.list(limit, beforeId)).map(toEntry);
  }

  /**
   * After {@link flushed}, walks the whole chain (a page at a time) against the anchor file's
   * newest checkpoint, whichever instance wrote it, and names the first bad entry (auditVerifier.ts).
   */
  async verify(): Promise<AuditVerification> {
    await this.flushed();
    const anchor = this.anchor.read(this.options.key);
    return verifyAuditChain(chainRows(this.store), this.options.key, anchor);
  }

  /** Writes a checkpoint of the store's head now (if it moved since the last one), after what is queued. */
  checkpoint(): Promise<void> {
    return this.queue.run(() => this.checkpoints.write());
  }

  /**
   * Anchors the log again at the store's newest entry, with `note` saying why — after a backup
   * was restored, or when the anchor file was lost. It is logged and appended to the anchor file.
   * Resolves with the head anchored; rejects when the store cannot be read.
   */
  reanchor(note: string): Promise<ChainHead> {
    return this.queue.run(async () => {
      const head = (await this.store.head()) ?? { seq: 0, hash: GENESIS_HASH };
      const firstKeyed = await this.store.firstKeyedId();
      const legacy =
        this.checkpoints.legacyBoundary ?? (await this.store.entryBefore(firstKeyed ?? head.seq + 1));
      await this.checkpoints.reanchor(head, legacy, note);
      this.options.logger.warn({ head, note }, 'the audit log was re-anchored');
      return head;
    });
  }

  /**
   * Writes the pending refusal summaries and a last checkpoint, and waits (up to the flush timeout)
   * until every queued entry is stored (the server is stopping). Entries still not stored then are
   * logged (`auditEntry`, error) and dropped; entries recorded afterwards are logged, not stored.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.refusals.close();
      this.checkpoints.cancelScheduled();
      void this.checkpoint().catch(() => undefined);
      const deadline = Date.now() + this.queue.flushTimeoutMs;
      try {
        // Entries recorded while it waits are waited for too, within the same time.
        while (!this.queue.idle) await this.queue.flushed(Math.max(1, deadline - Date.now()));
      } catch (error) {
        this.options.logger.error({ err: error }, 'the audit log closed with entries not stored');
      }
      for (const fields of this.queue.stop()) {
        this.options.logger.error({ auditEntry: fields }, 'audit entry not stored before the stop');
      }
    })();
    return this.closing;
  }
}
