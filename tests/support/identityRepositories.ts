/**
 * The identity repositories (participants, users, sessions, processes,
 * documents and roles) of one store, for their contract suites
 * (tests/support/*RepositoryContract.ts): SQLite on a real file
 * (`sqliteIdentityFixture`) or PostgreSQL on a test database
 * (`pgIdentityFixture`). Each suite gets all five, since a user needs a
 * participant and a document a process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Participant, ParticipantKind } from '@draftroom/shared';
import pg from 'pg';
import * as Y from 'yjs';
import { asyncStorage, type DocumentStorage } from '../../server/src/collab/documentStorage';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { type AsyncDocumentRepository, sqliteDocumentRepository } from '../../server/src/store/documents';
import {
  type AsyncParticipantRepository,
  sqliteParticipantRepository,
} from '../../server/src/store/participants';
import { PgDocumentRepository } from '../../server/src/store/postgres/pgDocumentRepository';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { PgParticipantRepository } from '../../server/src/store/postgres/pgParticipantRepository';
import { PgProcessRepository } from '../../server/src/store/postgres/pgProcessRepository';
import { PgSessionRepository } from '../../server/src/store/postgres/pgSessionRepository';
import { PgUserRepository } from '../../server/src/store/postgres/pgUserRepository';
import { type AsyncProcessRepository, sqliteProcessRepository } from '../../server/src/store/processes';
import { createRepositories } from '../../server/src/store/repositories';
import { type AsyncSessionRepository, sqliteSessionRepository } from '../../server/src/store/sessions';
import { type AsyncUserRepository, sqliteUserRepository } from '../../server/src/store/users';

/** The five repositories of one server instance, and its document storage on the same database. */
export interface IdentityRepositories {
  participants: AsyncParticipantRepository;
  users: AsyncUserRepository;
  sessions: AsyncSessionRepository;
  processes: AsyncProcessRepository;
  documents: AsyncDocumentRepository;
  /** Commits updates (they move a document's updated time) and loads what `documents.create` stored. */
  documentStorage: DocumentStorage;
}

/** An empty store under test. */
export interface IdentityFixture extends IdentityRepositories {
  /**
   * The repositories of another server instance on the same store (its own
   * PostgreSQL pool; for SQLite, one process holds the file: the same ones).
   */
  instance(): IdentityRepositories;
  /** PostgreSQL only: the database's URL (for a test's own pool, e.g. to run a transaction). */
  databaseUrl?: string;
  dispose(): Promise<void>;
}

export type MakeIdentityFixture = () => Promise<IdentityFixture>;

/** A fresh SQLite file in a temporary directory, migrated; the repositories through their asynchronous adapters. */
export async function sqliteIdentityFixture(): Promise<IdentityFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-identity-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  const sync = createRepositories(db);
  const repositories: IdentityRepositories = {
    participants: sqliteParticipantRepository(sync.participants),
    users: sqliteUserRepository(sync.users),
    sessions: sqliteSessionRepository(sync.sessions),
    processes: sqliteProcessRepository(sync.processes),
    documents: sqliteDocumentRepository(sync.documents),
    documentStorage: asyncStorage(sync.documentStorage),
  };
  return {
    ...repositories,
    instance: () => repositories,
    dispose: async () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every table the identity suites write, children first: emptied before each
 * test (the file's database is shared by its tests; DELETE, cheaper than
 * TRUNCATE on tables this small).
 */
const TABLES = [
  'document_roles',
  'sessions',
  'users',
  'process_participants',
  'documents',
  'processes',
  'participants',
  'document_heads',
  'document_states',
  'document_updates',
  'document_client_ids',
  'clause_edits',
  'clause_locks',
];

/** The repositories of one instance: a pool of its own on `databaseUrl`. */
function pgInstance(databaseUrl: string, pools: pg.Pool[]): IdentityRepositories {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pools.push(pool);
  return {
    participants: new PgParticipantRepository(pool),
    users: new PgUserRepository(pool),
    sessions: new PgSessionRepository(pool),
    processes: new PgProcessRepository(pool),
    documents: new PgDocumentRepository(pool),
    documentStorage: new PgDocumentStorage(pool),
  };
}

/** The PostgreSQL repositories on `databaseUrl` (already migrated), its identity and document tables emptied. */
export async function pgIdentityFixture(databaseUrl: string): Promise<IdentityFixture> {
  const pools: pg.Pool[] = [];
  const repositories = pgInstance(databaseUrl, pools);
  for (const table of TABLES) await (pools[0] as pg.Pool).query(`DELETE FROM ${table}`);
  return {
    ...repositories,
    instance: () => pgInstance(databaseUrl, pools),
    databaseUrl,
    dispose: async () => {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}

/** A participant with `code` (kind and name given or derived from it). */
export function addParticipant(
  store: IdentityRepositories,
  code: string,
  fields: { name?: string; kind?: ParticipantKind } = {},
): Promise<Participant> {
  return store.participants.create({
    code,
    name: fields.name ?? `Delegation ${code}`,
    kind: fields.kind ?? 'state',
    color: '#336699',
  });
}

/** A user of `participantId`; resolves to its id. */
export function addUser(
  store: IdentityRepositories,
  participantId: string,
  email: string,
  fields: { name?: string; isAdmin?: boolean; passwordHash?: string } = {},
): Promise<string> {
  return store.users.create({
    email,
    name: fields.name ?? email.split('@')[0] ?? email,
    participantId,
    passwordHash: fields.passwordHash ?? `hash-of-${email}`,
    isAdmin: fields.isAdmin ?? false,
  });
}

/** The Yjs state of a document whose text `t` holds `text`, written by client `clientId`. */
export function stateWithText(text: string, clientId = 4242): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}
