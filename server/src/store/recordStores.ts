import type { AmendmentRepository } from '../amendments/amendmentStore';
import { AmendmentStore, sqliteAmendmentRepository } from '../amendments/amendmentStore';
import { type AuditRepository, AuditStore, sqliteAuditRepository } from '../audit/auditStore';
import { type CommentRepository, CommentStore, sqliteCommentRepository } from '../comments/commentStore';
import {
  type NegotiationRepository,
  NegotiationStore,
  sqliteNegotiationRepository,
} from '../negotiation/negotiationStore';
import { sqliteVersionRepository, type VersionRepository, VersionStore } from '../versions/versionStore';
import type { SqliteDatabase } from './database';
import { type AsyncDocumentRepository, DocumentRepository, sqliteDocumentRepository } from './documents';
import {
  type AsyncParticipantRepository,
  ParticipantRepository,
  sqliteParticipantRepository,
} from './participants';
import { PgAmendmentRepository } from './postgres/pgAmendmentRepository';
import { PgAuditRepository } from './postgres/pgAuditRepository';
import { PgCommentRepository } from './postgres/pgCommentRepository';
import { PgDocumentRepository } from './postgres/pgDocumentRepository';
import { PgNegotiationRepository } from './postgres/pgNegotiationRepository';
import { PgParticipantRepository } from './postgres/pgParticipantRepository';
import { PgProcessRepository } from './postgres/pgProcessRepository';
import { PgSessionRepository } from './postgres/pgSessionRepository';
import { PgUserRepository } from './postgres/pgUserRepository';
import { PgVersionRepository } from './postgres/pgVersionRepository';
import type { Queryable } from './postgres/queryable';
import { type AsyncProcessRepository, ProcessRepository, sqliteProcessRepository } from './processes';
import { type AsyncSessionRepository, SessionRepository, sqliteSessionRepository } from './sessions';
import { untilSqliteIdle } from './sqliteAsyncTransaction';
import { type AsyncUserRepository, sqliteUserRepository, UserRepository } from './users';

/**
 * Every record the services keep, behind the asynchronous interfaces (one
 * contract suite each, run against SQLite and PostgreSQL): the embedded
 * SQLite file ({@link sqliteRecordStores}) or PostgreSQL
 * ({@link postgresRecordStores}, shared by every instance). The services use
 * only these; a change that touches the text too gets the stores of the text's
 * own transaction (DocumentStorage.appendUpdates' `alongside`).
 */
export interface RecordStores {
  users: AsyncUserRepository;
  sessions: AsyncSessionRepository;
  participants: AsyncParticipantRepository;
  processes: AsyncProcessRepository;
  documents: AsyncDocumentRepository;
  negotiation: NegotiationRepository;
  comments: CommentRepository;
  versions: VersionRepository;
  amendments: AmendmentRepository;
  audit: AuditRepository;
}

/**
 * `repository` with each call held back while another asynchronous SQLite
 * transaction of the database is open (see sqliteAsyncTransaction.ts), so a
 * write never joins a transaction it is not part of, and a read never sees
 * what may yet be rolled back; calls from inside that transaction run at once.
 */
function gated<T extends object>(repository: T, db: SqliteDatabase): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(repository)) {
    if (typeof method !== 'function') continue;
    const call = method as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = (...args: unknown[]) => {
      const idle = untilSqliteIdle(db);
      return idle ? idle.then(() => call.apply(repository, args)) : call.apply(repository, args);
    };
  }
  return wrapped as T;
}

/**
 * The records in the SQLite file `db` (the embedded default). Each call runs
 * at once (better-sqlite3 is synchronous) unless an asynchronous transaction
 * of `db` is open, then right after it ends.
 */
export function sqliteRecordStores(db: SqliteDatabase): RecordStores {
  return {
    users: gated(sqliteUserRepository(new UserRepository(db)), db),
    sessions: gated(sqliteSessionRepository(new SessionRepository(db)), db),
    participants: gated(sqliteParticipantRepository(new ParticipantRepository(db)), db),
    processes: gated(sqliteProcessRepository(new ProcessRepository(db)), db),
    documents: gated(sqliteDocumentRepository(new DocumentRepository(db)), db),
    negotiation: gated(sqliteNegotiationRepository(new NegotiationStore(db)), db),
    comments: gated(sqliteCommentRepository(new CommentStore(db)), db),
    versions: gated(sqliteVersionRepository(new VersionStore(db)), db),
    amendments: gated(sqliteAmendmentRepository(new AmendmentStore(db)), db),
    audit: gated(sqliteAuditRepository(new AuditStore(db)), db),
  };
}

/**
 * The records in PostgreSQL, on `db`: the pool (each statement on its own),
 * or one transaction's client, so what they write joins that transaction.
 * Cheap to build (no statement is prepared ahead).
 */
export function postgresRecordStores(db: Queryable): RecordStores {
  return {
    users: new PgUserRepository(db),
    sessions: new PgSessionRepository(db),
    participants: new PgParticipantRepository(db),
    processes: new PgProcessRepository(db),
    documents: new PgDocumentRepository(db),
    negotiation: new PgNegotiationRepository(db),
    comments: new PgCommentRepository(db),
    versions: new PgVersionRepository(db),
    amendments: new PgAmendmentRepository(db),
    audit: new PgAuditRepository(db),
  };
}
