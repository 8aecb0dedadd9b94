import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ClauseLockedError } from '../../server/src/errors';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { describeDocumentStorageContract } from '../support/documentStorageContract';
import { migratedDatabase } from '../support/services/migratedDatabase';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('documents', { poolSize: 4, migrators: 2 });

describeDocumentStorageContract('PgDocumentStorage', () => ({
  storage: new PgDocumentStorage(instancePool(2)),
  createDocument: () => `doc-${randomUUID()}`,
  dispose: () => undefined,
}));

const author = (clauseId?: string) => ({
  userId: 'user-1',
  participantId: 'participant-1',
  ...(clauseId ? { touchedClauses: [clauseId] } : {}),
});

/** `count` updates typing into text `t` of a fresh doc with client id `client`. */
function typed(count: number, client: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = client;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(0, `${client}:${i};`);
  return updates;
}

describe('PgDocumentStorage across instances', () => {
  it('three instances committing to one document at once: ids 1…n without gaps or repeats, each commit told the one before', async () => {
    const instances = [0, 1, 2].map(() => new PgDocumentStorage(instancePool(3)));
    const documentId = `doc-${randomUUID()}`;
    const results = await Promise.all(
      instances.flatMap((storage, index) =>
        typed(30, 100 + index).map((update) => storage.appendUpdates(documentId, [update], author())),
      ),
    );
    const ids = results.map((result) => result.lastUpdateId).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    for (const result of results) expect(result.previousUpdateId).toBe(result.lastUpdateId - 1);
    const stored = await (instances[0] as PgDocumentStorage).load(documentId);
    const doc = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    expect(doc.getText('t').toString().split(';').filter(Boolean)).toHaveLength(90);
  });

  it('a clause agreed through one instance refuses a commit touching it through another, stored nothing; others pass', async () => {
    const a = new PgDocumentStorage(instancePool(2));
    const b = new PgDocumentStorage(instancePool(2));
    const documentId = `doc-${randomUUID()}`;
    const [first, second, third] = typed(3, 7);
    await b.appendUpdates(documentId, [first as Uint8Array], author('cl-1'));
    await a.lockClause(documentId, 'cl-1', true);
    await expect(
      b.appendBatch(documentId, [{ updates: [second as Uint8Array], author: author('cl-1') }]),
    ).rejects.toThrow(ClauseLockedError);
    expect(await b.countUpdates(documentId)).toBe(1);
    expect(await b.lockedClauses(documentId)).toEqual(['cl-1']);
    const other = await b.appendUpdates(documentId, [second as Uint8Array], author('cl-2'));
    expect(other.lastUpdateId).toBe(2);
    await a.lockClause(documentId, 'cl-1', false);
    expect((await b.appendUpdates(documentId, [third as Uint8Array], author('cl-1'))).lastUpdateId).toBe(3);
  });

  it('no window around the lock: commits racing an agreement are either before it (stored) or refused', async () => {
    const writer = new PgDocumentStorage(instancePool(4));
    const penHolder = new PgDocumentStorage(instancePool(1));
    const documentId = `doc-${randomUUID()}`;
    const updates = typed(60, 9);
    const outcomes = await Promise.all([
      ...updates.map((update) =>
        writer.appendUpdates(documentId, [update], author('cl-x')).then(
          (result) => ({ kind: 'stored' as const, id: result.lastUpdateId }),
          (error: unknown) => {
            expect(error).toBeInstanceOf(ClauseLockedError);
            return { kind: 'refused' as const };
          },
        ),
      ),
      penHolder.lockClause(documentId, 'cl-x', true).then(() => ({ kind: 'locked' as const })),
    ]);
    const stored = outcomes.flatMap((outcome) => (outcome.kind === 'stored' ? [outcome.id] : []));
    // After the lock committed nothing more is stored: the stored ids are exactly 1…k, no commit after the lock.
    expect(stored.sort((x, y) => x - y)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(await writer.countUpdates(documentId)).toBe(stored.length);
    await expect(
      writer.appendUpdates(documentId, [typed(1, 10)[0] as Uint8Array], author('cl-x')),
    ).rejects.toThrow(ClauseLockedError);
  });

  it('compactions of one document from two instances at once: one wins, nothing is lost, an older one never overwrites a newer', async () => {
    const a = new PgDocumentStorage(instancePool(2));
    const b = new PgDocumentStorage(instancePool(2));
    const documentId = `doc-${randomUUID()}`;
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 20; i++) source.getText('t').insert(0, `w${i};`);
    const upTo = (await a.appendUpdates(documentId, updates, author())).lastUpdateId;
    const state = Y.encodeStateAsUpdate(source);
    await Promise.all([a.compact(documentId, state, upTo), b.compact(documentId, state, upTo)]);
    const older = new Y.Doc();
    Y.applyUpdate(older, updates[0] as Uint8Array);
    await b.compact(documentId, Y.encodeStateAsUpdate(older), 1);
    const loaded = new Y.Doc();
    const stored = await b.load(documentId);
    if (stored.state) Y.applyUpdate(loaded, stored.state);
    for (const update of stored.updates) Y.applyUpdate(loaded, update);
    expect(loaded.getText('t').toString()).toBe(source.getText('t').toString());
    expect(stored.lastUpdateId).toBe(upTo);
  });
});
