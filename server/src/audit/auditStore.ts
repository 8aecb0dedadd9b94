/**
 * The audit chain's storage in SQLite (`audit_log`): appending an entry
 * (numbered, chained and MAC'd inside one transaction, auditChain.ts) and
 * reading entries back. AuditLog (auditLog.ts) adds the checkpoints and the
 * refusal aggregation on top; PostgreSQL has the same storage in
 * store/postgres/pgAuditRepository.ts.
 */
import { type AsyncOf, asyncOf } from '../store/asyncOf';
import type { SqliteDatabase } from '../store/database';
import { type AuditRow, GENESIS_HASH, hashAuditEntry, macOfEntry } from './auditChain';
import type { ChainHead } from './auditCheckpoints';

/** What an entry says; the store gives its number, time, previous hash, hash and MAC. */
export type AuditFields = Omit<AuditRow, 'id' | 'at' | 'prev_hash' | 'hash' | 'mac'>;

/**
 * The entry that follows `previous`, written at `at`: numbered `previous.seq + 1`,
 * chained to `previous.hash`, MAC'd with `key`.
 */
export function chainedEntry(fields: AuditFields, at: string, previous: ChainHead, key: Buffer): AuditRow {
  const unsigned = { ...fields, id: previous.seq + 1, at, prev_hash: previous.hash };
  const hash = hashAuditEntry(unsigned);
  return { ...unsigned, hash, mac: macOfEntry(key, unsigned.id, hash) };
}

/** The newer of the stored head and `floor` (the head the checkpoints know, which never goes back). */
export function chainHeadAfter(stored: ChainHead | undefined, floor: ChainHead): ChainHead {
  return stored && stored.seq >= floor.seq ? stored : floor;
}

/**
 * Every entry of `store` in id order, read `pageSize` rows at a time (for verifyAuditChain). Pages
 * are read one after the other, not in one snapshot: entries appended meanwhile may be included.
 */
export async function* chainRows(
  store: Pick<AuditRepository, 'rowsAfter'>,
  pageSize = 1000,
): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await store.rowsAfter(after, pageSize);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = last.id;
  }
}

/**
 * The `audit_log` table of a SQLite database: appends run in an immediate
 * transaction (one writer at a time: the database's own lock), reads are
 * plain queries. Rows come back as stored (AuditRow: snake_case, `detail` as
 * JSON text, `mac` null on entries from before the chain was keyed).
 */
export class AuditStore {
  private readonly lastRow;
  private readonly insertRow;

  constructor(private readonly db: SqliteDatabase) {
    this.lastRow = db.prepare<[], ChainHead>(
      'SELECT id AS seq, hash FROM audit_log ORDER BY id DESC LIMIT 1',
    );
    this.insertRow = db.prepare(
      `INSERT INTO audit_log (id, at, actor_user_id, actor_email, action, target, detail, ip, prev_hash, hash, mac)
       VALUES (@id, @at, @actor_user_id, @actor_email, @action, @target, @detail, @ip, @prev_hash, @hash, @mac)`,
    );
  }

  /**
   * Appends an entry after the newer of the stored head and `floor` (the head
   * the checkpoints know: entries removed from the database are not numbered
   * again), chained and MAC'd with `key`, at the time now (ISO 8601 UTC), in
   * one immediate transaction. Returns the row written.
   */
  append(fields: AuditFields, key: Buffer, floor: ChainHead): AuditRow {
    const write = this.db.transaction(() => {
      const previous = chainHeadAfter(this.lastRow.get(), floor);
      const row = chainedEntry(fields, new Date().toISOString(), previous, key);
      this.insertRow.run(row);
      return row;
    });
    return write.immediate();
  }

  /** The newest entry (undefined when the log is empty). */
  head(): ChainHead | undefined {
    return this.lastRow.get();
  }

  /** Whether any entry carries a MAC (the chain was keyed before). */
  isKeyed(): boolean {
    return this.db.prepare('SELECT 1 FROM audit_log WHERE mac IS NOT NULL LIMIT 1').get() !== undefined;
  }

  /** Up to `limit` entries with an id below `beforeId` (all when omitted), newest first. */
  list(limit: number, beforeId?: number): AuditRow[] {
    return this.db
      .prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
      .all(beforeId ?? Number.MAX_SAFE_INTEGER, limit);
  }

  /** Up to `limit` entries with an id above `afterId`, oldest first. */
  rowsAfter(afterId: number, limit: number): AuditRow[] {
    return this.db
      .prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit);
  }

  /** The id of the oldest entry with a MAC; undefined when none has one. */
  firstKeyedId(): number | undefined {
    return (
      this.db
        .prepare<[], { id: number | null }>('SELECT min(id) AS id FROM audit_log WHERE mac IS NOT NULL')
        .get()?.id ?? undefined
    );
  }

  /** The newest entry before id `id` (the genesis, seq 0, when there is none). */
  entryBefore(id: number): ChainHead {
    return (
      this.db
        .prepare<[number], ChainHead>(
          'SELECT id AS seq, hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1',
        )
        .get(id) ?? { seq: 0, hash: GENESIS_HASH }
    );
  }

  /** The hash of entry `id`; undefined when there is none. */
  hashOf(id: number): string | undefined {
    return this.db.prepare<[number], { hash: string }>('SELECT hash FROM audit_log WHERE id = ?').get(id)
      ?.hash;
  }
}

/**
 * The audit chain's storage as the services use it, asynchronous: SQLite
 * ({@link sqliteAuditRepository}) or PostgreSQL
 * (store/postgres/pgAuditRepository.ts, where appends from every instance
 * keep one chain). Each method is the AuditStore method of the same name.
 */
export type AuditRepository = AsyncOf<
  Pick<
    AuditStore,
    'append' | 'head' | 'isKeyed' | 'list' | 'rowsAfter' | 'firstKeyedId' | 'entryBefore' | 'hashOf'
  >
>;

/** The SQLite AuditStore as an AuditRepository (each call runs at once). */
export function sqliteAuditRepository(store: AuditStore): AuditRepository {
  return asyncOf(store, [
    'append',
    'head',
    'isKeyed',
    'list',
    'rowsAfter',
    'firstKeyedId',
    'entryBefore',
    'hashOf',
  ]);
}
