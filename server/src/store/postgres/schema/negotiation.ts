import type { PgMigration } from '../migrations';

/**
 * The PostgreSQL schema of the negotiation records (run by migratePostgres,
 * `../migrations.ts`; read and written by `../pgNegotiationRepository.ts` and
 * `../pgCommentRepository.ts`), mirroring the SQLite tables of
 * `store/migrations.ts`:
 *
 * - `document_event_heads`: one row per document with the number of its
 *   newest negotiation event. Allocating a number increments it (`INSERT …
 *   ON CONFLICT DO UPDATE … RETURNING`), which holds the row's lock until the
 *   allocation commits: instances allocating at once get 1, 2, 3… once each,
 *   committed in order. SQLite computes max+1 over `document_events` instead.
 * - `document_events`: each allocated number and when.
 * - `clause_status_history`, `position_history`: every status and position
 *   ever set; the current one is the newest `id` (an identity column, as
 *   SQLite's AUTOINCREMENT) per clause, or per clause and participant.
 * - `brackets`, `bracket_alternatives`: bracket ids are scoped per document
 *   (keys `(document_id, id)`), alternatives numbered 0, 1, 2… per bracket.
 * - `comment_threads`, `comments`: `anchor` is `json` (not `jsonb`: its text
 *   and key order stay as written); `mentions` the mentioned participant
 *   codes (`text[]`, in order). `seq` (both tables) is insertion order, the
 *   tie-break SQLite's `rowid` gives between rows of the same time.
 * - `comment_mention_seq`: the global, increasing mention sequence. A write
 *   of a comment takes its thread's row lock (`FOR NO KEY UPDATE`: read
 *   marks, whose foreign-key check only shares the row, do not wait) before
 *   drawing a number, so within a thread the numbers commit in increasing
 *   order and a read mark (`mention_reads.read_seq`, the thread's highest
 *   committed number when read) never covers a mention committed after it.
 *   SQLite computes max+1 instead.
 * - `mention_reads`: how far each user has read each thread's mentions.
 *
 * Clause, bracket and thread ids are `COLLATE "C"` where the store orders
 * by them, so they sort by code point as SQLite's BINARY collation does.
 * Times are `timestamptz` written with the service's clock (`nowIso()`) and
 * read back as the ISO 8601 UTC strings the SQLite store keeps. Foreign keys
 * are SQLite's: to `documents`, `users` and `participants` of the identity
 * schema (`100-identity`, applied before this step), with the same cascades.
 */
export const NEGOTIATION_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '200-negotiation',
    sql: `
      CREATE TABLE document_event_heads (
        document_id text PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
        last_seq bigint NOT NULL
      );
      CREATE TABLE document_events (
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (document_id, seq)
      );
      CREATE TABLE clause_status_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        clause_id text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'bracketed', 'agreed-ad-referendum', 'agreed')),
        user_id text NOT NULL REFERENCES users (id),
        at timestamptz NOT NULL
      );
      CREATE INDEX clause_status_history_by_clause ON clause_status_history (document_id, clause_id, id);
      CREATE TABLE position_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        clause_id text COLLATE "C" NOT NULL,
        participant_id text NOT NULL REFERENCES participants (id),
        position text NOT NULL,
        note text NOT NULL DEFAULT '',
        user_id text NOT NULL REFERENCES users (id),
        at timestamptz NOT NULL
      );
      CREATE INDEX position_history_by_clause ON position_history (document_id, clause_id, participant_id, id);
      CREATE TABLE brackets (
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        id text COLLATE "C" NOT NULL,
        clause_id text NOT NULL,
        proponent_participant_id text NOT NULL REFERENCES participants (id),
        created_by text NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL,
        resolution text CHECK (resolution IN ('kept', 'dropped')),
        kept_index integer,
        resolved_by text REFERENCES users (id),
        resolved_at timestamptz,
        PRIMARY KEY (document_id, id)
      );
      CREATE TABLE bracket_alternatives (
        document_id text NOT NULL,
        bracket_id text COLLATE "C" NOT NULL,
        idx integer NOT NULL,
        text text NOT NULL,
        proponent_participant_id text NOT NULL REFERENCES participants (id),
        PRIMARY KEY (document_id, bracket_id, idx),
        FOREIGN KEY (document_id, bracket_id) REFERENCES brackets (document_id, id) ON DELETE CASCADE
      );
      CREATE TABLE comment_threads (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        clause_id text NOT NULL,
        anchor json,
        author_id text NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL,
        resolved_by text REFERENCES users (id),
        resolved_at timestamptz
      );
      CREATE INDEX comment_threads_by_document ON comment_threads (document_id, created_at, seq);
      CREATE SEQUENCE comment_mention_seq;
      CREATE TABLE comments (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        thread_id text NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
        author_id text NOT NULL REFERENCES users (id),
        body text NOT NULL,
        mentions text[] NOT NULL DEFAULT '{}',
        mention_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        edited_at timestamptz,
        deleted_at timestamptz
      );
      CREATE INDEX comments_by_thread ON comments (thread_id, created_at, seq);
      CREATE INDEX comments_by_mention ON comments USING gin (mentions);
      CREATE TABLE mention_reads (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        thread_id text NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
        read_seq bigint NOT NULL,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, thread_id)
      );
    `,
  },
];
