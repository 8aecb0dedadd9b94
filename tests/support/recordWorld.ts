/**
 * The documents, delegations and users a record store's contract suite
 * writes against (negotiationRepositoryContract.ts, commentRepositoryContract.ts),
 * made through the identity repositories of the same store: the records'
 * foreign keys and actor columns (name, delegation code) read those tables.
 */
import { vi } from 'vitest';
import * as Y from 'yjs';
import type { SqliteDatabase } from '../../server/src/store/database';
import { PgDocumentRepository } from '../../server/src/store/postgres/pgDocumentRepository';
import { PgParticipantRepository } from '../../server/src/store/postgres/pgParticipantRepository';
import { PgProcessRepository } from '../../server/src/store/postgres/pgProcessRepository';
import { PgUserRepository } from '../../server/src/store/postgres/pgUserRepository';
import type { Queryable } from '../../server/src/store/postgres/queryable';
import { createRepositories } from '../../server/src/store/repositories';

/** A delegation with one user of it. */
export interface Delegate {
  userId: string;
  participantId: string;
  code: string;
  name: string;
}

export interface RecordWorld {
  /** A new document (its id) with no negotiation records. */
  createDocument(): Promise<string>;
  /** A new delegation with code `code` and one user named `name`. */
  createDelegate(code: string, name: string): Promise<Delegate>;
}

/** Freezes the clock the repositories read (`nowIso()`) at `iso` (the suites restore it after each test). */
export function pinClock(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

/** The actor a record shows for what `who` did. */
export const actorOf = (who: Delegate) => ({ userId: who.userId, name: who.name, participantCode: who.code });

let tags = 0;

/**
 * A prefix for participant codes no other call in this process returns:
 * codes are unique per database, and a PostgreSQL test file's tests share one.
 * Codes made of one tag sort by what follows it.
 */
export function uniqueTag(): string {
  tags += 1;
  return `T${process.pid}x${String(tags).padStart(4, '0')}-`;
}

const emptyState = () => Y.encodeStateAsUpdate(new Y.Doc());

/** The world of a SQLite database (server/src/store/repositories.ts). */
export function sqliteRecordWorld(db: SqliteDatabase): RecordWorld {
  const repositories = createRepositories(db);
  let processId: string | undefined;
  let documents = 0;
  return {
    createDocument: async () => {
      processId ??= repositories.processes.create(`Contract process ${uniqueTag()}`, '').id;
      return repositories.documents.create(processId, `Contract document ${++documents}`, emptyState());
    },
    createDelegate: async (code, name) => {
      const participant = repositories.participants.create({
        code,
        name: `${code} delegation`,
        kind: 'state',
        color: '#336699',
      });
      const userId = repositories.users.create({
        email: `${code.toLowerCase()}@contract.test`,
        name,
        participantId: participant.id,
        passwordHash: 'not-a-hash',
        isAdmin: false,
      });
      return { userId, participantId: participant.id, code, name };
    },
  };
}

/** The world of a PostgreSQL database (server/src/store/postgres/pg*Repository.ts of the identity schema). */
export function pgRecordWorld(db: Queryable): RecordWorld {
  const processes = new PgProcessRepository(db);
  const documents = new PgDocumentRepository(db);
  const participants = new PgParticipantRepository(db);
  const users = new PgUserRepository(db);
  let processId: Promise<string> | undefined;
  let count = 0;
  return {
    createDocument: async () => {
      processId ??= processes.create(`Contract process ${uniqueTag()}`, '').then((created) => created.id);
      return documents.create(await processId, `Contract document ${++count}`, emptyState());
    },
    createDelegate: async (code, name) => {
      const participant = await participants.create({
        code,
        name: `${code} delegation`,
        kind: 'state',
        color: '#336699',
      });
      const userId = await users.create({
        email: `${code.toLowerCase()}@contract.test`,
        name,
        participantId: participant.id,
        passwordHash: 'not-a-hash',
        isAdmin: false,
      });
      return { userId, participantId: participant.id, code, name };
    },
  };
}
