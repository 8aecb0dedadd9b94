/**
 * What `pnpm admin import-sqlite` copies from the embedded store's SQLite
 * file (schema: store/migrations.ts) into PostgreSQL (schema/*.ts), table by
 * table, and how each column's value is converted — the one place SQLite's
 * types become PostgreSQL's (ColumnKind here; the conversion is `pgValue`,
 * importCopy.ts). Tables and columns are named alike on both sides;
 * PostgreSQL's own bookkeeping (heads, counters, locks) is derived afterwards
 * (importCounters.ts).
 */

/**
 * How a column's SQLite value becomes PostgreSQL's:
 * - `text`, `integer`: as they are;
 * - `boolean`: 0/1 → false/true;
 * - `time`: ISO 8601 text → timestamptz (the same instant; read back in `nowIso()`'s form);
 * - `json`, `jsonb`: JSON text → json (its text kept as written) / jsonb;
 * - `codes`: a JSON array of strings → text[];
 * - `bytes`: BLOB → bytea (Yjs states and updates, byte for byte).
 */
export type ColumnKind = 'text' | 'integer' | 'boolean' | 'time' | 'json' | 'jsonb' | 'codes' | 'bytes';

/** One table to copy. */
export interface TableCopy {
  /** Its name, the same in both schemas. */
  table: string;
  /** Every column of the SQLite table (the same names in PostgreSQL) and how it is converted. */
  columns: Readonly<Record<string, ColumnKind>>;
  /** SQLite expressions read in place of a column: a fallback where PostgreSQL requires a value SQLite may lack. */
  read?: Readonly<Record<string, string>>;
  /** The order rows are copied in: SQLite's insertion order, which PostgreSQL's `seq` columns then keep. */
  order: string;
  /** Its `id` is an identity column in PostgreSQL, given SQLite's value (`OVERRIDING SYSTEM VALUE`). */
  identity?: boolean;
}

/** Who wrote an update stored without its author (the columns were optional in early schemas). */
export const UNKNOWN_UPDATE_AUTHOR = 'unknown';

/**
 * Every table of the SQLite schema, parents before children (foreign keys).
 * A clause edit stored before edits kept their time (`edited_at` null) takes
 * its update's time — what SQLite shows for it — or, its update compacted
 * away, the document's `updated_at` (PostgreSQL requires one).
 */
export const TABLES: readonly TableCopy[] = [
  {
    table: 'participants',
    columns: { id: 'text', code: 'text', name: 'text', kind: 'text', color: 'text', created_at: 'time' },
    order: 'rowid',
  },
  {
    table: 'users',
    columns: {
      id: 'text',
      email: 'text',
      name: 'text',
      participant_id: 'text',
      password_hash: 'text',
      is_admin: 'boolean',
      created_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'sessions',
    columns: { token_hash: 'text', user_id: 'text', created_at: 'time', expires_at: 'time' },
    order: 'rowid',
  },
  {
    table: 'processes',
    columns: { id: 'text', name: 'text', description: 'text', created_at: 'time' },
    order: 'rowid',
  },
  {
    table: 'process_participants',
    columns: { process_id: 'text', participant_id: 'text', default_role: 'text' },
    order: 'rowid',
  },
  {
    table: 'documents',
    columns: { id: 'text', process_id: 'text', title: 'text', created_at: 'time', updated_at: 'time' },
    order: 'rowid',
  },
  {
    table: 'document_roles',
    columns: { document_id: 'text', user_id: 'text', role: 'text' },
    order: 'rowid',
  },
  {
    table: 'document_states',
    columns: {
      document_id: 'text',
      state: 'bytes',
      state_encoding: 'text',
      last_update_id: 'integer',
      compacted_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'document_updates',
    columns: {
      id: 'integer',
      document_id: 'text',
      update_bytes: 'bytes',
      user_id: 'text',
      participant_id: 'text',
      created_at: 'time',
    },
    read: {
      user_id: `coalesce(user_id, '${UNKNOWN_UPDATE_AUTHOR}')`,
      participant_id: "coalesce(participant_id, '')",
    },
    order: 'id',
  },
  {
    table: 'clause_edits',
    columns: {
      document_id: 'text',
      update_id: 'integer',
      clause_id: 'text',
      participant_id: 'text',
      user_id: 'text',
      edited_at: 'time',
    },
    read: {
      edited_at: `coalesce(edited_at,
        (SELECT u.created_at FROM document_updates u WHERE u.id = clause_edits.update_id),
        (SELECT d.updated_at FROM documents d WHERE d.id = clause_edits.document_id))`,
    },
    order: 'rowid',
  },
  {
    table: 'document_client_ids',
    columns: { document_id: 'text', client_id: 'integer', user_id: 'text', first_seen_at: 'time' },
    order: 'document_id, client_id',
  },
  { table: 'document_events', columns: { document_id: 'text', seq: 'integer', at: 'time' }, order: 'rowid' },
  {
    table: 'clause_status_history',
    columns: {
      id: 'integer',
      document_id: 'text',
      clause_id: 'text',
      status: 'text',
      user_id: 'text',
      at: 'time',
    },
    order: 'id',
    identity: true,
  },
  {
    table: 'position_history',
    columns: {
      id: 'integer',
      document_id: 'text',
      clause_id: 'text',
      participant_id: 'text',
      position: 'text',
      note: 'text',
      user_id: 'text',
      at: 'time',
    },
    order: 'id',
    identity: true,
  },
  {
    table: 'brackets',
    columns: {
      id: 'text',
      document_id: 'text',
      clause_id: 'text',
      proponent_participant_id: 'text',
      created_by: 'text',
      created_at: 'time',
      resolution: 'text',
      kept_index: 'integer',
      resolved_by: 'text',
      resolved_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'bracket_alternatives',
    columns: {
      document_id: 'text',
      bracket_id: 'text',
      idx: 'integer',
      text: 'text',
      proponent_participant_id: 'text',
    },
    order: 'rowid',
  },
  {
    table: 'comment_threads',
    columns: {
      id: 'text',
      document_id: 'text',
      clause_id: 'text',
      anchor: 'json',
      author_id: 'text',
      created_at: 'time',
      resolved_by: 'text',
      resolved_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'comments',
    columns: {
      id: 'text',
      thread_id: 'text',
      author_id: 'text',
      body: 'text',
      mentions: 'codes',
      mention_seq: 'integer',
      created_at: 'time',
      edited_at: 'time',
      deleted_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'mention_reads',
    columns: { user_id: 'text', thread_id: 'text', read_seq: 'integer', read_at: 'time' },
    order: 'rowid',
  },
  {
    table: 'meetings',
    columns: {
      id: 'text',
      process_id: 'text',
      starts_on: 'text',
      ends_on: 'text',
      date_label: 'text',
      title: 'text',
      place: 'text',
      kind: 'text',
    },
    order: 'rowid',
  },
  {
    table: 'versions',
    columns: {
      id: 'text',
      document_id: 'text',
      kind: 'text',
      label: 'text',
      note: 'text',
      meeting_id: 'text',
      state: 'bytes',
      state_encoding: 'text',
      structure: 'text',
      negotiation: 'text',
      amendments: 'text',
      fingerprint: 'text',
      last_update_id: 'integer',
      summary: 'json',
      created_by: 'text',
      created_at: 'time',
    },
    order: 'rowid',
  },
  {
    table: 'amendments',
    columns: {
      id: 'text',
      document_id: 'text',
      number: 'integer',
      kind: 'text',
      clause_id: 'text',
      clause_number: 'text',
      base_text: 'text',
      proposed_text: 'text',
      base_version_label: 'text',
      justification: 'text',
      proponent_participant_id: 'text',
      tabled_by: 'text',
      tabled_at: 'time',
      status: 'text',
      decided_by: 'text',
      decided_at: 'time',
      accepted_text: 'text',
      fallen_reason: 'text',
      compromise: 'boolean',
      covers: 'jsonb',
      covered_by: 'integer',
      created_clause_id: 'text',
    },
    order: 'rowid',
  },
  {
    table: 'amendment_cosponsors',
    columns: { amendment_id: 'text', participant_id: 'text', user_id: 'text', at: 'time' },
    order: 'rowid',
  },
  {
    // Verbatim: `at` and `detail` are text on both sides, as the entries' hashes and MACs cover them.
    table: 'audit_log',
    columns: {
      id: 'integer',
      at: 'text',
      actor_user_id: 'text',
      actor_email: 'text',
      action: 'text',
      target: 'text',
      detail: 'text',
      ip: 'text',
      prev_hash: 'text',
      hash: 'text',
      mac: 'text',
    },
    order: 'id',
  },
];
