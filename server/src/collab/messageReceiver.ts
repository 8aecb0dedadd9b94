import { CloseCode, MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { CollabRefusal } from '../errors';
import type { Connection } from './connection';
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
      // Each answer may be the whole document: budgeted per user (4429 past it).
      connection.guards.syncAnswers?.spend();
      room.answerSyncStep1(stateVector, connection);
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
      room.presence.receive(connection, payload);
      return;
    }
    case MessageType.QueryAwareness:
      expectEnd(decoder, 'query awareness');
      // One byte answered with every presence state in the room: budgeted per user (4429 past it).
      connection.guards.presenceAnswers?.spend();
      room.presence.sendAllTo(connection);
      return;
    default:
      throw new CollabRefusal(CloseCode.UnknownMessageType, `message type ${messageType} is not accepted`);
  }
}
