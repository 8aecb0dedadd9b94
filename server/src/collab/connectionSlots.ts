import type { Duplex } from 'node:stream';

/**
 * The per-user limit of open collaboration sockets (MAX_CONNECTIONS_PER_USER):
 * each socket holds one of its user's slots from the upgrade until it
 * closes. `CollabServer` takes a slot before completing an upgrade (429 when
 * none is free) and releases it when the socket closes.
 *
 * Two implementations: {@link MemoryConnectionSlots} (one process: the
 * embedded default) and `RedisConnectionSlots` (every instance shares the
 * count; slots of an instance that dies expire by themselves).
 */
export interface ConnectionSlots {
  /** Slots per user. */
  readonly limit: number;
  /**
   * Takes a slot of `userId` for the connection `connectionId` (unique among
   * this instance's connections). Resolves true when taken (or already held
   * by that connection), false when the user holds `limit` already. Never
   * rejects.
   */
  take(userId: string, connectionId: string): Promise<boolean>;
  /** Gives the slot back (nothing happens for a slot not held). Never rejects. */
  release(userId: string, connectionId: string): Promise<void>;
  /** Slots of `userId` held by this instance's connections. */
  heldHere(userId: string): number;
  /** Stops any background work and gives back every slot this instance holds. */
  close(): Promise<void>;
}

/**
 * Takes a slot of `userId` for the connection being upgraded on `socket`
 * and holds it until that TCP socket closes — after the WebSocket closed,
 * or at once when the upgrade does not complete (the handshake refused, the
 * connection failed while the slot was being taken). Resolves false, taking
 * nothing, when the user holds every slot.
 */
export async function holdSlotWhileOpen(
  slots: ConnectionSlots,
  userId: string,
  connectionId: string,
  socket: Duplex,
): Promise<boolean> {
  if (!(await slots.take(userId, connectionId))) return false;
  if (socket.destroyed) void slots.release(userId, connectionId);
  else socket.once('close', () => void slots.release(userId, connectionId));
  return true;
}

/**
 * Slots counted in this process: the embedded single-process server, and the
 * count each instance keeps of its own connections. Take and release are
 * synchronous underneath (the promises are already settled), so concurrent
 * upgrades can never exceed the limit.
 */
export class MemoryConnectionSlots implements ConnectionSlots {
  private readonly held = new Map<string, Set<string>>();

  /** @param limit slots per user (≥ 1) */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`a slot limit must be a whole number ≥ 1, not ${limit}`);
  }

  take(userId: string, connectionId: string): Promise<boolean> {
    return Promise.resolve(this.takeNow(userId, connectionId));
  }

  release(userId: string, connectionId: string): Promise<void> {
    this.releaseNow(userId, connectionId);
    return Promise.resolve();
  }

  heldHere(userId: string): number {
    return this.held.get(userId)?.size ?? 0;
  }

  /** Every (user, connection) held, for re-announcing them elsewhere. */
  *entries(): IterableIterator<[userId: string, connectionId: string]> {
    for (const [userId, connections] of this.held) {
      for (const connectionId of connections) yield [userId, connectionId];
    }
  }

  /** `take`, answered at once. */
  takeNow(userId: string, connectionId: string): boolean {
    let connections = this.held.get(userId);
    if (connections?.has(connectionId)) return true;
    if ((connections?.size ?? 0) >= this.limit) return false;
    if (!connections) {
      connections = new Set();
      this.held.set(userId, connections);
    }
    connections.add(connectionId);
    return true;
  }

  /** Holds a slot whatever the count (a connection that is open already); true when it was not held. */
  hold(userId: string, connectionId: string): boolean {
    let connections = this.held.get(userId);
    if (!connections) {
      connections = new Set();
      this.held.set(userId, connections);
    }
    if (connections.has(connectionId)) return false;
    connections.add(connectionId);
    return true;
  }

  /** `release`, done at once; true when the slot was held. */
  releaseNow(userId: string, connectionId: string): boolean {
    const connections = this.held.get(userId);
    if (!connections?.delete(connectionId)) return false;
    if (connections.size === 0) this.held.delete(userId);
    return true;
  }

  isHeld(userId: string, connectionId: string): boolean {
    return this.held.get(userId)?.has(connectionId) ?? false;
  }

  close(): Promise<void> {
    this.held.clear();
    return Promise.resolve();
  }
}
