import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asyncStorage } from '../../server/src/collab/documentStorage';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { createRepositories } from '../../server/src/store/repositories';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { sqliteVersionRepository, VersionStore } from '../../server/src/versions/versionStore';
import {
  describeVersionRepositoryContract,
  type VersionRepositoryFixture,
} from '../support/versionRepositoryContract';

/** The SQLite store on a real database file of its own, behind the asynchronous interface. */
function sqliteFixture(): VersionRepositoryFixture & { db: SqliteDatabase } {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-versions-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  const repositories = createRepositories(db);
  const emptyState = Y.encodeStateAsUpdate(new Y.Doc());
  return {
    db,
    versions: sqliteVersionRepository(new VersionStore(db)),
    storage: asyncStorage(new SqliteDocumentStorage(db)),
    createDocument: async () => {
      const process = repositories.processes.create(`Process ${randomUUID()}`, '');
      return {
        processId: process.id,
        documentId: repositories.documents.create(process.id, 'Draft', emptyState),
      };
    },
    createUser: async (code, name) => {
      const participant = repositories.participants.create({ code, name, kind: 'state', color: '#336699' });
      const userId = repositories.users.create({
        email: `${randomUUID()}@example.org`,
        name,
        participantId: participant.id,
        passwordHash: 'not-a-hash',
        isAdmin: false,
      });
      return { userId, participantId: participant.id };
    },
    writeLegacySummary: async (versionId, counts) => {
      db.prepare('UPDATE versions SET summary = ? WHERE id = ?').run(JSON.stringify(counts), versionId);
    },
    dispose: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeVersionRepositoryContract('SQLite VersionStore', sqliteFixture);

describe('SQLite VersionStore: what only its older rows have', () => {
  it('a clause edit stored before edit times were kept reads its update time, or null once compacted away', async () => {
    const fixture = sqliteFixture();
    try {
      const { db, versions } = fixture;
      const { documentId } = await fixture.createDocument();
      const who = await fixture.createUser('HU', 'Hungary');
      const update = Y.encodeStateAsUpdate(new Y.Doc({ gc: false }));
      const { lastUpdateId } = await fixture.storage.appendUpdates(documentId, [update], {
        ...who,
        touchedClauses: ['c1'],
      });
      db.prepare('UPDATE clause_edits SET edited_at = NULL WHERE document_id = ?').run(documentId);
      db.prepare('UPDATE document_updates SET created_at = ? WHERE id = ?').run(
        '2011-05-30T09:00:00.000Z',
        lastUpdateId,
      );
      expect(await versions.clauseEdits(documentId, 0, lastUpdateId)).toEqual({
        c1: [{ code: 'HU', lastEditedAt: '2011-05-30T09:00:00.000Z' }],
      });
      db.prepare('DELETE FROM document_updates WHERE id = ?').run(lastUpdateId);
      expect(await versions.clauseEdits(documentId, 0, lastUpdateId)).toEqual({
        c1: [{ code: 'HU', lastEditedAt: null }],
      });
    } finally {
      await fixture.dispose();
    }
  });
});
