import type { PgMigration } from '../migrations';

/**
 * The PostgreSQL schema of amendments and of the audit log (run by
 * migratePostgres, `../migrations.ts`); the SQLite schema they mirror is in
 * store/migrations.ts.
 *
 * - `amendments`: AM 1, 2, 3… per document (`UNIQUE (document_id, number)`).
 *   Times are timestamptz from the database's clock (one clock for every
 *   instance), read back as `nowIso()` strings; `covers` is jsonb (an array
 *   of numbers), `compromise` a boolean.
 * - `amendment_numbers`: the newest number given in each document. Tabling
 *   takes the next one with INSERT … ON CONFLICT DO UPDATE … RETURNING in the
 *   statement that inserts the amendment: the row stays locked until that
 *   commits, so instances tabling at once get distinct numbers without gaps.
 * - `amendment_cosponsors`: one signature per delegation and amendment;
 *   `seq` keeps the order they signed in where two share a time (SQLite's rowid).
 * - `audit_log`: the hash chain (audit/auditChain.ts). `id` is the entry's
 *   sequence number, given by the appender under a lock of the table (see
 *   pgAuditRepository.ts), not by a sequence: the chain allows no gaps but
 *   those the checkpoints explain. `at` and `detail` are text (not
 *   timestamptz, jsonb): the hash covers their exact characters.
 *
 * Foreign keys as in SQLite: to `documents` (ON DELETE CASCADE),
 * `participants` and `users` of the identity schema (`100-identity`, applied
 * before this), and from `amendment_cosponsors` to `amendments` (ON DELETE
 * CASCADE). Tabling reads the newest named version's label from `versions`
 * (`300-versions`). `audit_log.actor_user_id` has none, as in SQLite: the
 * log outlives the accounts it names.
 */
export const AMENDMENTS_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '400-amendments',
    sql: `
      CREATE TABLE amendments (
        id text PRIMARY KEY,
        document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        number integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('modify', 'delete', 'insert')),
        clause_id text NOT NULL,
        clause_number text NOT NULL,
        base_text text NOT NULL,
        proposed_text text NOT NULL,
        base_version_label text,
        justification text NOT NULL DEFAULT '',
        proponent_participant_id text NOT NULL REFERENCES participants(id),
        tabled_by text NOT NULL REFERENCES users(id),
        tabled_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'tabled' CHECK (status IN ('tabled', 'withdrawn', 'accepted',
          'accepted-as-modified', 'covered-by-compromise', 'rejected', 'fallen')),
        decided_by text REFERENCES users(id),
        decided_at timestamptz,
        accepted_text text,
        fallen_reason text CHECK (fallen_reason IN ('clause-deleted', 'moot')),
        compromise boolean NOT NULL DEFAULT false,
        covers jsonb NOT NULL DEFAULT '[]',
        covered_by integer,
        created_clause_id text,
        UNIQUE (document_id, number)
      );
      CREATE INDEX amendments_by_clause ON amendments (document_id, clause_id, status);
      CREATE TABLE amendment_numbers (
        document_id text PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        last_number integer NOT NULL
      );
      CREATE TABLE amendment_cosponsors (
        amendment_id text NOT NULL REFERENCES amendments(id) ON DELETE CASCADE,
        participant_id text NOT NULL REFERENCES participants(id),
        user_id text NOT NULL REFERENCES users(id),
        at timestamptz NOT NULL DEFAULT now(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (amendment_id, participant_id)
      );
    `,
  },
  {
    name: '401-audit-log',
    sql: `
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY,
        at text NOT NULL,
        actor_user_id text,
        actor_email text,
        action text NOT NULL,
        target text NOT NULL DEFAULT '',
        detail text NOT NULL DEFAULT '{}',
        ip text NOT NULL DEFAULT '',
        prev_hash text NOT NULL,
        hash text NOT NULL,
        mac text
      );
    `,
  },
];
