import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { AmendmentStore, sqliteAmendmentRepository } from '../../server/src/amendments/amendmentStore';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { createRepositories } from '../../server/src/store/repositories';
import { type Delegate, describeAmendmentRepositoryContract } from '../support/amendmentRepositoryContract';

describeAmendmentRepositoryContract('SQLite (AmendmentStore)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-amendments-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  const repositories = createRepositories(db);
  const process = repositories.processes.create('Contract Process', '');
  const delegate = (code: string, name: string, kind: 'state' | 'organisation'): Delegate => {
    const participant = repositories.participants.create({
      code,
      name: `${code} delegation`,
      kind,
      color: '#336699',
    });
    const userId = repositories.users.create({
      email: `${code.toLowerCase()}@contract.example`,
      name,
      participantId: participant.id,
      passwordHash: 'not-a-hash',
      isAdmin: false,
    });
    return { participantId: participant.id, code, userId, name };
  };
  const emptyState = Y.encodeStateAsUpdate(new Y.Doc());
  let documents = 0;
  const store = new AmendmentStore(db);
  return {
    amendments: sqliteAmendmentRepository(store),
    // One process holds one SQLite connection: a second store on it is what a second caller sees.
    otherInstance: sqliteAmendmentRepository(new AmendmentStore(db)),
    delegates: [
      delegate('UA', 'Olena Bondar', 'state'),
      delegate('HU', 'László Kovács', 'state'),
      delegate('PL', 'Anna Nowak', 'organisation'),
    ],
    createDocument: async () =>
      repositories.documents.create(process.id, `Contract document ${++documents}`, emptyState),
    addVersion: async (documentId, label, kind, createdAt) => {
      db.prepare(
        `INSERT INTO versions (id, document_id, kind, label, state, structure, negotiation, fingerprint,
           last_update_id, summary, created_at)
         VALUES (?, ?, ?, ?, ?, '[]', '{}', ?, 0, '{}', ?)`,
      ).run(randomUUID(), documentId, kind, label, Buffer.from(emptyState), randomUUID(), createdAt);
    },
    dispose: async () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
