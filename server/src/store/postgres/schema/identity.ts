import type { PgMigration } from '../migrations';

/**
 * The PostgreSQL schema of who takes part and may see what (run by
 * migratePostgres, `../migrations.ts`), mirroring the SQLite tables of
 * `store/migrations.ts`:
 *
 * - `participants`: state delegations and organisations (code unique).
 * - `users`: accounts, each of one participant. SQLite's `email … UNIQUE
 *   COLLATE NOCASE` folds ASCII letters only: here a unique index on the
 *   ASCII-folded address (`translate`, the same in every locale), which
 *   PgUserRepository.findByEmail compares with.
 * - `sessions`: sign-in sessions by the SHA-256 of their token.
 * - `processes` and `process_participants`: dialogues, their participants and
 *   each one's default role.
 * - `documents` and `document_roles`: a document's process, title, times, and
 *   the per-document role of a user (`none` removes access).
 *
 * Names, codes and titles are `COLLATE "C"`: lists are ordered by code
 * point, as SQLite's BINARY collation orders them, whatever the database's
 * locale. Times are `timestamptz`, read back as the ISO 8601 UTC strings
 * (milliseconds, `Z`) the SQLite store keeps.
 *
 * The Yjs tables of a document (`document_heads`, `document_states`,
 * `document_client_ids`, … of `001-documents`) carry no foreign key to
 * `documents`: they were created before it, and the collaboration core
 * writes them by document id alone.
 */
export const IDENTITY_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '100-identity',
    sql: `
      CREATE TABLE participants (
        id text PRIMARY KEY,
        code text COLLATE "C" NOT NULL UNIQUE,
        name text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL CHECK (kind IN ('state', 'organisation', 'eu-institution')),
        color text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL,
        name text COLLATE "C" NOT NULL,
        participant_id text NOT NULL REFERENCES participants(id),
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX users_email_nocase
        ON users (translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
      CREATE INDEX users_by_participant ON users (participant_id);
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      CREATE TABLE processes (
        id text PRIMARY KEY,
        name text COLLATE "C" NOT NULL UNIQUE,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL
      );
      CREATE TABLE process_participants (
        process_id text NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
        participant_id text NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        default_role text NOT NULL CHECK (default_role IN ('pen-holder', 'drafter', 'commenter', 'observer')),
        PRIMARY KEY (process_id, participant_id)
      );
      CREATE TABLE documents (
        id text PRIMARY KEY,
        process_id text NOT NULL REFERENCES processes(id),
        title text COLLATE "C" NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX documents_by_process ON documents (process_id);
      CREATE TABLE document_roles (
        document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('pen-holder', 'drafter', 'commenter', 'observer', 'none')),
        PRIMARY KEY (document_id, user_id)
      );
    `,
  },
];
