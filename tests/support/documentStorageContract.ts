/**
 * The contract every DocumentStorage implementation must meet (tldraw
 * sync-core's pattern: one suite, run against each storage): memory and SQLite
 * in tests/integration/documentStorage.contract.test.ts, PostgreSQL in
 * tests/services/pgDocumentStorage.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStorage, StoredDocumentState } from '../../server/src/collab/documentStorage';
import { clientIdOwnershipCases } from './clientIdStorageContract';

/** A storage under test and how to make documents in it. */
export interface StorageFixture {
  storage: DocumentStorage;
  /** A new, empty document the storage may hold updates for. */
  createDocument(): string | Promise<string>;
  dispose(): void | Promise<void>;
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

function docFrom(stored: StoredDocumentState): Y.Doc {
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

const bytes = (array: Uint8Array) => Buffer.from(array).toString('hex');

/** The contract every DocumentStorage implementation must meet. */
export function describeDocumentStorageContract(
  name: string,
  makeStorage: () => StorageFixture | Promise<StorageFixture>,
): void {
  describe(`DocumentStorage contract: ${name}`, () => {
    let fixture: StorageFixture;
    const fresh = async () => {
      fixture = await makeStorage();
      return fixture;
    };
    afterEach(async () => {
      await fixture?.dispose();
    });

    it('loads an unknown document as empty', async () => {
      const { storage } = await fresh();
      expect(await storage.load('never-stored')).toEqual({ state: null, updates: [], lastUpdateId: 0 });
      expect(await storage.countUpdates('never-stored')).toBe(0);
    });

    it('loads a new document with no updates and an empty content', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const stored = await storage.load(id);
      expect(stored.updates).toEqual([]);
      expect(stored.lastUpdateId).toBe(0);
      expect(docFrom(stored).getText('t').toString()).toBe('');
    });

    it('returns appended updates in order, byte for byte, with increasing ids', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { updates } = typedUpdates(6);
      const first = (await storage.appendUpdates(id, updates.slice(0, 2), author)).lastUpdateId;
      const second = (await storage.appendUpdates(id, updates.slice(2, 3), author)).lastUpdateId;
      const third = (await storage.appendUpdates(id, updates.slice(3), author)).lastUpdateId;
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
      const stored = await storage.load(id);
      expect(stored.updates.map(bytes)).toEqual(updates.map(bytes));
      expect(stored.lastUpdateId).toBe(third);
      expect(await storage.countUpdates(id)).toBe(6);
    });

    it('appends a batch of several authors’ changes in order, as one sequence of ids', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { updates } = typedUpdates(5);
      const before = (await storage.appendUpdates(id, updates.slice(0, 1), author)).lastUpdateId;
      const other = { userId: 'user-2', participantId: 'participant-2' };
      const last = (
        await storage.appendBatch(id, [
          { updates: updates.slice(1, 3), author },
          { updates: [], author: other },
          { updates: updates.slice(3), author: other },
        ])
      ).lastUpdateId;
      expect(last).toBeGreaterThan(before);
      const stored = await storage.load(id);
      expect(stored.updates.map(bytes)).toEqual(updates.map(bytes));
      expect(stored.lastUpdateId).toBe(last);
      expect(await storage.countUpdates(id)).toBe(5);
      expect(docFrom(stored).getText('t').toString()).toBe('u0;u1;u2;u3;u4;');
    });

    it('keeps documents apart', async () => {
      const { storage, createDocument } = await fresh();
      const a = await createDocument();
      const b = await createDocument();
      await storage.appendUpdates(a, typedUpdates(3, 'a').updates, author);
      await storage.appendUpdates(b, typedUpdates(2, 'b').updates, author);
      expect(await storage.countUpdates(a)).toBe(3);
      expect(await storage.countUpdates(b)).toBe(2);
      expect(
        docFrom(await storage.load(a))
          .getText('t')
          .toString(),
      ).toBe('a0;a1;a2;');
      expect(
        docFrom(await storage.load(b))
          .getText('t')
          .toString(),
      ).toBe('b0;b1;');
    });

    it('does not keep a reference to the caller’s buffer', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { updates } = typedUpdates(1);
      const update = updates[0] ?? new Uint8Array();
      const copy = update.slice();
      await storage.appendUpdates(id, [update], author);
      update.fill(0);
      expect(bytes((await storage.load(id)).updates[0] ?? new Uint8Array())).toBe(bytes(copy));
    });

    it('compacts: replaces the state and removes updates up to the id, keeping later ones', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { doc, updates } = typedUpdates(8);
      const upTo = (await storage.appendUpdates(id, updates.slice(0, 5), author)).lastUpdateId;
      const compactedDoc = new Y.Doc();
      for (const update of updates.slice(0, 5)) Y.applyUpdate(compactedDoc, update);
      const later = (await storage.appendUpdates(id, updates.slice(5), author)).lastUpdateId;

      await storage.compact(id, Y.encodeStateAsUpdate(compactedDoc), upTo);

      const stored = await storage.load(id);
      expect(bytes(stored.state ?? new Uint8Array())).toBe(bytes(Y.encodeStateAsUpdate(compactedDoc)));
      expect(stored.updates.map(bytes)).toEqual(updates.slice(5).map(bytes));
      expect(stored.lastUpdateId).toBe(later);
      expect(await storage.countUpdates(id)).toBe(3);
      expect(docFrom(stored).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('remembers the compacted update id when no update is left after it', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { doc, updates } = typedUpdates(4);
      const upTo = (await storage.appendUpdates(id, updates, author)).lastUpdateId;
      await storage.compact(id, Y.encodeStateAsUpdate(doc), upTo);
      const stored = await storage.load(id);
      expect(stored.updates).toEqual([]);
      expect(await storage.countUpdates(id)).toBe(0);
      // "The id of the newest update that state + updates include."
      expect(stored.lastUpdateId).toBe(upTo);
      // Appending continues after it.
      expect(
        (await storage.appendUpdates(id, typedUpdates(1, 'x').updates, author)).lastUpdateId,
      ).toBeGreaterThan(upTo);
    });

    it('reproduces the content from state + updates across several compactions', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const source = new Y.Doc();
      const pending: Uint8Array[] = [];
      source.on('update', (update: Uint8Array) => pending.push(update));
      const text = source.getText('t');
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) text.insert(i % 2 === 0 ? 0 : text.length, `r${round}i${i};`);
        if (round > 0) text.delete(0, 3);
        const last = (await storage.appendUpdates(id, pending.splice(0), author)).lastUpdateId;
        if (round % 2 === 1) await storage.compact(id, Y.encodeStateAsUpdate(source), last);
      }
      const loaded = docFrom(await storage.load(id));
      expect(loaded.getText('t').toString()).toBe(text.toString());
      expect(bytes(Y.encodeStateVector(loaded))).toBe(bytes(Y.encodeStateVector(source)));
    });

    it('answers what was stored after an update id: the later updates, with the state once compacted past it', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { doc, updates } = typedUpdates(6);
      const first = (await storage.appendUpdates(id, updates.slice(0, 2), author)).lastUpdateId;
      const second = (await storage.appendUpdates(id, updates.slice(2, 4), author)).lastUpdateId;
      const caughtUp = new Y.Doc();
      for (const update of updates.slice(0, 2)) Y.applyUpdate(caughtUp, update);
      const since = await storage.updatesSince(id, first);
      expect(since.lastUpdateId).toBe(second);
      for (const update of since.updates) Y.applyUpdate(caughtUp, update);
      if (since.state) Y.applyUpdate(caughtUp, since.state);
      expect(caughtUp.getText('t').toString()).toBe('u0;u1;u2;u3;');
      const compacted = new Y.Doc();
      for (const update of updates.slice(0, 4)) Y.applyUpdate(compacted, update);
      await storage.compact(id, Y.encodeStateAsUpdate(compacted), second);
      const last = (await storage.appendUpdates(id, updates.slice(4), author)).lastUpdateId;
      const behind = new Y.Doc();
      for (const update of updates.slice(0, 2)) Y.applyUpdate(behind, update);
      const after = await storage.updatesSince(id, first);
      expect(after.state).not.toBeNull();
      if (after.state) Y.applyUpdate(behind, after.state);
      for (const update of after.updates) Y.applyUpdate(behind, update);
      expect(after.lastUpdateId).toBe(last);
      expect(behind.getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('when it tells the id before a commit, that is the previous commit’s last id', async () => {
      const { storage, createDocument } = await fresh();
      const id = await createDocument();
      const { updates } = typedUpdates(3);
      const first = await storage.appendUpdates(id, updates.slice(0, 1), author);
      const second = await storage.appendBatch(id, [{ updates: updates.slice(1), author }]);
      if (second.previousUpdateId === undefined) return; // a storage only this process writes
      expect(first.previousUpdateId).toBe(0);
      expect(second.previousUpdateId).toBe(first.lastUpdateId);
      expect(second.lastUpdateId).toBe(first.lastUpdateId + 2);
    });

    clientIdOwnershipCases(fresh);
  });
}
