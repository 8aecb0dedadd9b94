import { CloseCode } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CollabRefusal } from '../errors';
import type { Connection } from './connection';

const MAX_PRESENCE_STATE_CHARS = 16 * 1024;
const MAX_PRESENCE_ENTRIES = 10_000;

/** One awareness entry: a client id, its clock and its state (null: gone). */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** How a connection's own awareness client id is decided. */
export interface PresenceIds {
  /** True when `clientId` belongs to another user (one of their connections, or one that left recently). */
  ownedByAnotherUser(clientId: number): boolean;
  /**
   * A fresh id nobody holds, for a client whose own id another user holds.
   * Absent: such a client is left without presence (its entries are dropped).
   */
  newAlias?(): number;
}

/**
 * Checks an awareness update from a client and keeps only what it may say.
 * A connection speaks for one awareness client id, decided by the first
 * entry it may call its own (`adoptOwnId`): an id nobody else holds, or —
 * when another user holds it (after a server restart, someone who saw it
 * may have spoken for it first) and the entry is the client's own state, not
 * a relay of that user's — a server-chosen alias, so its client is shown
 * under another id rather than not at all. Entries for other ids are dropped
 * — the stock y-websocket provider relays other clients' presence back, so
 * they are expected, but never applied: nobody can set or remove someone
 * else's presence. In the entry kept, the id is the one others see
 * (`connection.awarenessClientId`) and the `user` field is replaced by the
 * server's session identity. Returns the connection's own (last) entry, or
 * null when nothing in it is its own. Throws CollabRefusal for a malformed
 * update (4400) or an oversized state (1009).
 */
export function ownPresenceEntry(
  connection: Connection,
  payload: Uint8Array,
  ids: PresenceIds | PresenceIds['ownedByAnotherUser'],
): PresenceEntry | null {
  const presenceIds = typeof ids === 'function' ? { ownedByAnotherUser: ids } : ids;
  const entries = readEntries(payload);
  for (const entry of entries) {
    if (connection.announcedClientId !== undefined) break;
    adoptOwnId(connection, entry, presenceIds);
  }
  const entry = entries.filter((candidate) => candidate.clientId === connection.announcedClientId).at(-1);
  if (!entry || connection.awarenessClientId === undefined) return null;
  entry.clientId = connection.awarenessClientId;
  if (entry.state !== null) entry.state.user = connection.presence;
  return entry;
}

/**
 * Takes `entry`'s id as the connection's own when nobody else holds it; when
 * another user holds it, only an entry that is the client's own state (no
 * identity, or this user's: the server stamps every relayed state with its
 * owner's) gets an alias. Removals and relays of others' entries are skipped.
 */
function adoptOwnId(connection: Connection, entry: PresenceEntry, ids: PresenceIds): void {
  if (!ids.ownedByAnotherUser(entry.clientId)) {
    connection.announcedClientId = entry.clientId;
    connection.awarenessClientId = entry.clientId;
    return;
  }
  if (!ids.newAlias || entry.state === null) return;
  const user = entry.state.user;
  const claimed =
    typeof user === 'object' && user !== null ? (user as { userId?: unknown }).userId : undefined;
  if (claimed !== undefined && claimed !== connection.user.id) return;
  connection.announcedClientId = entry.clientId;
  connection.awarenessClientId = ids.newAlias();
}

/** `ownPresenceEntry`, encoded as a one-entry awareness update (null when nothing is the connection's own). */
export function sanitizePresenceUpdate(
  connection: Connection,
  payload: Uint8Array,
  ids: PresenceIds | PresenceIds['ownedByAnotherUser'],
): Uint8Array | null {
  const entry = ownPresenceEntry(connection, payload, ids);
  return entry ? encodePresenceUpdate([encodePresenceEntry(entry)]) : null;
}

/** True when `clientId` is the connection's own: the id others see it as, or the one its client calls itself. */
export function isOwnPresenceId(connection: Connection, clientId: number): boolean {
  return clientId === connection.awarenessClientId || clientId === connection.announcedClientId;
}

/** One awareness entry as y-protocols encodes it: client id, clock, state as JSON. */
export function encodePresenceEntry(entry: PresenceEntry): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entry.clientId);
  encoding.writeVarUint(encoder, entry.clock);
  encoding.writeVarString(encoder, JSON.stringify(entry.state));
  return encoding.toUint8Array(encoder);
}

/** An awareness update (without the message type) made of already encoded entries. */
export function encodePresenceUpdate(entries: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) encoding.writeUint8Array(encoder, entry);
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
