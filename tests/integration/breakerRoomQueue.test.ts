import { CloseCode, MessageType } from '@draftroom/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Room } from '../../server/src/collab/room';
import { StorageWriteError } from '../../server/src/errors';
import { StorageGate } from '../support/breakerStorageGate';
import { type CollabClient, connectSynced, contentOf } from '../support/collabClient';
import { modelText, modelTextString } from '../support/modelText';
import {
  openRawSocket,
  type RawCollabSocket,
  syncStep1Message,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { storedContent } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

/**
 * Adversarial review of the asynchronous room pipeline (roomQueue.ts,
 * turnPipeline.ts, room.ts, collabServer.ts) on the real server: its storage
 * answers late, as a store over the network does (StorageGate), and a hostile
 * delegate floods, stalls or races server commands.
 */
let server: TestServer;
let gate: StorageGate;
const clients: CollabClient[] = [];
const sockets: RawCollabSocket[] = [];

beforeEach(async () => {
  server = await startTestServer();
  gate = new StorageGate(server);
});
afterEach(async () => {
  gate.dispose();
  for (const client of clients.splice(0)) client.destroy();
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server.dispose();
});

async function synced(email: string, documentId: string): Promise<CollabClient> {
  const { cookie } = await server.signIn(email);
  const client = await connectSynced(server.wsUrl, documentId, cookie);
  clients.push(client);
  return client;
}

async function raw(email: string, documentId: string): Promise<RawCollabSocket> {
  const { cookie } = await server.signIn(email);
  const socket = await openRawSocket(server.wsUrl, documentId, cookie);
  sockets.push(socket);
  return socket;
}

function roomOf(documentId: string): Room {
  const room = server.server.collab.rooms.get(documentId);
  if (!room) throw new Error('the document is not open');
  return room;
}

describe('breaker: the room queue while a commit is slow', () => {
  it('one delegate’s flood during a slow commit does not get another delegate’s keystroke refused (4429)', async () => {
    const documentId = server.actionPlanId();
    const honest = await synced(DEMO.hungarianDrafter, documentId);
    const hostile = await raw(DEMO.czechDrafter, documentId);
    await hostile.requestFullState();
    const room = roomOf(documentId);

    // A commit is slow: the room is busy until it settles, and what arrives waits in its queue.
    const commit = gate.hold('appendBatch');
    modelText(honest.doc).insert(0, 'A');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit of A in flight' });

    // The hostile delegate sends 20,000 one-byte messages (QueryAwareness) at once: its own message budget
    // (COLLAB_MESSAGE_BURST, 1,000) is only spent when a message runs, so all of them wait in the room.
    const query = Uint8Array.of(MessageType.QueryAwareness);
    for (let n = 0; n < 20_000; n++) hostile.send(query);
    // Its share of the room's queue (maxOperationsPerUser, 2,000) fills, and it alone is refused.
    await waitFor(() => hostile.closeCode === CloseCode.RateLimited, { what: 'the flooder refused (4429)' });
    expect(room.queue.size).toBeLessThanOrEqual(2_001);

    // The honest delegate types one more character meanwhile.
    modelText(honest.doc).insert(1, 'B');
    await waitFor(() => honest.closeCodes.length > 0, {
      timeoutMs: 3_000,
      what: 'the honest socket closed',
    }).catch(() => undefined);
    commit.release();
    // (The stock provider does not reconnect after a 44xx close; Draftroom's client would, after 4429.)
    expect(honest.closeCodes).not.toContain(CloseCode.RateLimited);
    await waitFor(() => storedContent(server, documentId).includes('AB'), { what: 'AB stored' });
    expect(modelTextString(honest.doc).startsWith('AB')).toBe(true);
  });
});

describe('breaker: a document that loads slowly', () => {
  it('sockets opened at once share one load; what they send meanwhile runs in order; everyone converges', async () => {
    const documentId = server.actionPlanId();
    // A first session gives the delegates their copy of the document; then everyone leaves (it unloads).
    const first = await synced(DEMO.hungarianDrafter, documentId);
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(first.doc));
    first.destroy();
    clients.splice(clients.indexOf(first), 1);
    await waitFor(() => server.server.collab.rooms.get(documentId) === undefined, {
      what: 'the room unloaded',
    });

    const loadsBefore = gate.callsOf('load', documentId);
    const load = gate.hold('load');
    // Eight delegates reconnect at once, each with an edit made offline: sync step 1, then the update.
    const emails = [DEMO.hungarianDrafter, DEMO.czechDrafter, DEMO.secretariat, DEMO.penHolder];
    const opened = await Promise.all([...emails, ...emails].map((email) => raw(email, documentId)));
    const edits = opened.map((socket, n) => {
      Y.applyUpdate(socket.doc, Y.encodeStateAsUpdate(base));
      const update = updateFrom(base, (doc) => modelText(doc).insert(0, `[${n}]`));
      socket.send(syncStep1Message(socket.doc));
      socket.send(syncUpdateMessage(update));
      Y.applyUpdate(socket.doc, update);
      return `[${n}]`;
    });
    await waitFor(() => load.waiting() === 1, { what: 'the load waiting' });
    const room = roomOf(documentId);
    await waitFor(() => room.queue.size >= 3 * opened.length, { what: 'joins and messages waiting' });
    expect(gate.callsOf('load', documentId) - loadsBefore).toBe(1);
    load.release();

    await waitFor(() => edits.every((edit) => storedContent(server, documentId).includes(edit)), {
      what: 'every edit stored',
    });
    const stored = storedContent(server, documentId);
    for (const edit of edits) expect(stored.split(edit)).toHaveLength(2);
    await waitFor(() => opened.every((socket) => contentOf(socket.doc) === stored), {
      what: 'every socket holding the stored document',
    });
    expect(opened.map((socket) => socket.closeCode)).toEqual(opened.map(() => undefined));
    expect(gate.callsOf('load', documentId) - loadsBefore).toBe(1);
  });
  it('a socket that closes while its join waits is never added; the others are served, and the room unloads after', async () => {
    const documentId = server.actionPlanId();
    const load = gate.hold('load');
    const quitter = await raw(DEMO.czechDrafter, documentId);
    quitter.send(syncStep1Message(new Y.Doc()));
    const stayer = await raw(DEMO.hungarianDrafter, documentId);
    stayer.send(syncStep1Message(new Y.Doc()));
    await waitFor(() => load.waiting() === 1, { what: 'the load waiting' });
    const room = roomOf(documentId);
    quitter.ws.terminate();
    await waitFor(() => quitter.closeCode !== undefined, { what: 'the quitter gone' });
    await waitFor(() => room.queue.size >= 5, { what: 'the unload behind the joins' });
    load.release();

    await waitFor(() => stayer.syncUpdates.length > 0, { what: 'the stayer synced' });
    expect(room.connections.size).toBe(1);
    expect(server.server.collab.rooms.get(documentId)).toBe(room);
    expect(contentOf(stayer.doc)).toBe(storedContent(server, documentId));
    stayer.ws.close();
    await waitFor(() => server.server.collab.rooms.get(documentId) === undefined, {
      what: 'the room unloaded',
    });
  });
});

describe('breaker: a failed commit while other work waits', () => {
  it('closes its senders (4503); what another delegate sent meanwhile is stored and sent, the failed change nowhere', async () => {
    const documentId = server.actionPlanId();
    const failing = await synced(DEMO.hungarianDrafter, documentId);
    failing.provider.shouldReconnect = () => false; // it would send its change again on reconnecting
    const other = await synced(DEMO.czechDrafter, documentId);
    const watcher = await synced(DEMO.secretariat, documentId);
    const room = roomOf(documentId);
    const commit = gate.hold('appendBatch');
    modelText(failing.doc).insert(0, 'FAILED ');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit in flight' });
    modelText(other.doc).insert(0, 'QUEUED ');
    await waitFor(() => room.queue.size >= 1, { what: 'the other change waiting' });
    commit.release(new StorageWriteError('the disk is full', null));

    await waitFor(() => failing.closeCodes.includes(CloseCode.StorageUnavailable), {
      what: 'the sender refused',
    });
    await waitFor(() => contentOf(watcher.doc).includes('QUEUED '), {
      what: 'the other change on the watcher',
    });
    const stored = storedContent(server, documentId);
    expect(stored).toContain('QUEUED ');
    expect(stored).not.toContain('FAILED');
    await waitFor(() => contentOf(watcher.doc) === stored && contentOf(other.doc) === stored, {
      what: 'the watcher and the other delegate holding the stored document',
    });
    expect(other.closeCodes).toEqual([]);
    expect(watcher.closeCodes).toEqual([]);
  });

  it('when the reload after it fails too, every socket of the room is closed (4503), also one whose join was waiting', async () => {
    const documentId = server.actionPlanId();
    const writer = await synced(DEMO.hungarianDrafter, documentId);
    const room = roomOf(documentId);
    const commit = gate.hold('appendBatch');
    modelText(writer.doc).insert(0, 'NOT STORED ');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit in flight' });
    const late = await raw(DEMO.czechDrafter, documentId);
    late.send(syncStep1Message(new Y.Doc()));
    await waitFor(() => room.queue.size >= 2, { what: 'the late socket’s join and sync step 1 waiting' });

    gate.fail('load');
    commit.release(new StorageWriteError('the disk is gone', null));
    await waitFor(() => writer.closeCodes.includes(CloseCode.StorageUnavailable), {
      what: 'the writer refused',
    });
    await waitFor(() => room.broken !== null, { what: 'the room broken down' });
    await waitFor(() => late.closeCode !== undefined, {
      timeoutMs: 3_000,
      what: 'the late socket closed',
    }).catch(() => undefined);
    // It was never sent the document, and stays open on a room that is gone.
    expect(late.syncUpdates).toHaveLength(0);
    expect(late.closeCode).toBe(CloseCode.StorageUnavailable);
  });
});

describe('breaker: shutting down and unloading while a commit is slow', () => {
  it('stop() while a commit is in flight: it is stored and compacted before the database closes', async () => {
    const documentId = server.actionPlanId();
    const writer = await synced(DEMO.hungarianDrafter, documentId);
    const commit = gate.hold('appendBatch');
    modelText(writer.doc).insert(0, 'LAST WORDS ');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit in flight' });
    const stopping = server.server.stop();
    commit.release();
    await stopping;
    writer.provider.disconnect();
    await server.start({ port: 0 });
    expect(storedContent(server, documentId)).toContain('LAST WORDS ');
    expect(server.server.repositories.documentStorage.countUpdates(documentId)).toBe(0);
  });

  it('the last delegate leaves while its commit is slow and another arrives meanwhile: nothing lost, the room stays', async () => {
    const documentId = server.actionPlanId();
    const leaver = await synced(DEMO.hungarianDrafter, documentId);
    const room = roomOf(documentId);
    const commit = gate.hold('appendBatch');
    modelText(leaver.doc).insert(0, 'LEAVING ');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit in flight' });
    leaver.destroy();
    clients.splice(clients.indexOf(leaver), 1);
    await waitFor(() => room.connections.size === 0, { what: 'the leaver gone' });
    const comer = await raw(DEMO.czechDrafter, documentId);
    comer.send(syncStep1Message(new Y.Doc()));
    commit.release();

    await waitFor(() => contentOf(comer.doc).includes('LEAVING '), {
      what: 'the leaver’s words on the newcomer',
    });
    expect(server.server.collab.rooms.get(documentId)).toBe(room);
    comer.send(syncUpdateMessage(updateFrom(comer.doc, (doc) => modelText(doc).insert(0, 'ARRIVED '))));
    await waitFor(() => storedContent(server, documentId).includes('ARRIVED LEAVING '), {
      what: 'both stored',
    });
    expect(comer.closeCode).toBeUndefined();
  });
});
