import { type AuditRow, GENESIS_HASH } from '../../audit/auditChain';
import type { AuditSchema, ChainHead } from '../../audit/auditCheckpoints';
import { type AuditFields, type AuditRepository, chainedEntry, chainHeadAfter } from '../../audit/auditStore';
import { isoText } from './isoTime';
import { bigintOf, type Queryable } from './queryable';
import { transactionOn } from './transactionOn';

type StoredAuditRow = Omit<AuditRow, 'id'> & { id: string };

const AUDIT_COLUMNS = 'id, at, actor_user_id, actor_email, action, target, detail, ip, prev_hash, hash, mac';

/** The statement inserting one audit row as it is (values: auditRowValues). */
export const INSERT_AUDIT_ROW = `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

/** A row's values in AUDIT_COLUMNS' order. */
export function auditRowValues(row: AuditRow): unknown[] {
  return [
    row.id,
    row.at,
    row.actor_user_id,
    row.actor_email,
    row.action,
    row.target,
    row.detail,
    row.ip,
    row.prev_hash,
    row.hash,
    row.mac,
  ];
}

function toRow(row: StoredAuditRow): AuditRow {
  return { ...row, id: bigintOf(row.id) };
}

function toHead(row: { id: string; hash: string } | undefined): ChainHead | undefined {
  return row ? { seq: bigintOf(row.id), hash: row.hash } : undefined;
}

/**
 * The audit chain in PostgreSQL (`audit_log`, schema/amendments.ts), the
 * same rows as AuditStore keeps in SQLite (audit/auditStore.ts), appended to
 * by any number of server instances: ONE chain. An append locks the table
 * against other writers (`LOCK TABLE … IN EXCLUSIVE MODE`, held to the end of
 * its transaction; reads go on), then reads the head, numbers, chains and
 * MACs the entry and inserts it — so two instances never chain to the same
 * head. Entry times are the database's clock, taken under the lock, so they
 * never go back along the chain. Built on a Queryable: the pool, or a
 * client inside a READ COMMITTED transaction (its append then holds the lock
 * until that transaction ends).
 */
export class PgAuditRepository implements AuditRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Appends an entry after the newer of the stored head and `floor` (the head
   * the checkpoints know), chained and MAC'd with `key`, at the database's
   * time now (ISO 8601 UTC, milliseconds). Returns the row written; the
   * database's error when it cannot be written (nothing is then appended).
   */
  append(fields: AuditFields, key: Buffer, floor: ChainHead): Promise<AuditRow> {
    return transactionOn(this.db, async (client) => {
      await client.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
      const current = await client.query<{ at: string; id: string | null; hash: string | null }>(
        `SELECT ${isoText('clock_timestamp()')} AS at, h.id, h.hash
         FROM (SELECT 1) AS now LEFT JOIN (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) AS h ON true`,
      );
      const found = current.rows[0];
      if (!found) throw new Error('the audit head could not be read');
      const stored =
        found.id !== null && found.hash !== null ? toHead({ id: found.id, hash: found.hash }) : undefined;
      const row = chainedEntry(fields, found.at, chainHeadAfter(stored, floor), key);
      await client.query(INSERT_AUDIT_ROW, auditRowValues(row));
      return row;
    });
  }

  /** The newest entry (undefined when the log is empty). */
  async head(): Promise<ChainHead | undefined> {
    const result = await this.db.query<{ id: string; hash: string }>(
      'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1',
    );
    return toHead(result.rows[0]);
  }

  /** Whether any entry carries a MAC (the chain was keyed before). */
  async isKeyed(): Promise<boolean> {
    const result = await this.db.query<{ keyed: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM audit_log WHERE mac IS NOT NULL) AS keyed',
    );
    return result.rows[0]?.keyed ?? false;
  }

  /** Up to `limit` entries with an id below `beforeId` (all when omitted), newest first. */
  async list(limit: number, beforeId?: number): Promise<AuditRow[]> {
    const result = await this.db.query<StoredAuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2`,
      [Math.ceil(beforeId ?? Number.MAX_SAFE_INTEGER), limit],
    );
    return result.rows.map(toRow);
  }

  /** Up to `limit` entries with an id above `afterId`, oldest first. */
  async rowsAfter(afterId: number, limit: number): Promise<AuditRow[]> {
    const result = await this.db.query<StoredAuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`,
      [Math.floor(afterId), limit],
    );
    return result.rows.map(toRow);
  }

  /** The id of the oldest entry with a MAC; undefined when none has one. */
  async firstKeyedId(): Promise<number | undefined> {
    const result = await this.db.query<{ id: string | null }>(
      'SELECT min(id) AS id FROM audit_log WHERE mac IS NOT NULL',
    );
    const id = result.rows[0]?.id;
    return id === null || id === undefined ? undefined : bigintOf(id);
  }

  /** The newest entry before id `id` (the genesis, seq 0, when there is none). */
  async entryBefore(id: number): Promise<ChainHead> {
    const result = await this.db.query<{ id: string; hash: string }>(
      'SELECT id, hash FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 1',
      [Math.ceil(id)],
    );
    return toHead(result.rows[0]) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** The hash of entry `id`; undefined when there is none. */
  async hashOf(id: number): Promise<string | undefined> {
    if (!Number.isInteger(id)) return undefined;
    const result = await this.db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE id = $1', [id]);
    return result.rows[0]?.hash;
  }
}

/**
 * The PostgreSQL schema as the audit checkpoints record it (AuditSchema): `now` the schema steps
 * applied (`draftroom_migrations`), `keyedFrom` 1 (its audit_log carries MACs from its first step),
 * `atOpen` 0 while the log is empty (a new log: its first checkpoint is written, as for a new
 * SQLite file), else `now`. Read after migratePostgres.
 */
export async function pgAuditSchema(db: Queryable): Promise<AuditSchema> {
  const result = await db.query<{ steps: string; empty: boolean }>(
    'SELECT (SELECT count(*) FROM draftroom_migrations) AS steps, NOT EXISTS (SELECT 1 FROM audit_log) AS empty',
  );
  const row = result.rows[0];
  const now = Number(row?.steps ?? 0);
  return { now, atOpen: row?.empty ? 0 : now, keyedFrom: 1 };
}
