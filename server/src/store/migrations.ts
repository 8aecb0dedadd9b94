/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many
 * ran. Never edit a released migration: append a new one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation', 'eu-institution')),
    color TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX sessions_by_user ON sessions(user_id);
  CREATE TABLE processes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
  );
  CREATE TABLE process_participants (
    process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    default_role TEXT NOT NULL CHECK (default_role IN ('pen-holder', 'drafter', 'commenter', 'observer')),
    PRIMARY KEY (process_id, participant_id)
  );
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    process_id TEXT NOT NULL REFERENCES processes(id),
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE document_roles (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('pen-holder', 'drafter', 'commenter', 'observer', 'none')),
    PRIMARY KEY (document_id, user_id)
  );
  -- The Yjs state of a document: one compacted state row plus the updates appended since.
  CREATE TABLE document_states (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    state BLOB NOT NULL,
    last_update_id INTEGER NOT NULL,
    compacted_at TEXT NOT NULL
  );
  CREATE TABLE document_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    update_bytes BLOB NOT NULL,
    user_id TEXT,
    participant_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX document_updates_by_document ON document_updates(document_id, id);
  `,
  `
  -- Tamper-evident audit log: each entry carries the hash of the previous one.
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_user_id TEXT,
    actor_email TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    ip TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  `,
];
