import { randomInt } from 'node:crypto';
import { MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../logger';
import type { Connection } from './connection';
import { encodePresenceEntry, encodePresenceUpdate, isOwnPresenceId, ownPresenceEntry } from './presence';
import type { PresenceClaims } from './presenceClaims';

/** Awareness client ids are unsigned 32-bit integers (Yjs client ids). */
const CLIENT_ID_LIMIT = 2 ** 32;

/**
 * How long a joining connection that announces no presence waits for
 * everyone's (ms). The stock provider announces its own right after its sync
 * step 1, so others wait one round trip; this is for clients that never do.
 */
export const PRESENCE_JOIN_WAIT_MS = 1000;

/** `[Awareness, update]` for already encoded entries. */
function awarenessMessage(entries: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, encodePresenceUpdate(entries));
  return encoding.toUint8Array(encoder);
}

/**
 * The presence (carets, selections, who is online) of one room's clients.
 * Clients' awareness updates are checked (ownPresenceEntry: own id only,
 * identity from the session), renumbered with the server's own clocks
 * (PresenceClaims.nextClock) and relayed in batches once per `flushMs`.
 * Renumbering is what makes a reconnected client visible again at once: the
 * stock provider re-announces its state with the clock it had, which the
 * others (and the server) already saw and would ignore. Since the relayed
 * clock then differs from the one the owner holds, a client never receives
 * its own entry back (it would adopt the clock and send it again, forever),
 * nor the entry of the id its client calls itself when that id was another
 * user's and it speaks under an alias (it would take that state for its own).
 *
 * Bounds: each user's relayed presence is charged to the user's presence
 * byte rate (`PRESENCE_BYTES_PER_SECOND`, shared by its sockets); past it the
 * user's updates are dropped — not relayed, the socket stays open — so one
 * user cannot make every reader in the room fall behind. Removals are never
 * dropped. The bookkeeping of ids (PresenceClaims) never refuses a client:
 * if it fails, the failure is logged and presence is relayed without it.
 */
export class RoomPresence {
  readonly awareness = new awarenessProtocol.Awareness(new Y.Doc());
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  /** The client clock of each connection's last accepted entry (older or repeated ones are dropped). */
  private readonly clientClocks = new WeakMap<Connection, number>();
  /** Connections whose presence was dropped for their user's rate (warned about once each). */
  private readonly throttled = new WeakSet<Connection>();
  /** Presence ids other instances relay, with their user (from the state they stamped): nobody here may speak for them. */
  private readonly remoteOwners = new Map<number, string>();
  /** Joined connections not yet sent anyone's presence: they have not said which id is theirs. */
  private readonly joining = new Map<Connection, NodeJS.Timeout>();

  /**
   * @param connections the room's open connections (read, never changed).
   * @param claims who owns which awareness client id, and its relayed clocks.
   * @param flushMs presence changes are relayed together once per this interval (ms; 0: at once).
   * @param logger for dropped presence and failed bookkeeping.
   */
  constructor(
    private readonly connections: ReadonlySet<Connection>,
    private readonly claims: PresenceClaims,
    private readonly flushMs: number,
    private readonly logger: Logger,
  ) {
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /**
   * Applies an awareness update from `connection` (the payload after the
   * message type): its own entry only, renumbered, within its user's presence
   * byte rate; then, the first time, sends it everyone's presence (welcome).
   * Throws CollabRefusal for a malformed update (4400) or an oversized state (1009).
   */
  receive(connection: Connection, payload: Uint8Array): void {
    this.applyOwn(connection, payload);
    this.settle(connection);
  }

  /**
   * Applies presence another instance relayed (its clients' entries, stamped
   * there with their user): each id is remembered as that user's, so no one
   * connected here may speak for it; an entry for an id a user here holds is
   * dropped. Relayed to this instance's clients like any change. Throws on an
   * undecodable payload (the bus checked the frame, not the entries).
   */
  applyRemote(payload: Uint8Array, origin: unknown): void {
    const decoder = decoding.createDecoder(payload);
    const kept: Uint8Array[] = [];
    // The ids connections here speak for, gathered once per message (not per entry).
    const spokenHere = new Set<number | undefined>();
    for (const connection of this.connections) spokenHere.add(connection.awarenessClientId);
    for (let count = decoding.readVarUint(decoder); count > 0; count--) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = JSON.parse(decoding.readVarString(decoder)) as Record<string, unknown> | null;
      const userId = (state?.user as { userId?: unknown } | undefined)?.userId;
      if (state === null) {
        this.remoteOwners.delete(clientId);
      } else if (typeof userId === 'string') {
        if (this.safely('check', false, () => this.claims.heldByAnotherUser(clientId, userId))) continue;
        this.remoteOwners.set(clientId, userId);
      }
      kept.push(
        encodePresenceEntry({ clientId, clock: this.remoteClock(clientId, clock, spokenHere), state }),
      );
    }
    if (kept.length > 0)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodePresenceUpdate(kept), origin);
  }

  /**
   * The clock under which another instance's entry for `clientId` is applied
   * here. `sendAllTo` renumbers every state, remote ones too, with this
   * instance's clock; the publisher stamped the entry with its own, which can
   * be lower (stamped before a join here renumbered it, or a clock behind this
   * host's) and would be ignored as stale. The bus delivers each publisher's
   * messages in order, so what arrives is newer: it gets a clock above the one
   * held. An id a connection here speaks for keeps the publisher's clock (a
   * removal from the instance it left must not override its presence here).
   */
  private remoteClock(clientId: number, clock: number, spokenHere: ReadonlySet<number | undefined>): number {
    if (spokenHere.has(clientId)) return clock;
    return Math.max(clock, (this.awareness.meta.get(clientId)?.clock ?? 0) + 1);
  }

  /**
   * A connection joined. It is sent everyone's presence once its client has
   * announced its own (its first awareness message), or after
   * PRESENCE_JOIN_WAIT_MS, or when it asks (QueryAwareness) — not at once: if
   * another user holds the id its client calls itself, the entry for that id
   * must never reach it (it would take that state for its own), and which id
   * that is, it says only in its first awareness message. Until then it is
   * sent no presence at all; what it missed is in what it is sent then.
   */
  welcome(connection: Connection): void {
    const timer = setTimeout(() => this.settle(connection), PRESENCE_JOIN_WAIT_MS);
    timer.unref();
    this.joining.set(connection, timer);
  }

  /** Sends a joining connection everyone's presence (once). */
  private settle(connection: Connection): void {
    const timer = this.joining.get(connection);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.joining.delete(connection);
    if (connection.isOpen) this.sendAllTo(connection);
  }

  private applyOwn(connection: Connection, payload: Uint8Array): void {
    const before = connection.awarenessClientId;
    const entry = ownPresenceEntry(connection, payload, {
      ownedByAnotherUser: (clientId) =>
        this.safely('check', false, () => this.claims.heldByAnotherUser(clientId, connection.user.id)) ||
        (this.remoteOwners.get(clientId) ?? connection.user.id) !== connection.user.id,
      newAlias: () => this.newAlias(),
    });
    const clientId = connection.awarenessClientId;
    if (clientId !== undefined && before === undefined) {
      this.safely('claim', undefined, () => this.claims.claim(clientId, connection.user.id));
      if (clientId !== connection.announcedClientId) {
        connection.logger.info(
          { connection: connection.id, announced: connection.announcedClientId, alias: clientId },
          'presence id held by another user; relayed under an alias',
        );
      }
    }
    if (!entry) return;
    const last = this.clientClocks.get(connection);
    if (last !== undefined && entry.clock <= last) return;
    this.clientClocks.set(connection, entry.clock);
    const clock = this.safely('clock', Date.now(), () => this.claims.nextClock(entry.clientId));
    const encoded = encodePresenceEntry({ ...entry, clock });
    if (entry.state !== null && !(connection.guards.presenceBytes?.tryTake(encoded.byteLength) ?? true)) {
      this.dropForRate(connection, encoded.byteLength);
      return;
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodePresenceUpdate([encoded]), connection);
  }

  /**
   * Sends `connection` everyone's current presence (when it joins, or asks
   * with QueryAwareness). Each state's clock is advanced first: a client that
   * reconnects still remembers the clocks it saw and would ignore them.
   */
  sendAllTo(connection: Connection): void {
    clearTimeout(this.joining.get(connection));
    this.joining.delete(connection);
    const entries: Uint8Array[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (isOwnPresenceId(connection, clientId)) continue;
      const meta = this.awareness.meta.get(clientId);
      const clock = this.safely('clock', Date.now(), () => this.claims.nextClock(clientId));
      this.awareness.meta.set(clientId, { clock, lastUpdated: meta?.lastUpdated ?? Date.now() });
      entries.push(encodePresenceEntry({ clientId, clock, state: state as Record<string, unknown> }));
    }
    if (entries.length > 0) connection.send(awarenessMessage(entries));
  }

  /**
   * A connection left: its presence is removed (and the removal relayed)
   * unless another open connection still speaks for the same id (its
   * reconnected socket). The id stays its user's (PresenceClaims retention).
   */
  leave(connection: Connection): void {
    clearTimeout(this.joining.get(connection));
    this.joining.delete(connection);
    const clientId = connection.awarenessClientId;
    if (clientId === undefined) return;
    this.safely('release', undefined, () => this.claims.release(clientId));
    const stillClaimed = [...this.connections].some(
      (other) => other !== connection && other.awarenessClientId === clientId,
    );
    if (!stillClaimed) awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], connection);
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const timer of this.joining.values()) clearTimeout(timer);
    this.joining.clear();
    this.awareness.off('update', this.onUpdate);
    this.awareness.destroy();
  }

  private readonly onUpdate = (changes: { added: number[]; updated: number[]; removed: number[] }): void => {
    for (const clientId of changes.removed) this.remoteOwners.delete(clientId);
    for (const clientId of [...changes.added, ...changes.updated, ...changes.removed]) {
      this.pending.add(clientId);
    }
    if (this.flushMs === 0) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  };

  /**
   * Relays every presence change since the last flush: one message for
   * everyone, except that a connection never gets its own entry back. A
   * removed client's clock is then forgotten (PresenceClaims keeps it).
   */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const entries = new Map<number, Uint8Array>();
    for (const clientId of this.pending) {
      const meta = this.awareness.meta.get(clientId);
      if (!meta) continue;
      const state = (this.awareness.getStates().get(clientId) ?? null) as Record<string, unknown> | null;
      entries.set(clientId, encodePresenceEntry({ clientId, clock: meta.clock, state }));
      if (state === null) this.awareness.meta.delete(clientId);
    }
    this.pending.clear();
    if (entries.size === 0) return;
    const everything = awarenessMessage([...entries.values()]);
    for (const connection of this.connections) {
      if (this.joining.has(connection)) continue; // sent everything once it settles
      const mine = [connection.awarenessClientId, connection.announcedClientId];
      if (!mine.some((clientId) => clientId !== undefined && entries.has(clientId))) {
        connection.send(everything);
        continue;
      }
      const others = [...entries]
        .filter(([clientId]) => !isOwnPresenceId(connection, clientId))
        .map(([, entry]) => entry);
      if (others.length > 0) connection.send(awarenessMessage(others));
    }
  }

  /** A fresh awareness client id nobody holds or shows (an alias for a client whose own id is another user's). */
  private newAlias(): number {
    for (;;) {
      const clientId = randomInt(1, CLIENT_ID_LIMIT);
      const held = this.safely('check', false, () => this.claims.isHeld(clientId));
      if (!held && !this.awareness.getStates().has(clientId)) return clientId;
    }
  }

  /** Drops a presence update past its user's byte rate (not relayed; the socket stays open). */
  private dropForRate(connection: Connection, bytes: number): void {
    const details = { connection: connection.id, bytes, ip: connection.remoteAddress };
    if (this.throttled.has(connection)) {
      connection.logger.debug(details, 'presence past its user’s rate; dropped');
      return;
    }
    this.throttled.add(connection);
    connection.logger.warn(
      details,
      'presence past its user’s rate; dropping it (reported once per connection)',
    );
  }

  /**
   * Runs a step of the id bookkeeping; if it fails (e.g. a Map past V8's
   * size limit), logs it and returns `fallback`: bookkeeping never turns into
   * a refusal of the client.
   */
  private safely<T>(what: string, fallback: T, step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.logger.error({ err: error, what }, 'presence id bookkeeping failed; carrying on without it');
      return fallback;
    }
  }
}
