/**
 * document_client_ids for documents stored before it existed: the migration
 * that creates it fills it from the stored bytes (store/clientIdBackfill.ts).
 * An id written by a stored update whose author is recorded is that author's;
 * an id known only from a compacted state (or from updates without an author)
 * is UNKNOWN_CLIENT_OWNER's, which the first person to write under it takes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '@draftroom/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UNKNOWN_CLIENT_OWNER } from '../../server/src/collab/clientIdOwners';
import { StorageWriteError } from '../../server/src/errors';
import { createLogger } from '../../server/src/logger';
import { backfillClientIds } from '../../server/src/store/clientIdBackfill';
import { databasePath, openDatabase } from '../../server/src/store/database';
import { CLIENT_IDS_SCHEMA_VERSION, migrations } from '../../server/src/store/migrations';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { characterAt, lastUnitOf, storedOwners } from '../support/clientIds';
import { clauseParagraphText, contentOf } from '../support/collabClient';
import { noticeOf } from '../support/negotiationLive';
import { openRawSocket, syncUpdateMessage } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { Database } from '../support/storedDocument';
import { DEMO, TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');

/** The updates of `clientId` typing `words` into the root text `t` of a copy of `base`. */
function typedBy(base: Y.Doc, clientId: number, words: string): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  // Set after loading: Yjs moves a document off an id that a loaded update writes under.
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  doc.getText('t').insert(doc.getText('t').length, words);
  return { doc, update: Y.mergeUpdates(updates) };
}

describe('backfilling the owners of stored Yjs client ids', () => {
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a database of the previous schema: authors from the updates, the rest unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'draftroom-clientids-'));
    dirs.push(dir);
    const legacy = new Database(databasePath(dir));
    for (const [index, migration] of migrations.slice(0, CLIENT_IDS_SCHEMA_VERSION - 1).entries()) {
      legacy.exec(migration);
      legacy.pragma(`user_version = ${index + 1}`);
    }
    const at = (minute: number) =>
      `2012-03-0${1 + Math.floor(minute / 60)}T10:${String(minute % 60).padStart(2, '0')}:00.000Z`;
    legacy
      .prepare(
        "INSERT INTO processes (id, name, description, created_at) VALUES ('pr', 'Prague Process', '', ?)",
      )
      .run(at(0));
    const insertDocument = legacy.prepare(
      "INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES (?, 'pr', ?, ?, ?)",
    );
    const insertState = legacy.prepare(
      'INSERT INTO document_states (document_id, state, last_update_id, compacted_at) VALUES (?, ?, 0, ?)',
    );
    const insertUpdate = legacy.prepare(
      'INSERT INTO document_updates (document_id, update_bytes, user_id, participant_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    // d1: a compacted state by client 11, then updates by two people and by nobody recorded.
    const compacted = typedBy(new Y.Doc(), 11, 'Compacted words. ');
    insertDocument.run('d1', 'Action Plan', at(0), at(0));
    insertState.run('d1', Buffer.from(Y.encodeStateAsUpdate(compacted.doc)), at(1));
    const first = typedBy(compacted.doc, 21, 'First person. ');
    const second = typedBy(first.doc, 31, 'Second person. ');
    const secondOn21 = typedBy(second.doc, 21, 'Second person under the first one’s id. ');
    const anonymous = typedBy(secondOn21.doc, 41, 'Nobody recorded. ');
    const firstOn41 = typedBy(anonymous.doc, 41, 'First person after. ');
    const onlyAnonymous = typedBy(firstOn41.doc, 61, 'Nobody, ever. ');
    const rows: [Uint8Array, string | null, number][] = [
      [first.update, 'u1', 2],
      [second.update, 'u2', 3],
      [secondOn21.update, 'u2', 4],
      [anonymous.update, null, 5],
      [firstOn41.update, 'u1', 6],
      [onlyAnonymous.update, null, 7],
    ];
    for (const [update, user, minute] of rows) {
      insertUpdate.run('d1', Buffer.from(update), user, user && `p-${user}`, at(minute));
    }
    // d2: only a compacted state, and an update Yjs cannot read; d3: nothing stored yet.
    insertDocument.run('d2', 'Work Plan', at(0), at(0));
    insertState.run(
      'd2',
      Buffer.from(Y.encodeStateAsUpdate(typedBy(new Y.Doc(), 51, 'Old text.').doc)),
      at(8),
    );
    insertUpdate.run('d2', Buffer.from([1, 200, 7]), 'u1', 'p-u1', at(9));
    insertDocument.run('d3', 'Empty', at(0), at(0));
    legacy.close();

    const db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      const rowsOf = (documentId: string) =>
        db
          .prepare<[string], { client_id: number; user_id: string; first_seen_at: string }>(
            'SELECT client_id, user_id, first_seen_at FROM document_client_ids WHERE document_id = ? ORDER BY client_id',
          )
          .all(documentId);
      expect(rowsOf('d1')).toEqual([
        { client_id: 11, user_id: UNKNOWN_CLIENT_OWNER, first_seen_at: at(1) },
        { client_id: 21, user_id: 'u1', first_seen_at: at(2) },
        { client_id: 31, user_id: 'u2', first_seen_at: at(3) },
        { client_id: 41, user_id: 'u1', first_seen_at: at(6) },
        { client_id: 61, user_id: UNKNOWN_CLIENT_OWNER, first_seen_at: at(7) },
      ]);
      expect(rowsOf('d2')).toEqual([{ client_id: 51, user_id: UNKNOWN_CLIENT_OWNER, first_seen_at: at(8) }]);
      expect(rowsOf('d3')).toEqual([]);

      // The storage reads them back; an unknown id passes to whoever claims it first, then is theirs.
      const storage = new SqliteDocumentStorage(db);
      expect(storage.loadClientIds('d1')).toEqual(
        new Map([
          [11, UNKNOWN_CLIENT_OWNER],
          [21, 'u1'],
          [31, 'u2'],
          [41, 'u1'],
          [61, UNKNOWN_CLIENT_OWNER],
        ]),
      );
      const author = { userId: 'u2', participantId: 'p-u2' };
      const more = typedBy(onlyAnonymous.doc, 11, 'Extending 11. ').update;
      storage.appendBatch('d1', [{ updates: [more], author }], new Map([[11, 'u2']]));
      expect(storage.loadClientIds('d1').get(11)).toBe('u2');
      const count = storage.countUpdates('d1');
      expect(() =>
        storage.appendBatch(
          'd1',
          [{ updates: [more], author: { userId: 'u1', participantId: 'p-u1' } }],
          new Map([[11, 'u1']]),
        ),
      ).toThrow(StorageWriteError);
      expect(storage.countUpdates('d1')).toBe(count);
      expect(storage.loadClientIds('d1').get(11)).toBe('u2');
    } finally {
      db.close();
    }
  });

  it('on a real server’s document: the backfilled owners hold, and an unknown id goes to its first writer', async () => {
    const server = new TestServer();
    servers.push(server);
    dirs.push(server.dataDir);
    await server.start();
    const documentId = server.actionPlanId();
    const czech = userIdOf(server, DEMO.czechDrafter);
    const hungarian = userIdOf(server, DEMO.hungarianDrafter);
    const participants = new Map(
      [czech, hungarian].map((userId) => [
        userId,
        server.server.repositories.users.findById(userId)?.participant.id,
      ]),
    );
    const participantOf = (userId: string) => participants.get(userId);
    await server.stop();

    // Two people's updates stored after the last compaction, and the owners table as before the migration.
    const db = new Database(databasePath(server.dataDir));
    const stored = new SqliteDocumentStorage(db).load(documentId);
    const base = new Y.Doc();
    if (stored.state) Y.applyUpdate(base, stored.state);
    for (const update of stored.updates) Y.applyUpdate(base, update);
    const typed = (clientId: number, words: string) => {
      const doc = new Y.Doc();
      doc.clientID = clientId;
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
      const updates: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array) => updates.push(update));
      clauseParagraphText(doc, 3).insert(0, words);
      Y.applyUpdate(base, Y.mergeUpdates(updates));
      return Y.mergeUpdates(updates);
    };
    const insert = db.prepare(
      'INSERT INTO document_updates (document_id, update_bytes, user_id, participant_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run(
      documentId,
      Buffer.from(typed(1001, 'Czech words. ')),
      czech,
      participantOf(czech),
      new Date().toISOString(),
    );
    insert.run(
      documentId,
      Buffer.from(typed(2002, 'Hungarian words. ')),
      hungarian,
      participantOf(hungarian),
      new Date().toISOString(),
    );
    db.prepare('DELETE FROM document_client_ids').run();
    backfillClientIds(db, logger);
    db.close();

    await server.start();
    const owners = storedOwners(server, documentId);
    expect(owners.get(1001)).toBe(czech);
    expect(owners.get(2002)).toBe(hungarian);
    const seeded = [...owners]
      .filter(([, owner]) => owner === UNKNOWN_CLIENT_OWNER)
      .map(([clientId]) => clientId);
    expect(seeded.length).toBeGreaterThan(0);

    const watcher = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    await watcher.requestFullState();
    const stateOf = (clientId: number) => Y.getState(watcher.doc.store, clientId);
    const send = async (email: string, update: Uint8Array) => {
      const socket = await openRawSocket(server.wsUrl, documentId, (await server.signIn(email)).cookie);
      await socket.requestFullState();
      socket.send(syncUpdateMessage(update));
      return socket;
    };
    // New text under `clientId`, at its next clock, at the end of the clause the people above typed in.
    const under = (clientId: number, char: string) =>
      characterAt(clientId, stateOf(clientId), lastUnitOf(clauseParagraphText(watcher.doc, 3)), char);

    const refused = await send(DEMO.hungarianDrafter, under(1001, '[FORGED]'));
    expect(await refused.closed).toBe(CloseCode.MalformedMessage);
    expect(refused.messages.map(noticeOf).find((notice) => notice?.kind === 'refused')).toMatchObject({
      reason: expect.stringMatching(/belongs to another person/),
    });
    const own = await send(DEMO.czechDrafter, under(1001, '[czech again]'));
    await waitFor(() => contentOf(watcher.doc).includes('[czech again]'), { what: 'the owner accepted' });
    expect(own.closeCode).toBeUndefined();

    // An id of the seeded text (author unknown) goes to whoever first writes under it, and is then theirs.
    const unknownId = seeded[0] as number;
    const taker = await send(DEMO.hungarianDrafter, under(unknownId, '[taken]'));
    await waitFor(() => contentOf(watcher.doc).includes('[taken]'), { what: 'the unknown id taken' });
    expect(taker.closeCode).toBeUndefined();
    expect(storedOwners(server, documentId).get(unknownId)).toBe(hungarian);
    const late = await send(DEMO.czechDrafter, under(unknownId, '[FORGED]'));
    expect(await late.closed).toBe(CloseCode.MalformedMessage);
    for (const socket of [watcher, refused, own, taker, late]) socket.close();
  });
});
