import type { PgMigration } from '../migrations';

/**
 * The PostgreSQL schema of the documents' Yjs state (run by migratePostgres,
 * `../migrations.ts`):
 *
 * - `document_heads`: one row per document with the id of its newest update.
 *   Every commit locks it (`FOR UPDATE`), so a document's commits are
 *   serialized across instances, its update ids run without gaps, and a
 *   clause lock set before a commit is seen by it.
 * - `document_updates`: the updates appended since the last compaction, with
 *   their author, numbered per document (1, 2, …).
 * - `document_states`: the compacted state and the id of the newest update it
 *   includes.
 * - `clause_edits`: which clauses each update touched, and by whom (kept for
 *   attribution through compaction).
 * - `document_client_ids`: who owns each Yjs client id with content in the
 *   document (clientIdOwners.ts), recorded in the commit that first uses it.
 * - `clause_locks`: the agreed clauses; a commit touching one is refused.
 */
export const DOCUMENT_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '001-documents',
    sql: `
      CREATE TABLE document_heads (
        document_id text PRIMARY KEY,
        last_update_id bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE document_updates (
        document_id text NOT NULL,
        id bigint NOT NULL,
        update_bytes bytea NOT NULL,
        user_id text NOT NULL,
        participant_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (document_id, id)
      );
      CREATE TABLE document_states (
        document_id text PRIMARY KEY,
        state bytea NOT NULL,
        state_encoding text NOT NULL,
        last_update_id bigint NOT NULL,
        compacted_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE clause_edits (
        document_id text NOT NULL,
        update_id bigint NOT NULL,
        clause_id text NOT NULL,
        participant_id text NOT NULL,
        user_id text NOT NULL,
        edited_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX clause_edits_by_document ON clause_edits (document_id, update_id);
      CREATE TABLE document_client_ids (
        document_id text NOT NULL,
        client_id bigint NOT NULL,
        user_id text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (document_id, client_id)
      );
      CREATE TABLE clause_locks (
        document_id text NOT NULL,
        clause_id text NOT NULL,
        locked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (document_id, clause_id)
      );
    `,
  },
];
