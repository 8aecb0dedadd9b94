import { CloseCode, MessageType, type UserProfile } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Connection } from '../../server/src/collab/connection';
import {
  type AuthoredUpdates,
  type DocumentStorage,
  MemoryDocumentStorage,
} from '../../server/src/collab/documentStorage';
import { Room } from '../../server/src/collab/room';
import { StorageWriteError } from '../../server/src/errors';
import { createLogger } from '../../server/src/logger';
import { MemorySocket } from '../support/memorySocket';

const logger = createLogger('silent');

function person(code: string): UserProfile {
  return {
    id: `user-${code}`,
    email: `${code}@example.org`,
    name: code,
    isAdmin: false,
    participant: { id: `participant-${code}`, code, name: code, kind: 'state', color: '#123456' },
  };
}

function connect(room: Room, code: string): { connection: Connection; socket: MemorySocket } {
  const socket = new MemorySocket();
  const connection = new Connection(socket, person(code), 'drafter', '127.0.0.1', logger);
  room.join(connection);
  socket.sent.length = 0; // the room's sync step 1
  return { connection, socket };
}

/** A paragraph typed by a client of its own, as a y-websocket provider would send it. */
function typed(text: string): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment('content').insert(0, [paragraph]);
  return Y.encodeStateAsUpdate(doc);
}

/** The text of every paragraph of a document, in order. */
function paragraphsOf(doc: Y.Doc): string {
  return doc
    .getXmlFragment('content')
    .toArray()
    .map((paragraph) => ((paragraph as Y.XmlElement).get(0) as Y.XmlText).toString())
    .join('');
}

/** The Yjs updates in sync-update messages. */
function updatesIn(messages: readonly Uint8Array[]): Uint8Array[] {
  return messages.map((message) => {
    const decoder = decoding.createDecoder(message);
    expect(decoding.readVarUint(decoder)).toBe(MessageType.Sync);
    expect(decoding.readVarUint(decoder)).toBe(2); // update
    return decoding.readVarUint8Array(decoder);
  });
}

function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return paragraphsOf(doc);
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A storage whose writes can be made to fail, counting the commits. */
class CountingStorage extends MemoryDocumentStorage {
  commits = 0;
  failing = false;
  override appendBatch(documentId: string, batch: readonly AuthoredUpdates[]): number {
    if (this.failing) throw new StorageWriteError('disk full', new Error('SQLITE_FULL'));
    this.commits++;
    return super.appendBatch(documentId, batch);
  }
}

function openRoom(storage: DocumentStorage): Room {
  return new Room('doc', storage, logger, { compactAfterUpdates: 1000 });
}

describe('a room stores the changes of one event-loop turn together', () => {
  it('commits them once, then sends each client one merged message; nothing before the commit', async () => {
    const storage = new CountingStorage();
    const room = openRoom(storage);
    const a = connect(room, 'PL');
    const b = connect(room, 'HU');
    const reader = connect(room, 'CZ');
    room.applyClientUpdate(typed('Poland '), a.connection);
    room.applyClientUpdate(typed('Hungary '), b.connection);
    expect(reader.socket.sent).toHaveLength(0);
    expect(storage.countUpdates('doc')).toBe(0);
    await endOfTurn();
    expect(storage.commits).toBe(1);
    expect(storage.countUpdates('doc')).toBe(2);
    for (const client of [a, b, reader]) {
      expect(client.socket.sent).toHaveLength(1);
      expect(textOf(updatesIn(client.socket.sent)).split(' ').sort()).toEqual(['', 'Hungary', 'Poland']);
    }
    room.destroy();
  });

  it('does not echo a turn that holds only one sender’s changes', async () => {
    const room = openRoom(new CountingStorage());
    const a = connect(room, 'PL');
    const reader = connect(room, 'CZ');
    room.applyClientUpdate(typed('one '), a.connection);
    room.applyClientUpdate(typed('two '), a.connection);
    await endOfTurn();
    expect(a.socket.sent).toHaveLength(0);
    expect(reader.socket.sent).toHaveLength(1);
    room.destroy();
  });

  it('answers a sync request only after storing the turn’s changes', () => {
    const storage = new CountingStorage();
    const room = openRoom(storage);
    const a = connect(room, 'PL');
    room.applyClientUpdate(typed('stored first'), a.connection);
    const answer = decoding.createDecoder(room.answerSyncStep1(Y.encodeStateVector(new Y.Doc())));
    expect(storage.commits).toBe(1);
    expect(decoding.readVarUint(answer)).toBe(MessageType.Sync);
    expect(decoding.readVarUint(answer)).toBe(1); // sync step 2
    expect(textOf([decoding.readVarUint8Array(answer)])).toBe('stored first');
    room.destroy();
  });

  it('when the commit fails: nobody receives anything, every sender is closed with 4503, the room holds only what is stored', async () => {
    const storage = new CountingStorage();
    const room = openRoom(storage);
    const a = connect(room, 'PL');
    const b = connect(room, 'HU');
    const reader = connect(room, 'CZ');
    room.applyClientUpdate(typed('kept '), a.connection);
    await endOfTurn();
    reader.socket.sent.length = 0;
    a.socket.sent.length = 0;
    b.socket.sent.length = 0;
    storage.failing = true;
    room.applyClientUpdate(typed('lost-a '), a.connection);
    room.applyClientUpdate(typed('lost-b '), b.connection);
    await endOfTurn();
    expect(reader.socket.sent).toHaveLength(0);
    expect(a.socket.closedWith).toBe(CloseCode.StorageUnavailable);
    expect(b.socket.closedWith).toBe(CloseCode.StorageUnavailable);
    expect(reader.socket.closedWith).toBeUndefined();
    expect(paragraphsOf(room.doc)).toBe('kept ');
    room.destroy();
  });

  it('a turn of many keystrokes from several senders reaches every receiver as one message equal to the stored document', async () => {
    const storage = new CountingStorage();
    const room = openRoom(storage);
    const reader = connect(room, 'CZ');
    const senders = ['PL', 'HU', 'AT'].map((code) => {
      const client = connect(room, code);
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array) => updates.push(update));
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('')]);
      doc.getXmlFragment('content').insert(0, [paragraph]);
      const text = paragraph.get(0) as Y.XmlText;
      for (let i = 0; i < 300; i++) text.insert(i % (text.length + 1), code[i % 2] as string);
      return { ...client, doc, updates };
    });
    // Interleaved, as keystrokes of three people arrive within one event-loop turn.
    for (let i = 0; i < 301; i++) {
      for (const sender of senders)
        room.applyClientUpdate(sender.updates[i] as Uint8Array, sender.connection);
    }
    await endOfTurn();
    expect(storage.commits).toBe(1);
    expect(storage.countUpdates('doc')).toBe(3 * 301);
    const stored = paragraphsOf(room.doc);
    expect(stored).toHaveLength(900);
    for (const client of [{ ...reader, doc: undefined as Y.Doc | undefined }, ...senders]) {
      expect(client.socket.sent).toHaveLength(1);
      const replica = new Y.Doc();
      if (client.doc) Y.applyUpdate(replica, Y.encodeStateAsUpdate(client.doc));
      for (const update of updatesIn(client.socket.sent)) Y.applyUpdate(replica, update);
      expect(paragraphsOf(replica)).toBe(stored);
      expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(room.doc));
    }
    room.destroy();
  });
});
