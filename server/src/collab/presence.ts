import { CloseCode } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CollabRefusal } from '../errors';
import type { Connection } from './connection';

const MAX_PRESENCE_STATE_CHARS = 16 * 1024;

/**
 * Checks an awareness update from a client and rewrites it so it cannot lie:
 * it may only speak for its own awareness client id (the first it announced),
 * and the `user` field others see is replaced by the server's session identity.
 * Returns the re-encoded awareness update to apply.
 */
export function sanitizePresenceUpdate(connection: Connection, payload: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(payload);
  const count = decoding.readVarUint(decoder);
  if (count !== 1) {
    throw new CollabRefusal(
      CloseCode.Forbidden,
      `awareness update for ${count} clients; only one's own is allowed`,
    );
  }
  const clientId = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  const stateJson = decoding.readVarString(decoder);
  if (decoding.hasContent(decoder))
    throw new CollabRefusal(CloseCode.MalformedMessage, 'trailing bytes in awareness');
  if (stateJson.length > MAX_PRESENCE_STATE_CHARS) {
    throw new CollabRefusal(CloseCode.MessageTooBig, 'awareness state too large');
  }
  connection.awarenessClientId ??= clientId;
  if (clientId !== connection.awarenessClientId) {
    throw new CollabRefusal(CloseCode.Forbidden, 'awareness update for another client id');
  }
  const state = parseState(stateJson);
  if (state !== null) state.user = connection.presence;

  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

function parseState(json: string): Record<string, unknown> | null {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    throw new CollabRefusal(CloseCode.MalformedMessage, 'awareness state is not JSON');
  }
  if (state === null) return null;
  if (typeof state !== 'object' || Array.isArray(state)) {
    throw new CollabRefusal(CloseCode.MalformedMessage, 'awareness state is not an object');
  }
  return state as Record<string, unknown>;
}
