import type { SqliteDatabase } from './database';
import { DocumentRepository } from './documents';
import { ParticipantRepository } from './participants';
import { ProcessRepository } from './processes';
import { SessionRepository } from './sessions';
import { SqliteDocumentStorage } from './sqliteDocumentStorage';
import { UserRepository } from './users';

/** Every repository over one database. */
export interface Repositories {
  participants: ParticipantRepository;
  users: UserRepository;
  sessions: SessionRepository;
  processes: ProcessRepository;
  documents: DocumentRepository;
  documentStorage: SqliteDocumentStorage;
}

export function createRepositories(db: SqliteDatabase): Repositories {
  return {
    participants: new ParticipantRepository(db),
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    processes: new ProcessRepository(db),
    documents: new DocumentRepository(db),
    documentStorage: new SqliteDocumentStorage(db),
  };
}
