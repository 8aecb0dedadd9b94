import { CloseCode, MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type AuthoredUpdates,
  asyncStorage,
  MemoryDocumentStorage,
  type SyncDocumentStorage,
} from '../../server/src/collab/documentStorage';
import { Room } from '../../server/src/collab/room';
import { StorageWriteError } from '../../server/src/errors';
import {
  endOfTurn,
  joinRoom,
  paragraphTexts,
  silentLogger,
  syncUpdatesIn,
  typedParagraph,
} from '../support/roomClients';

/** The text of every paragraph of a document, in order, as one string. */
function paragraphsOf(doc: Y.Doc): string {
  return paragraphTexts(doc).join('');
}

function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return paragraphsOf(doc);
}

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

async function openRoom(storage: SyncDocumentStorage): Promise<Room> {
  const room = new Room('doc', asyncStorage(storage), silentLogger, { compactAfterUpdates: 1000 });
  await room.loaded;
  return room;
}

describe('a room stores the changes of one event-loop turn together', () => {
  it('commits them once, then sends each client one merged message; nothing before the commit', async () => {
    const storage = new CountingStorage();
    const room = await openRoom(storage);
    const a = joinRoom(room, 'PL');
    const b = joinRoom(room, 'HU');
    const reader = joinRoom(room, 'CZ');
    room.applyClientUpdate(typedParagraph('Poland '), a.connection);
    room.applyClientUpdate(typedParagraph('Hungary '), b.connection);
    expect(reader.socket.sent).toHaveLength(0);
    expect(storage.countUpdates('doc')).toBe(0);
    await endOfTurn();
    expect(storage.commits).toBe(1);
    expect(storage.countUpdates('doc')).toBe(2);
    for (const client of [a, b, reader]) {
      expect(client.socket.sent).toHaveLength(1);
      expect(textOf(syncUpdatesIn(client.socket.sent)).split(' ').sort()).toEqual(['', 'Hungary', 'Poland']);
    }
    room.destroy();
  });

  it('does not echo a turn that holds only one sender’s changes', async () => {
    const room = await openRoom(new CountingStorage());
    const a = joinRoom(room, 'PL');
    const reader = joinRoom(room, 'CZ');
    room.applyClientUpdate(typedParagraph('one '), a.connection);
    room.applyClientUpdate(typedParagraph('two '), a.connection);
    await endOfTurn();
    expect(a.socket.sent).toHaveLength(0);
    expect(reader.socket.sent).toHaveLength(1);
    room.destroy();
  });

  it('answers a sync request only after storing the turn’s changes', async () => {
    const storage = new CountingStorage();
    const room = await openRoom(storage);
    const a = joinRoom(room, 'PL');
    const asking = joinRoom(room, 'CZ');
    room.applyClientUpdate(typedParagraph('stored first'), a.connection);
    room.answerSyncStep1(Y.encodeStateVector(new Y.Doc()), asking.connection);
    // Not answered before the commit settles.
    expect(asking.socket.sent).toHaveLength(0);
    await endOfTurn();
    expect(storage.commits).toBe(1);
    // The turn's broadcast, then the answer.
    expect(asking.socket.sent).toHaveLength(2);
    const answer = decoding.createDecoder(asking.socket.sent[1] as Uint8Array);
    expect(decoding.readVarUint(answer)).toBe(MessageType.Sync);
    expect(decoding.readVarUint(answer)).toBe(1); // sync step 2
    expect(textOf([decoding.readVarUint8Array(answer)])).toBe('stored first');
    room.destroy();
  });

  it('when the commit fails: nobody receives anything, every sender is closed with 4503, the room holds only what is stored', async () => {
    const storage = new CountingStorage();
    const room = await openRoom(storage);
    const a = joinRoom(room, 'PL');
    const b = joinRoom(room, 'HU');
    const reader = joinRoom(room, 'CZ');
    room.applyClientUpdate(typedParagraph('kept '), a.connection);
    await endOfTurn();
    reader.socket.sent.length = 0;
    a.socket.sent.length = 0;
    b.socket.sent.length = 0;
    storage.failing = true;
    room.applyClientUpdate(typedParagraph('lost-a '), a.connection);
    room.applyClientUpdate(typedParagraph('lost-b '), b.connection);
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
    const room = await openRoom(storage);
    const reader = joinRoom(room, 'CZ');
    const senders = ['PL', 'HU', 'AT'].map((code) => {
      const client = joinRoom(room, code);
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
      for (const update of syncUpdatesIn(client.socket.sent)) Y.applyUpdate(replica, update);
      expect(paragraphsOf(replica)).toBe(stored);
      expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(room.doc));
    }
    room.destroy();
  });
});
