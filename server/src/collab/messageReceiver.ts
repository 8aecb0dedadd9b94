import { CloseCode, MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CollabRefusal } from '../errors';
import type { Connection } from './connection';
import { sanitizePresenceUpdate } from './presence';
import type { Room } from './room';

function expectEnd(decoder: decoding.Decoder, what: string): void {
  if (decoding.hasContent(decoder)) {
    throw new CollabRefusal(CloseCode.MalformedMessage, `trailing bytes after ${what}`);
  }
}

/** Reads a varint-prefixed byte array, refusing lengths beyond the message. */
function readPayload(decoder: decoding.Decoder, what: string): Uint8Array {
  const length = decoding.readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) {
    throw new CollabRefusal(CloseCode.MalformedMessage, `${what} length beyond the message`);
  }
  return decoding.readUint8Array(decoder, length);
}

function receiveSync(decoder: decoding.Decoder, connection: Connection, room: Room): void {
  const syncType = decoding.readVarUint(decoder);
  switch (syncType) {
    case SyncMessageType.Step1: {
      const stateVector = readPayload(decoder, 'state vector');
      expectEnd(decoder, 'sync step 1');
      connection.send(room.answerSyncStep1(stateVector));
      return;
    }
    case SyncMessageType.Step2:
    case SyncMessageType.Update: {
      const update = readPayload(decoder, 'update');
      expectEnd(decoder, 'sync update');
      room.applyClientUpdate(update, connection);
      return;
    }
    default:
      throw new CollabRefusal(CloseCode.MalformedMessage, `unknown sync message type ${syncType}`);
  }
}

function answerQueryAwareness(connection: Connection, room: Room): void {
  const clients = [...room.awareness.getStates().keys()];
  if (clients.length === 0) return;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients));
  connection.send(encoding.toUint8Array(encoder));
}

/**
 * Handles one binary y-websocket message from a client. Throws CollabRefusal
 * (with the close code to use) for anything malformed or not allowed; lib0
 * decoding errors on truncated input surface as plain errors and are treated
 * as malformed by the caller.
 */
export function receiveMessage(message: Uint8Array, connection: Connection, room: Room): void {
  const decoder = decoding.createDecoder(message);
  const messageType = decoding.readVarUint(decoder);
  switch (messageType) {
    case MessageType.Sync:
      receiveSync(decoder, connection, room);
      return;
    case MessageType.Awareness: {
      const payload = readPayload(decoder, 'awareness update');
      expectEnd(decoder, 'awareness');
      const own = sanitizePresenceUpdate(connection, payload, (clientId) =>
        room.presenceOwnedByAnotherUser(clientId, connection),
      );
      if (own) room.applyPresence(own, connection);
      return;
    }
    case MessageType.QueryAwareness:
      expectEnd(decoder, 'query awareness');
      answerQueryAwareness(connection, room);
      return;
    default:
      throw new CollabRefusal(CloseCode.UnknownMessageType, `message type ${messageType} is not accepted`);
  }
}
