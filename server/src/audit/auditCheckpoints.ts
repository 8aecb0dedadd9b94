/**
 * Writes checkpoints of the audit chain's head — to the anchor file and to
 * the server log — at most once per `AUDIT_CHECKPOINT_SECONDS` after new
 * entries (0: after every entry), and when the server stops. The head it
 * knows never goes back: it starts from the newer of the database's last
 * entry and the anchor file's checkpoint, so entries removed from the
 * database stay missing in every later checkpoint and the next entry
 * continues the chain from the true head (the gap shows in verification).
 *
 * Several instances on one database keep one chain: a checkpoint records
 * the head READ FROM THE STORE when it is written (the newer of it and the
 * head this instance knows), so every instance's anchor file covers every
 * instance's entries. Instances may share one anchor file: a checkpoint
 * chains (`prev`) to the file's newest checkpoint, whoever wrote it, and is
 * not written when that one already records the head or a newer one.
 *
 * Each checkpoint records the database's schema version and MACs the
 * previous checkpoint's MAC (`Checkpoint` v2). A missing anchor file is
 * started afresh only for a new database, or — the older entries anchored
 * as "legacy" — at the first start after the upgrade that keyed the chain,
 * and only when the audit key was made at this very start: when a key file
 * already existed (or `AUDIT_KEY` is set), a database found below the keyed
 * schema was downgraded by someone who wants forged entries anchored, and
 * checkpoints are withheld until an administrator re-anchors. A database
 * whose schema is below the one the anchor records is refused the same way.
 */
import type { Logger } from '../logger';
import type { AnchorFile } from './auditAnchor';
import { type Checkpoint, GENESIS_HASH, macOfCheckpoint, type UnsignedCheckpoint } from './auditChain';
import { chainHeadAfter } from './auditStore';

/** The newest entry of the chain: its sequence number (row id) and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The schema of the store the chain is in, as the checkpoints record and check it. */
export interface AuditSchema {
  /** Its version now (SQLite: `PRAGMA user_version` after migrations; PostgreSQL: schema steps applied). */
  now: number;
  /** Its version when it was opened, before migrations (0: a new database). */
  atOpen: number;
  /** The first version whose entries carry a MAC (SQLite: AUDIT_KEYED_SCHEMA_VERSION; PostgreSQL: 1). */
  keyedFrom: number;
}

export interface CheckpointOptions {
  /** Delay between a new entry and the checkpoint that covers it, in ms; 0 writes one after every entry. */
  intervalMs: number;
  /** The store's schema version now, recorded in every checkpoint. */
  schema: number;
  /** The first schema version whose entries carry a MAC (a log found below it was written unkeyed). */
  keyedSchema: number;
  /** The newest entry of the store (undefined when it is empty); rejects when it cannot be read. */
  readHead: () => Promise<ChainHead | undefined>;
  /** Called when a checkpoint is due after `intervalMs` (the owner then calls {@link AuditCheckpoints.write}). */
  onDue: () => void;
}

/** What the database holds when the audit log opens. */
export interface StoredChain {
  /** The newest row, if any. */
  head: ChainHead | undefined;
  /** Whether any row carries a MAC (the chain has been keyed before). */
  keyed: boolean;
  /** The schema version the database had when it was opened, before migrations (0: a new database). */
  schemaAtOpen: number;
  /** Whether the audit key file was created at this start (false when it existed, or `AUDIT_KEY` is set). */
  keyCreatedNow: boolean;
}

export class AuditCheckpoints {
  private head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  private written = -1;
  /** The last entry written before the chain was keyed (seq 0: none). */
  private legacy: ChainHead = { seq: 0, hash: GENESIS_HASH };
  /** Set when checkpoints must not be written (the anchor was lost or altered): verification says so. */
  private withheld: string | undefined;
  /** The MAC of the newest checkpoint this instance wrote or found ('' when none): `prev` when the file has none. */
  private lastMac = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly anchor: AnchorFile,
    private readonly key: Buffer,
    private readonly logger: Logger,
    private readonly options: CheckpointOptions,
  ) {}

  /**
   * Reads the anchor file and decides the head; writes the first checkpoint of a new or upgraded log.
   * @throws when the anchor file cannot be read (not when it is missing)
   */
  async open(stored: StoredChain): Promise<void> {
    const reading = this.anchor.read(this.key);
    if (reading.state === 'ok') {
      this.openAnchored(reading.checkpoint, stored);
      return;
    }
    this.head = stored.head ?? this.head;
    if (reading.state === 'missing' && !stored.keyed) {
      const newDatabase = stored.schemaAtOpen === 0 && this.head.seq === 0;
      const upgradedNow = stored.schemaAtOpen > 0 && stored.schemaAtOpen < this.options.keyedSchema;
      if (newDatabase) {
        await this.write('new audit log');
        if (!stored.keyCreatedNow) {
          this.logger.warn(
            { anchor: this.anchor.path },
            'a new database and no anchor file, but the audit key existed before this start: if a database was replaced, its audit log is gone',
          );
        }
        return;
      }
      if (upgradedNow && stored.keyCreatedNow) {
        await this.anchorLegacy();
        return;
      }
      if (upgradedNow) {
        this.withhold(
          `the database is below the keyed audit schema (version ${stored.schemaAtOpen}) although an audit key existed before this start: it may have been downgraded to have forged entries anchored; check it, then re-anchor (pnpm admin audit:reanchor)`,
          { schemaAtOpen: stored.schemaAtOpen },
        );
        return;
      }
    }
    this.withhold(`the audit anchor file ${this.anchor.path} is ${reading.state}`, {
      state: reading.state,
    });
  }

  /** Opens against the anchor file's newest checkpoint. */
  private openAnchored(checkpoint: Checkpoint, stored: StoredChain): void {
    this.legacy = { seq: checkpoint.legacyThrough, hash: checkpoint.legacyHead };
    this.written = checkpoint.seq;
    this.lastMac = checkpoint.mac;
    const storedSeq = stored.head?.seq ?? 0;
    this.head =
      storedSeq >= checkpoint.seq && stored.head
        ? stored.head
        : { seq: checkpoint.seq, hash: checkpoint.head };
    if (storedSeq < checkpoint.seq) {
      this.logger.error(
        { storedSeq, checkpoint: { seq: checkpoint.seq, at: checkpoint.at } },
        'the audit log has lost entries recorded by its last checkpoint; new entries continue after them',
      );
    }
    if (checkpoint.v === 2 && stored.schemaAtOpen > 0 && stored.schemaAtOpen < checkpoint.schema) {
      this.withhold(
        `the database's schema version ${stored.schemaAtOpen} is below version ${checkpoint.schema}, which the audit anchor records: it was downgraded or an older backup restored; check it, then re-anchor (pnpm admin audit:reanchor)`,
        { schemaAtOpen: stored.schemaAtOpen, anchoredSchema: checkpoint.schema },
      );
    }
  }

  /** The first start after the upgrade that keyed the chain: the older entries are anchored as they are. */
  private async anchorLegacy(): Promise<void> {
    this.legacy = this.head;
    await this.write('entries before this were written unkeyed, anchored at upgrade');
    this.logger.warn(
      { legacyThrough: this.head.seq },
      'audit log upgraded: its older, unkeyed entries are anchored',
    );
  }

  /** Stops writing checkpoints until an administrator re-anchors; logged as an error. */
  private withhold(why: string, context: Record<string, unknown>): void {
    this.withheld = why;
    this.logger.error(
      { anchor: this.anchor.path, ...context, why },
      'audit checkpoints are withheld until an administrator re-anchors (pnpm admin audit:reanchor)',
    );
  }

  /** The head new entries chain to. */
  get current(): ChainHead {
    return this.head;
  }

  /**
   * Records that `head` was appended. True when a checkpoint is due now (interval 0: the caller
   * writes it before the next entry); else one is scheduled (`onDue`) unless one already is.
   */
  appended(head: ChainHead): boolean {
    this.head = chainHeadAfter(head, this.head);
    if (this.options.intervalMs === 0) return true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.options.onDue();
    }, this.options.intervalMs).unref();
    return false;
  }

  /**
   * Writes a checkpoint of the chain's head — the newer of the store's newest entry and the head
   * this instance knows — unless checkpoints are withheld, or it was written already, or the anchor
   * file's newest checkpoint (another instance's, when they share the file) records it or a newer
   * one. `force` (re-anchoring) writes in any case. Failures (the store unreadable, a full disk)
   * are logged, never thrown: the audit goes on, and the next entry or the stop tries again.
   */
  async write(note?: string, force = false): Promise<void> {
    if (this.withheld) return;
    try {
      this.head = chainHeadAfter(await this.options.readHead(), this.head);
    } catch (error) {
      this.logger.error({ err: error }, 'could not read the audit chain head for a checkpoint');
      return;
    }
    if (!force && this.head.seq === this.written) return;
    const newest = this.newestInFile();
    if (!force && newest && newest.seq >= this.head.seq) {
      this.written = this.head.seq;
      this.lastMac = newest.mac;
      return;
    }
    const fields: UnsignedCheckpoint = {
      v: 2,
      seq: this.head.seq,
      head: this.head.hash,
      at: new Date().toISOString(),
      legacyThrough: this.legacy.seq,
      legacyHead: this.legacy.hash,
      schema: this.options.schema,
      prev: newest?.mac ?? this.lastMac,
      ...(note ? { note } : {}),
    };
    const checkpoint: Checkpoint = { ...fields, mac: macOfCheckpoint(this.key, fields) };
    this.logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    try {
      this.anchor.append(checkpoint);
      this.written = checkpoint.seq;
      this.lastMac = checkpoint.mac;
    } catch (error) {
      this.logger.error(
        { err: error, anchor: this.anchor.path },
        'could not append to the audit anchor file',
      );
    }
  }

  /** The anchor file's newest valid checkpoint (any instance's); undefined when there is none or it cannot be read. */
  private newestInFile(): Checkpoint | undefined {
    try {
      const reading = this.anchor.read(this.key);
      return reading.state === 'ok' ? reading.checkpoint : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Starts a new anchor at `head` (the database's newest entry), with `note` saying why: after a
   * backup was restored (the database is behind the anchor), or when the anchor file was lost.
   * @param legacy the last entry that may be unkeyed (kept from the old anchor when there is one)
   */
  async reanchor(head: ChainHead, legacy: ChainHead, note: string): Promise<void> {
    this.head = head;
    this.legacy = legacy;
    this.withheld = undefined;
    this.written = -1;
    await this.write(note, true);
  }

  /** The last entry that may be unkeyed, as the anchor says; undefined when there is no valid anchor. */
  get legacyBoundary(): ChainHead | undefined {
    return this.withheld ? undefined : this.legacy;
  }

  /** Cancels a scheduled checkpoint (the server is stopping: the owner writes a last one). */
  cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
