import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { asyncStorage, MemoryDocumentStorage } from '../../server/src/collab/documentStorage';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { createRepositories } from '../../server/src/store/repositories';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { describeDocumentStorageContract } from '../support/documentStorageContract';

describeDocumentStorageContract('MemoryDocumentStorage', () => {
  let next = 0;
  return {
    storage: asyncStorage(new MemoryDocumentStorage()),
    createDocument: () => `memory-doc-${++next}`,
    dispose: () => {},
  };
});

describeDocumentStorageContract('SqliteDocumentStorage', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-storage-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  const repositories = createRepositories(db);
  const contractProcess = repositories.processes.create('Contract Process', '');
  const emptyState = Y.encodeStateAsUpdate(new Y.Doc());
  let next = 0;
  return {
    storage: asyncStorage(new SqliteDocumentStorage(db)),
    // document_updates has a foreign key to documents: create the row first.
    createDocument: () =>
      repositories.documents.create(contractProcess.id, `Contract document ${++next}`, emptyState),
    dispose: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
