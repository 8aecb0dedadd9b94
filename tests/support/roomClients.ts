/**
 * Clients of a collaboration Room held in memory, for the unit tests of the
 * room and its connections (no network, no server): delegates' profiles,
 * drafters joined to a room over a MemorySocket, a client's typed paragraph
 * as one Yjs update, and reading back what the room sent and holds.
 */
import { MessageType, type UserProfile } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { expect } from 'vitest';
import * as Y from 'yjs';
import { Connection } from '../../server/src/collab/connection';
import { asyncStorage, type SyncDocumentStorage } from '../../server/src/collab/documentStorage';
import { Room, type RoomOptions } from '../../server/src/collab/room';
import { createLogger } from '../../server/src/logger';
import { MemorySocket } from './memorySocket';

/** The logger the rooms and connections of these tests write to (nothing is printed). */
export const silentLogger = createLogger('silent');

/** A room for document `doc` over `storage` (synchronous, read back directly by the test), once loaded. */
export async function openTestRoom(
  storage: SyncDocumentStorage,
  options: RoomOptions = { compactAfterUpdates: 1000 },
): Promise<Room> {
  const room = new Room('doc', asyncStorage(storage), silentLogger, options);
  await room.loaded;
  return room;
}

/** A delegate of the state delegation `code` (user `user-<code>`, participant `participant-<code>`). */
export function delegateProfile(code: string): UserProfile {
  return {
    id: `user-${code}`,
    email: `${code}@example.org`,
    name: code,
    isAdmin: false,
    participant: { id: `participant-${code}`, code, name: code, kind: 'state', color: '#123456' },
  };
}

/** A drafter of delegation `code` joined to `room` over a MemorySocket emptied of the room's sync step 1. */
export function joinRoom(room: Room, code: string): { connection: Connection; socket: MemorySocket } {
  const socket = new MemorySocket();
  const connection = new Connection(socket, delegateProfile(code), 'drafter', '127.0.0.1', silentLogger);
  room.join(connection);
  socket.sent.length = 0; // the room's sync step 1
  return { connection, socket };
}

/**
 * A paragraph typed by a client of its own (Y client id `clientId`, random
 * when not given), as one update — what a y-websocket provider would send.
 */
export function typedParagraph(text: string, clientId?: number): Uint8Array {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment('content').insert(0, [paragraph]);
  return Y.encodeStateAsUpdate(doc);
}

/** The text of every paragraph of a document, in document order. */
export function paragraphTexts(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment('content')
    .toArray()
    .map((paragraph) => ((paragraph as Y.XmlElement).get(0) as Y.XmlText).toString());
}

/** The Yjs updates in sync-update messages (each is asserted to be one). */
export function syncUpdatesIn(messages: readonly Uint8Array[]): Uint8Array[] {
  return messages.map((message) => {
    const decoder = decoding.createDecoder(message);
    expect(decoding.readVarUint(decoder)).toBe(MessageType.Sync);
    expect(decoding.readVarUint(decoder)).toBe(2); // update
    return decoding.readVarUint8Array(decoder);
  });
}

/** Resolves once the current event-loop turn (and the room's end-of-turn commit) has run. */
export const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));
