import { CloseCode } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CollabRefusal } from '../errors';
import type { Connection } from './connection';

const MAX_PRESENCE_STATE_CHARS = 16 * 1024;
const MAX_PRESENCE_ENTRIES = 10_000;

interface PresenceEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/**
 * Checks an awareness update from a client and rewrites it so it cannot lie.
 * A connection speaks for one awareness client id: the first it announces
 * that no other user's open connection owns. Entries for other ids are
 * dropped — the stock y-websocket provider relays other clients' presence
 * back, so they are expected, but never applied: nobody can set or remove
 * someone else's presence. In the entry kept, the `user` field others see is
 * replaced by the server's session identity. Returns the awareness update to
 * apply, or null when nothing in it is the connection's own.
 */
export function sanitizePresenceUpdate(
  connection: Connection,
  payload: Uint8Array,
  ownedByAnotherUser: (clientId: number) => boolean,
): Uint8Array | null {
  const entries = readEntries(payload);
  const own = entries.filter((entry) => {
    if (connection.awarenessClientId === undefined && !ownedByAnotherUser(entry.clientId)) {
      connection.awarenessClientId = entry.clientId;
    }
    return entry.clientId === connection.awarenessClientId;
  });
  const entry = own.at(-1);
  if (!entry) return null;
  if (entry.state !== null) entry.state.user = connection.presence;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, entry.clientId);
  encoding.writeVarUint(encoder, entry.clock);
  encoding.writeVarString(encoder, JSON.stringify(entry.state));
  return encoding.toUint8Array(encoder);
}

function readEntries(payload: Uint8Array): PresenceEntry[] {
  const decoder = decoding.createDecoder(payload);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_PRESENCE_ENTRIES)
    throw new CollabRefusal(CloseCode.MalformedMessage, 'too many awareness entries');
  const entries: PresenceEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const stateJson = decoding.readVarString(decoder);
    if (stateJson.length > MAX_PRESENCE_STATE_CHARS) {
      throw new CollabRefusal(CloseCode.MessageTooBig, 'awareness state too large');
    }
    entries.push({ clientId, clock, state: parseState(stateJson) });
  }
  if (decoding.hasContent(decoder))
    throw new CollabRefusal(CloseCode.MalformedMessage, 'trailing bytes in awareness');
  return entries;
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
