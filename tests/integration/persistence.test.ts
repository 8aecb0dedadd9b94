import { CloseCode } from '@draftroom/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** Counts the occurrences of `token` in `text`. */
function occurrences(text: string, token: string): number {
  return text.split(token).length - 1;
}

describe('persistence in SQLite', () => {
  let server: TestServer | undefined;
  const clients: CollabClient[] = [];

  async function start(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    server = await startTestServer(overrides);
    return server;
  }

  async function join(s: TestServer, email: string = DEMO.penHolder): Promise<CollabClient> {
    return joinWith(s, (await s.signIn(email)).cookie);
  }

  /**
   * Joins with a cookie obtained earlier. After a restart on the same port, sign in
   * before the restart: sessions live in SQLite, and fetch's keep-alive pool may
   * still hold a socket to the stopped server.
   */
  async function joinWith(s: TestServer, cookie: string): Promise<CollabClient> {
    const client = await connectSynced(s.wsUrl, s.actionPlanId(), cookie);
    clients.push(client);
    return client;
  }

  function storedContent(s: TestServer, documentId: string): string {
    const doc = loadStoredDoc(s.server.repositories.documentStorage, documentId);
    const content = contentOf(doc);
    doc.destroy();
    return content;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.dispose();
    server = undefined;
  });

  it('edits survive a server restart, byte-identical after reloading from SQLite', async () => {
    const s = await start();
    const documentId = s.actionPlanId();
    const a = await join(s, DEMO.penHolder);
    const b = await join(s, DEMO.hungarianDrafter);
    for (let i = 0; i < 10; i++) {
      clauseParagraphText(a.doc, 0).insert(0, `[keep-a${i}]`);
      clauseParagraphText(b.doc, 3).insert(0, `[keep-b${i}]`);
    }
    await waitFor(
      () =>
        contentOf(a.doc) === contentOf(b.doc) &&
        contentOf(a.doc).includes('[keep-a9]') &&
        contentOf(a.doc).includes('[keep-b9]'),
      { what: 'a and b converged' },
    );
    const before = contentOf(a.doc);
    for (const client of clients.splice(0)) client.destroy();
    const czech = (await s.signIn(DEMO.czechDrafter)).cookie;

    await s.restart();

    expect(storedContent(s, documentId)).toBe(before);
    const fresh = await joinWith(s, czech);
    expect(contentOf(fresh.doc)).toBe(before);
  });

  it('clients connected across a restart reconnect without duplicating anything', async () => {
    const s = await start();
    const documentId = s.actionPlanId();
    const a = await join(s, DEMO.penHolder);
    const b = await join(s, DEMO.hungarianDrafter);
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      tokens.push(`[pre-a${i}]`, `[pre-b${i}]`);
      clauseParagraphText(a.doc, 0).insert(0, `[pre-a${i}]`);
      clauseParagraphText(b.doc, 1).insert(0, `[pre-b${i}]`);
    }
    await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && contentOf(b.doc).includes('[pre-a4]'), {
      what: 'converged before the restart',
    });
    const port = s.server.port;
    const czech = (await s.signIn(DEMO.czechDrafter)).cookie;

    await s.stop();
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, { what: 'clients disconnected' });
    // Edited while the server is down: must arrive exactly once after reconnecting.
    tokens.push('[offline-a]', '[offline-b]');
    clauseParagraphText(a.doc, 2).insert(0, '[offline-a]');
    clauseParagraphText(b.doc, 2).insert(0, '[offline-b]');
    await s.start({ port });

    await waitFor(() => a.provider.synced && b.provider.synced, {
      what: 'providers re-synced after restart',
    });
    expect(a.closeCodes).toContain(CloseCode.GoingAway);
    for (let i = 0; i < 5; i++) {
      tokens.push(`[post-a${i}]`, `[post-b${i}]`);
      clauseParagraphText(a.doc, 0).insert(0, `[post-a${i}]`);
      clauseParagraphText(b.doc, 1).insert(0, `[post-b${i}]`);
    }
    await waitFor(
      () =>
        contentOf(a.doc) === contentOf(b.doc) && tokens.every((token) => contentOf(a.doc).includes(token)),
      { what: 'converged after the restart' },
    );

    const content = contentOf(a.doc);
    for (const token of tokens) expect(occurrences(content, token), token).toBe(1);
    const fresh = await joinWith(s, czech);
    expect(contentOf(fresh.doc)).toBe(content);
    expect(storedContent(s, documentId)).toBe(content);
  });

  it('compaction folds updates into the state row and keeps the content identical', async () => {
    const s = await start({ compactAfterUpdates: 5 });
    const documentId = s.actionPlanId();
    const stateRow = () =>
      s.server.db
        .prepare('SELECT last_update_id, compacted_at FROM document_states WHERE document_id = ?')
        .get(documentId) as { last_update_id: number; compacted_at: string };
    const updateRows = () =>
      (
        s.server.db
          .prepare('SELECT count(*) AS n FROM document_updates WHERE document_id = ?')
          .get(documentId) as { n: number }
      ).n;
    const seeded = stateRow();
    expect(seeded.last_update_id).toBe(0);

    const a = await join(s, DEMO.penHolder);
    const observer = await join(s, DEMO.observer);
    let maxUpdateRows = 0;
    observer.doc.on('update', () => {
      maxUpdateRows = Math.max(maxUpdateRows, updateRows());
    });
    // 23 separate transactions, each in a turn of its own → 23 separate rows
    // (the changes one sender makes in one server turn are stored as one row).
    for (let i = 0; i < 23; i++) {
      clauseParagraphText(a.doc, 0).insert(0, `[c${i}]`);
      await waitFor(() => contentOf(observer.doc) === contentOf(a.doc), { what: `observer has edit ${i}` });
    }

    const compacted = stateRow();
    expect(compacted.last_update_id).toBeGreaterThanOrEqual(20);
    expect(compacted.compacted_at >= seeded.compacted_at).toBe(true);
    expect(updateRows()).toBeLessThan(5);
    expect(maxUpdateRows).toBeLessThan(5);
    expect(s.server.repositories.documentStorage.countUpdates(documentId)).toBe(updateRows());
    expect(storedContent(s, documentId)).toBe(contentOf(a.doc));

    const before = contentOf(a.doc);
    for (const client of clients.splice(0)) client.destroy();
    const czech = (await s.signIn(DEMO.czechDrafter)).cookie;
    await s.restart();
    const fresh = await joinWith(s, czech);
    expect(contentOf(fresh.doc)).toBe(before);
    for (let i = 0; i < 23; i++) expect(occurrences(before, `[c${i}]`)).toBe(1);
  });

  it('a document is unloaded after its last client leaves, with its state on disk', async () => {
    const s = await start({ roomUnloadDelayMs: 0 });
    const documentId = s.actionPlanId();
    const a = await join(s, DEMO.penHolder);
    const b = await join(s, DEMO.hungarianDrafter);
    expect(s.server.collab.rooms.size).toBe(1);
    for (let i = 0; i < 7; i++) clauseParagraphText(a.doc, 4).insert(0, `[unload${i}]`);
    await waitFor(() => contentOf(b.doc) === contentOf(a.doc), { what: 'b has the edits' });
    const content = contentOf(a.doc);
    expect(s.server.repositories.documentStorage.countUpdates(documentId)).toBeGreaterThan(0);

    for (const client of clients.splice(0)) client.destroy();
    await waitFor(() => s.server.collab.rooms.size === 0, { what: 'room unloaded' });

    // Unloading compacts: the state row now holds everything, no appended update is left.
    expect(s.server.repositories.documentStorage.countUpdates(documentId)).toBe(0);
    const stored = s.server.repositories.documentStorage.load(documentId);
    expect(stored.updates).toHaveLength(0);
    const fromState = new Y.Doc();
    Y.applyUpdate(fromState, stored.state ?? new Uint8Array());
    expect(contentOf(fromState)).toBe(content);

    // Loading it again gives the same document.
    const again = await join(s, DEMO.czechDrafter);
    expect(s.server.collab.rooms.size).toBe(1);
    expect(contentOf(again.doc)).toBe(content);
  });

  // In-process, this catches deferred or batched writes; the next test (a write that fails) also
  // catches a broadcast that happens before the write.
  it('every update is committed to the SQLite file before any other client receives it', async () => {
    const s = await start();
    const documentId = s.actionPlanId();
    // A second connection to the same database file: sees only committed data.
    const db = openDatabase(s.dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
    const independentStorage = new SqliteDocumentStorage(db);
    try {
      const a = await join(s, DEMO.penHolder);
      const b = await join(s, DEMO.hungarianDrafter);
      const checks: { received: string; storedAtThatMoment: boolean }[] = [];
      b.doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin !== b.provider) return;
        // At the moment b applies a's edit, the stored document must already cover everything b has.
        const stored = loadStoredDoc(independentStorage, documentId);
        const storedVector = Y.decodeStateVector(Y.encodeStateVector(stored));
        const receivedVector = Y.decodeStateVector(Y.encodeStateVector(b.doc));
        const covered = [...receivedVector].every(
          ([client, clock]) => (storedVector.get(client) ?? 0) >= clock,
        );
        checks.push({
          received: clauseParagraphText(b.doc, 0).toString().slice(0, 12),
          storedAtThatMoment: covered,
        });
        stored.destroy();
      });
      for (let i = 0; i < 15; i++) clauseParagraphText(a.doc, 0).insert(0, `[ack${i}]`);
      await waitFor(() => contentOf(b.doc).includes('[ack14]'), { what: 'b received every edit' });

      expect(checks.length).toBeGreaterThanOrEqual(1);
      expect(checks.filter((check) => !check.storedAtThatMoment)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('an update the database cannot store reaches nobody, and the sender re-sends it once storage is back', async () => {
    const s = await start();
    const documentId = s.actionPlanId();
    const a = await join(s, DEMO.penHolder);
    const b = await join(s, DEMO.hungarianDrafter);
    const uncovered: string[] = [];
    b.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin !== b.provider) return;
      const stored = loadStoredDoc(s.server.repositories.documentStorage, documentId);
      const storedVector = Y.decodeStateVector(Y.encodeStateVector(stored));
      for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(b.doc))) {
        if ((storedVector.get(client) ?? 0) < clock) uncovered.push(`${client}:${clock}`);
      }
      stored.destroy();
    });

    // Another connection holds the write lock: the server's append fails (SQLITE_BUSY) quickly.
    const locker = openDatabase(s.dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
    s.server.db.pragma('busy_timeout = 20');
    locker.exec('BEGIN EXCLUSIVE');
    try {
      clauseParagraphText(a.doc, 0).insert(0, '[while-locked]');
      await waitFor(() => a.closeCodes.includes(CloseCode.StorageUnavailable), {
        what: 'sender closed with StorageUnavailable',
      });
      expect(storedContent(s, documentId)).not.toContain('[while-locked]');
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
      s.server.db.pragma('busy_timeout = 5000');
    }

    // The provider reconnects and its sync step 2 carries the unsaved edit again.
    await waitFor(
      () => contentOf(b.doc).includes('[while-locked]') && contentOf(a.doc) === contentOf(b.doc),
      {
        what: 'edit stored and relayed after recovery',
      },
    );
    expect(uncovered).toEqual([]);
    expect(occurrences(contentOf(b.doc), '[while-locked]')).toBe(1);
    expect(storedContent(s, documentId)).toBe(contentOf(b.doc));
  });
});
