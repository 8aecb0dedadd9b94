/**
 * A document's "updated" time (the document list, the administrators' list)
 * is the time of its newest stored edit, although a commit of updates no
 * longer rewrites the `documents` row (issue 16: one row write less per
 * commit): it is read from the newest appended update, and a compaction
 * carries the newest folded update's time into `documents.updated_at`.
 * Real SQLite; only the clock is set by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { createRepositories, type Repositories } from '../../server/src/store/repositories';

const author = { userId: 'u1', participantId: 'p1' };
const T0 = '2026-11-30T08:00:00.000Z';
const T1 = '2026-11-30T08:05:00.000Z';
const T2 = '2026-11-30T08:06:30.250Z';
const T3 = '2026-11-30T09:00:00.000Z';

describe("a document's updated time", () => {
  let dir: string;
  let db: SqliteDatabase;
  let repositories: Repositories;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    dir = mkdtempSync(join(tmpdir(), 'draftroom-updated-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, createLogger('silent'));
    repositories = createRepositories(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    vi.useRealTimers();
  });

  const at = (time: string) => vi.setSystemTime(new Date(time));
  const listed = (documentId: string) =>
    repositories.documents.listAll().find((document) => document.id === documentId)?.updatedAt;
  const rowUpdatedAt = (documentId: string) =>
    (db.prepare('SELECT updated_at FROM documents WHERE id = ?').get(documentId) as { updated_at: string })
      .updated_at;

  it('is the newest edit, before and after compaction, without a row write per commit', () => {
    at(T0);
    const processId = repositories.processes.create('Prague Process', '').id;
    const doc = new Y.Doc();
    const documentId = repositories.documents.create(processId, 'Action Plan', Y.encodeStateAsUpdate(doc));
    const other = repositories.documents.create(processId, 'Declaration', Y.encodeStateAsUpdate(doc));
    expect(listed(documentId)).toBe(T0);
    const storage = repositories.documentStorage;
    const typed = (text: string) => {
      const updates: Uint8Array[] = [];
      doc.once('update', (update: Uint8Array) => updates.push(update));
      doc.getText('t').insert(doc.getText('t').length, text);
      return updates;
    };

    at(T1);
    const first = storage.appendBatch(documentId, [{ updates: typed('The participating states '), author }]);
    expect(listed(documentId)).toBe(T1);
    expect(rowUpdatedAt(documentId)).toBe(T0);
    at(T2);
    const second = storage.appendUpdates(documentId, typed('agree.'), author);
    expect(listed(documentId)).toBe(T2);
    expect(listed(other)).toBe(T0);

    // Compacting up to the first edit keeps the second appended: still T2; the row now holds T1.
    storage.compact(documentId, Y.encodeStateAsUpdate(doc), first);
    expect(rowUpdatedAt(documentId)).toBe(T1);
    expect(listed(documentId)).toBe(T2);
    // Compacting everything leaves no appended update: the row carries T2.
    at(T3);
    storage.compact(documentId, Y.encodeStateAsUpdate(doc), second);
    expect(storage.countUpdates(documentId)).toBe(0);
    expect(rowUpdatedAt(documentId)).toBe(T2);
    expect(listed(documentId)).toBe(T2);
    storage.appendBatch(documentId, [{ updates: typed(' Annex.'), author }]);
    expect(listed(documentId)).toBe(T3);
  });
});
