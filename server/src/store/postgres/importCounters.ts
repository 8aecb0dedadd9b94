/**
 * PostgreSQL's own bookkeeping for the rows an import copied
 * (importSqlite.ts): what the SQLite store computes from its rows, or keeps
 * in `sqlite_sequence`, PostgreSQL keeps in rows and sequences of its own
 * (schema/*.ts), from which the servers allocate the next numbers. Each is
 * set past the imported maxima, so the next edit, event, amendment, status,
 * position and mention continue the numbering without reusing a number.
 */
import type { Queryable } from './queryable';

/** A derived table or counter and what it was set to (rows written, or the counter's last value). */
export interface DerivedCounter {
  name: string;
  /** Rows written (tables), or the value the next number follows (sequences). */
  value: number;
  unit: 'rows' | 'last';
}

/** SQL filling one derived table from the imported rows. */
const DERIVED_TABLES: readonly { name: string; sql: string }[] = [
  {
    // The id the document's next commit follows (update ids continue without a gap), and when it last changed:
    // the newest update's time or the document's own (what SQLite's document list shows).
    name: 'document_heads',
    sql: `INSERT INTO document_heads (document_id, last_update_id, updated_at)
      SELECT d.id,
        greatest(
          coalesce((SELECT s.last_update_id FROM document_states s WHERE s.document_id = d.id), 0),
          coalesce((SELECT max(u.id) FROM document_updates u WHERE u.document_id = d.id), 0),
          coalesce((SELECT max(e.update_id) FROM clause_edits e WHERE e.document_id = d.id), 0),
          coalesce((SELECT max(v.last_update_id) FROM versions v WHERE v.document_id = d.id), 0)),
        greatest(d.updated_at, coalesce((SELECT u.created_at FROM document_updates u WHERE u.document_id = d.id
          ORDER BY u.id DESC LIMIT 1), d.updated_at))
      FROM documents d`,
  },
  {
    // The clauses whose current status (newest history row) is agreed: every commit checks these.
    name: 'clause_locks',
    sql: `INSERT INTO clause_locks (document_id, clause_id, locked_at)
      SELECT document_id, clause_id, at FROM (
        SELECT DISTINCT ON (document_id, clause_id) document_id, clause_id, status, at
        FROM clause_status_history ORDER BY document_id, clause_id, id DESC) newest
      WHERE status = 'agreed'`,
  },
  {
    name: 'document_event_heads',
    sql: `INSERT INTO document_event_heads (document_id, last_seq)
      SELECT document_id, max(seq) FROM document_events GROUP BY document_id`,
  },
  {
    name: 'amendment_numbers',
    sql: `INSERT INTO amendment_numbers (document_id, last_number)
      SELECT document_id, max(number) FROM amendments GROUP BY document_id`,
  },
];

/** Identity columns given SQLite's ids: their sequences continue after the largest id SQLite ever gave. */
const IDENTITY_TABLES = ['clause_status_history', 'position_history'] as const;

async function lastValue(target: Queryable, sql: string): Promise<number> {
  const result = await target.query<{ last: string | null }>(sql);
  return Number(result.rows[0]?.last ?? 0);
}

/** Sets `sequence` so that its next value is `last + 1` (1 when `last` is 0). */
async function setSequence(target: Queryable, sequence: string, last: number): Promise<void> {
  await target.query('SELECT setval($1::regclass, $2, $3)', [sequence, Math.max(last, 1), last > 0]);
}

/**
 * Writes the derived tables and sets the sequences, in the import's
 * transaction (`target`), after every table was copied.
 * @param issued SQLite's `sqlite_sequence`: the largest id each AUTOINCREMENT table ever gave
 *   (rows deleted since included), by table name
 * @returns what each was set to, for the report
 */
export async function deriveCounters(
  target: Queryable,
  issued: Readonly<Record<string, number>>,
): Promise<DerivedCounter[]> {
  const derived: DerivedCounter[] = [];
  for (const { name, sql } of DERIVED_TABLES) {
    const result = await target.query(sql);
    derived.push({ name, value: result.rowCount ?? 0, unit: 'rows' });
  }
  for (const table of IDENTITY_TABLES) {
    const stored = await lastValue(target, `SELECT max(id) AS last FROM ${table}`);
    const last = Math.max(stored, issued[table] ?? 0);
    const sequence = await target.query<{ name: string }>("SELECT pg_get_serial_sequence($1, 'id') AS name", [
      table,
    ]);
    await setSequence(target, sequence.rows[0]?.name ?? '', last);
    derived.push({ name: `${table}.id`, value: last, unit: 'last' });
  }
  // Mention numbers: past every comment's and every read mark's (SQLite computes max + 1).
  const mentions = await lastValue(
    target,
    `SELECT greatest((SELECT max(mention_seq) FROM comments), (SELECT max(read_seq) FROM mention_reads)) AS last`,
  );
  await setSequence(target, 'comment_mention_seq', mentions);
  derived.push({ name: 'comment_mention_seq', value: mentions, unit: 'last' });
  return derived;
}
