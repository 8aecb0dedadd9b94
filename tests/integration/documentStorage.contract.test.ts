import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type DocumentStorage, MemoryDocumentStorage } from '../../server/src/collab/documentStorage';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { createRepositories } from '../../server/src/store/repositories';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';

/** A storage under test and how to make documents in it. */
interface StorageFixture {
  storage: DocumentStorage;
  /** A new, empty document the storage may hold updates for. */
  createDocument(): string;
  dispose(): void;
}

const author = { userId: 'user-1', participantId: 'participant-1' };

/** `count` separate updates typing into the text `t` of a Y.Doc, and the doc itself. */
function typedUpdates(count: number, prefix = 'u'): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(doc.getText('t').length, `${prefix}${i};`);
  return { doc, updates };
}

function docFrom(stored: ReturnType<DocumentStorage['load']>): Y.Doc {
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

const bytes = (array: Uint8Array) => Buffer.from(array).toString('hex');

/** The contract every DocumentStorage implementation must meet. */
function describeDocumentStorageContract(name: string, makeStorage: () => StorageFixture): void {
  describe(`DocumentStorage contract: ${name}`, () => {
    let fixture: StorageFixture;
    const fresh = () => {
      fixture = makeStorage();
      return fixture;
    };
    afterEach(() => fixture?.dispose());

    it('loads an unknown document as empty', () => {
      const { storage } = fresh();
      expect(storage.load('never-stored')).toEqual({ state: null, updates: [], lastUpdateId: 0 });
      expect(storage.countUpdates('never-stored')).toBe(0);
    });

    it('loads a new document with no updates and an empty content', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const stored = storage.load(id);
      expect(stored.updates).toEqual([]);
      expect(stored.lastUpdateId).toBe(0);
      expect(docFrom(stored).getText('t').toString()).toBe('');
    });

    it('returns appended updates in order, byte for byte, with increasing ids', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const { updates } = typedUpdates(6);
      const first = storage.appendUpdates(id, updates.slice(0, 2), author);
      const second = storage.appendUpdates(id, updates.slice(2, 3), author);
      const third = storage.appendUpdates(id, updates.slice(3), author);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
      const stored = storage.load(id);
      expect(stored.updates.map(bytes)).toEqual(updates.map(bytes));
      expect(stored.lastUpdateId).toBe(third);
      expect(storage.countUpdates(id)).toBe(6);
    });

    it('appends a batch of several authors’ changes in order, as one sequence of ids', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const { updates } = typedUpdates(5);
      const before = storage.appendUpdates(id, updates.slice(0, 1), author);
      const other = { userId: 'user-2', participantId: 'participant-2' };
      const last = storage.appendBatch(id, [
        { updates: updates.slice(1, 3), author },
        { updates: [], author: other },
        { updates: updates.slice(3), author: other },
      ]);
      expect(last).toBeGreaterThan(before);
      const stored = storage.load(id);
      expect(stored.updates.map(bytes)).toEqual(updates.map(bytes));
      expect(stored.lastUpdateId).toBe(last);
      expect(storage.countUpdates(id)).toBe(5);
      expect(docFrom(stored).getText('t').toString()).toBe('u0;u1;u2;u3;u4;');
    });

    it('keeps documents apart', () => {
      const { storage, createDocument } = fresh();
      const a = createDocument();
      const b = createDocument();
      storage.appendUpdates(a, typedUpdates(3, 'a').updates, author);
      storage.appendUpdates(b, typedUpdates(2, 'b').updates, author);
      expect(storage.countUpdates(a)).toBe(3);
      expect(storage.countUpdates(b)).toBe(2);
      expect(docFrom(storage.load(a)).getText('t').toString()).toBe('a0;a1;a2;');
      expect(docFrom(storage.load(b)).getText('t').toString()).toBe('b0;b1;');
    });

    it('does not keep a reference to the caller’s buffer', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const { updates } = typedUpdates(1);
      const update = updates[0] ?? new Uint8Array();
      const copy = update.slice();
      storage.appendUpdates(id, [update], author);
      update.fill(0);
      expect(bytes(storage.load(id).updates[0] ?? new Uint8Array())).toBe(bytes(copy));
    });

    it('compacts: replaces the state and removes updates up to the id, keeping later ones', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const { doc, updates } = typedUpdates(8);
      const upTo = storage.appendUpdates(id, updates.slice(0, 5), author);
      const compactedDoc = new Y.Doc();
      for (const update of updates.slice(0, 5)) Y.applyUpdate(compactedDoc, update);
      const later = storage.appendUpdates(id, updates.slice(5), author);

      storage.compact(id, Y.encodeStateAsUpdate(compactedDoc), upTo);

      const stored = storage.load(id);
      expect(bytes(stored.state ?? new Uint8Array())).toBe(bytes(Y.encodeStateAsUpdate(compactedDoc)));
      expect(stored.updates.map(bytes)).toEqual(updates.slice(5).map(bytes));
      expect(stored.lastUpdateId).toBe(later);
      expect(storage.countUpdates(id)).toBe(3);
      expect(docFrom(stored).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('remembers the compacted update id when no update is left after it', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const { doc, updates } = typedUpdates(4);
      const upTo = storage.appendUpdates(id, updates, author);
      storage.compact(id, Y.encodeStateAsUpdate(doc), upTo);
      const stored = storage.load(id);
      expect(stored.updates).toEqual([]);
      expect(storage.countUpdates(id)).toBe(0);
      // "The id of the newest update that state + updates include."
      expect(stored.lastUpdateId).toBe(upTo);
      // Appending continues after it.
      expect(storage.appendUpdates(id, typedUpdates(1, 'x').updates, author)).toBeGreaterThan(upTo);
    });

    it('reproduces the content from state + updates across several compactions', () => {
      const { storage, createDocument } = fresh();
      const id = createDocument();
      const source = new Y.Doc();
      const pending: Uint8Array[] = [];
      source.on('update', (update: Uint8Array) => pending.push(update));
      const text = source.getText('t');
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) text.insert(i % 2 === 0 ? 0 : text.length, `r${round}i${i};`);
        if (round > 0) text.delete(0, 3);
        const last = storage.appendUpdates(id, pending.splice(0), author);
        if (round % 2 === 1) storage.compact(id, Y.encodeStateAsUpdate(source), last);
      }
      const loaded = docFrom(storage.load(id));
      expect(loaded.getText('t').toString()).toBe(text.toString());
      expect(bytes(Y.encodeStateVector(loaded))).toBe(bytes(Y.encodeStateVector(source)));
    });
  });
}

describeDocumentStorageContract('MemoryDocumentStorage', () => {
  let next = 0;
  return {
    storage: new MemoryDocumentStorage(),
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
    storage: new SqliteDocumentStorage(db),
    // document_updates has a foreign key to documents: create the row first.
    createDocument: () =>
      repositories.documents.create(contractProcess.id, `Contract document ${++next}`, emptyState),
    dispose: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
