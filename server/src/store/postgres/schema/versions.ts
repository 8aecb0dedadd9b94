import type { PgMigration } from '../migrations';

/**
 * The PostgreSQL schema of meetings and versions (run by migratePostgres,
 * `../migrations.ts`; read and written by `../pgVersionRepository.ts`),
 * mirroring the SQLite tables (server/src/store/migrations.ts):
 *
 * - `meetings`: the Work Plan of a process. `starts_on` / `ends_on` are ISO
 *   dates kept as text, as given (ordered as text, which is date order).
 * - `versions`: immutable versions of a document — the frozen Yjs state
 *   (deflated, `state_encoding`), structure, negotiation and amendments
 *   (JSON text, returned exactly as stored), the fingerprint, the newest
 *   update it includes (`last_update_id`: an id of `document_updates` of
 *   schema/documents.ts, numbered per document) and the change summary
 *   (`json`, not `jsonb`, so its text and key order stay as written).
 *   `created_at` is the service's clock (timestamptz; read back as ISO 8601
 *   UTC with milliseconds, `nowIso()`'s form).
 * - `seq` (both tables): insertion order, the tie-break SQLite's `rowid` gives
 *   between rows of the same time.
 *
 * Foreign keys as in SQLite: `meetings.process_id` → processes (ON DELETE
 * CASCADE), `versions.document_id` → documents (ON DELETE CASCADE),
 * `versions.meeting_id` → meetings (ON DELETE SET NULL), `versions.created_by`
 * → users; processes, documents and users are the identity schema's
 * (`100-identity`, applied before this step). The repository's reads also
 * join `participants` (authors' and clause editors' codes).
 */
export const VERSION_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '300-versions',
    sql: `
      CREATE TABLE meetings (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        process_id text NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
        starts_on text NOT NULL,
        ends_on text NOT NULL,
        date_label text NOT NULL,
        title text NOT NULL,
        place text NOT NULL,
        kind text NOT NULL
          CHECK (kind IN ('workshop', 'drafting-meeting', 'senior-officials-meeting', 'ministerial-conference'))
      );
      CREATE INDEX meetings_by_process ON meetings (process_id, starts_on);
      CREATE TABLE versions (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('named', 'automatic')),
        label text NOT NULL,
        note text NOT NULL DEFAULT '',
        meeting_id text REFERENCES meetings (id) ON DELETE SET NULL,
        state bytea NOT NULL,
        state_encoding text NOT NULL DEFAULT 'raw' CHECK (state_encoding IN ('raw', 'deflate')),
        structure text NOT NULL,
        negotiation text NOT NULL,
        amendments text,
        fingerprint text NOT NULL,
        last_update_id bigint NOT NULL,
        summary json NOT NULL,
        created_by text REFERENCES users (id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX versions_by_document ON versions (document_id, created_at DESC, seq DESC);
      CREATE INDEX versions_by_fingerprint ON versions (fingerprint, seq);
      CREATE INDEX versions_by_meeting ON versions (meeting_id);
    `,
  },
];
