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
  `
  -- Negotiation layer: per-clause status, delegation positions, brackets, comment threads.
  -- Each document numbers its negotiation events 1, 2, 3… so every client applies them in one order.
  CREATE TABLE document_events (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (document_id, seq)
  );
  CREATE TABLE clause_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'bracketed', 'agreed-ad-referendum', 'agreed')),
    user_id TEXT NOT NULL REFERENCES users(id),
    at TEXT NOT NULL
  );
  CREATE INDEX clause_status_history_by_clause ON clause_status_history(document_id, clause_id, id);
  CREATE TABLE position_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    position TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL REFERENCES users(id),
    at TEXT NOT NULL
  );
  CREATE INDEX position_history_by_clause ON position_history(document_id, clause_id, participant_id, id);
  CREATE TABLE brackets (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    proponent_participant_id TEXT NOT NULL REFERENCES participants(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    resolution TEXT CHECK (resolution IN ('kept', 'dropped')),
    kept_index INTEGER,
    resolved_by TEXT REFERENCES users(id),
    resolved_at TEXT
  );
  CREATE TABLE bracket_alternatives (
    bracket_id TEXT NOT NULL REFERENCES brackets(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    proponent_participant_id TEXT NOT NULL REFERENCES participants(id),
    PRIMARY KEY (bracket_id, idx)
  );
  CREATE TABLE comment_threads (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    anchor TEXT,
    author_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    resolved_by TEXT REFERENCES users(id),
    resolved_at TEXT
  );
  CREATE INDEX comment_threads_by_document ON comment_threads(document_id, created_at);
  CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES comment_threads(id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    -- Increases whenever the comment's mentions are written: compared with mention_reads.read_seq.
    mention_seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    deleted_at TEXT
  );
  CREATE INDEX comments_by_thread ON comments(thread_id, created_at);
  CREATE TABLE mention_reads (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    thread_id TEXT NOT NULL REFERENCES comment_threads(id) ON DELETE CASCADE,
    read_seq INTEGER NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
  );
  -- Which participants edited which clause, by update: kept through compaction (for compare attribution).
  CREATE TABLE clause_edits (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    update_id INTEGER NOT NULL,
    clause_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    user_id TEXT NOT NULL
  );
  CREATE INDEX clause_edits_by_document ON clause_edits(document_id, update_id);
  `,
  `
  -- Meetings of a process (its Work Plan) and immutable versions of documents.
  CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    date_label TEXT NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('workshop', 'drafting-meeting', 'senior-officials-meeting', 'ministerial-conference'))
  );
  CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('named', 'automatic')),
    label TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    meeting_id TEXT REFERENCES meetings(id) ON DELETE SET NULL,
    state BLOB NOT NULL,
    structure TEXT NOT NULL,
    negotiation TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    last_update_id INTEGER NOT NULL,
    summary TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TEXT NOT NULL
  );
  CREATE INDEX versions_by_document ON versions(document_id, created_at);
  CREATE INDEX versions_by_fingerprint ON versions(fingerprint);
  `,
  `
  -- Stored states may be compressed (store/stateEncoding.ts); older rows stay raw.
  ALTER TABLE document_states ADD COLUMN state_encoding TEXT NOT NULL DEFAULT 'raw'
    CHECK (state_encoding IN ('raw', 'deflate'));
  ALTER TABLE versions ADD COLUMN state_encoding TEXT NOT NULL DEFAULT 'raw'
    CHECK (state_encoding IN ('raw', 'deflate'));
  `,
  `
  -- Bracket ids are scoped per document: another document's bracket id is free here and says nothing
  -- about that document. The tables are rebuilt with (document_id, id) keys, rows kept.
  CREATE TABLE brackets_scoped (
    id TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    proponent_participant_id TEXT NOT NULL REFERENCES participants(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    resolution TEXT CHECK (resolution IN ('kept', 'dropped')),
    kept_index INTEGER,
    resolved_by TEXT REFERENCES users(id),
    resolved_at TEXT,
    PRIMARY KEY (document_id, id)
  );
  INSERT INTO brackets_scoped SELECT id, document_id, clause_id, proponent_participant_id, created_by, created_at,
    resolution, kept_index, resolved_by, resolved_at FROM brackets;
  CREATE TABLE bracket_alternatives_scoped (
    document_id TEXT NOT NULL,
    bracket_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    proponent_participant_id TEXT NOT NULL REFERENCES participants(id),
    PRIMARY KEY (document_id, bracket_id, idx),
    FOREIGN KEY (document_id, bracket_id) REFERENCES brackets_scoped(document_id, id) ON DELETE CASCADE
  );
  INSERT INTO bracket_alternatives_scoped
    SELECT b.document_id, a.bracket_id, a.idx, a.text, a.proponent_participant_id
    FROM bracket_alternatives a JOIN brackets b ON b.id = a.bracket_id;
  DROP TABLE bracket_alternatives;
  DROP TABLE brackets;
  ALTER TABLE brackets_scoped RENAME TO brackets;
  ALTER TABLE bracket_alternatives_scoped RENAME TO bracket_alternatives;
  `,
  `
  -- Audit entries carry a MAC made with a key kept outside the database (audit/auditChain.ts); rows written
  -- before this have none and are held to the hash rule up to the upgrade checkpoint (audit/auditCheckpoints.ts).
  ALTER TABLE audit_log ADD COLUMN mac TEXT;
  `,
  `
  -- When each clause edit was stored: the date of its tracked change in a redline (export/trackedRedline.ts).
  -- Older rows have none; their date is read from document_updates while the update is still there.
  ALTER TABLE clause_edits ADD COLUMN edited_at TEXT;
  `,
  `
  -- The amendments' state when a version was taken (versions/amendmentSnapshot.ts): JSON, one entry per amendment.
  -- Versions taken before have none; compare then reads each amendment's state at the version's time from its record.
  ALTER TABLE versions ADD COLUMN amendments TEXT;
  `,
  `
  -- Amendments (server/src/amendments/amendmentStore.ts): numbered AM 1, 2, 3… per document in the order tabled.
  -- Texts are clause plain texts (paragraphs joined by a line break). A compromise lists the numbers it covers.
  CREATE TABLE amendments (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('modify', 'delete', 'insert')),
    clause_id TEXT NOT NULL,
    clause_number TEXT NOT NULL,
    base_text TEXT NOT NULL,
    proposed_text TEXT NOT NULL,
    base_version_label TEXT,
    justification TEXT NOT NULL DEFAULT '',
    proponent_participant_id TEXT NOT NULL REFERENCES participants(id),
    tabled_by TEXT NOT NULL REFERENCES users(id),
    tabled_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'tabled' CHECK (status IN ('tabled', 'withdrawn', 'accepted', 'accepted-as-modified',
      'covered-by-compromise', 'rejected', 'fallen')),
    decided_by TEXT REFERENCES users(id),
    decided_at TEXT,
    accepted_text TEXT,
    fallen_reason TEXT CHECK (fallen_reason IN ('clause-deleted', 'moot')),
    compromise INTEGER NOT NULL DEFAULT 0,
    covers TEXT NOT NULL DEFAULT '[]',
    covered_by INTEGER,
    created_clause_id TEXT,
    UNIQUE (document_id, number)
  );
  CREATE INDEX amendments_by_clause ON amendments(document_id, clause_id, status);
  CREATE TABLE amendment_cosponsors (
    amendment_id TEXT NOT NULL REFERENCES amendments(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    at TEXT NOT NULL,
    PRIMARY KEY (amendment_id, participant_id)
  );
  `,
  `
  -- Who owns each Yjs client id that has content in a document (collab/clientIdOwners.ts): the user who first wrote
  -- under it, 'server' for the server's own changes, 'unknown' for content stored before this table whose author is
  -- no longer known. Rows for existing documents are filled from their stored updates (store/clientIdBackfill.ts).
  CREATE TABLE document_client_ids (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (document_id, client_id)
  ) WITHOUT ROWID;
  `,
];

/** The schema version from which audit entries carry MACs (a database opened below it is upgraded now). */
export const AUDIT_KEYED_SCHEMA_VERSION =
  migrations.findIndex((migration) => migration.includes('ALTER TABLE audit_log ADD COLUMN mac')) + 1;

/** The schema version that creates document_client_ids; migrating to it also backfills it (clientIdBackfill.ts). */
export const CLIENT_IDS_SCHEMA_VERSION =
  migrations.findIndex((migration) => migration.includes('CREATE TABLE document_client_ids')) + 1;
