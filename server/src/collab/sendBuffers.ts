import type { Connection } from './connection';

/** How many bytes may wait to be sent to several collaboration sockets together. */
export interface SendBufferLimits {
  /** Bytes waiting for all of one user's sockets together (default 64 MiB: `MAX_USER_SEND_BUFFER_BYTES`). */
  maxUserBytes: number;
  /** Bytes waiting for all collaboration sockets together (default 256 MiB: `MAX_TOTAL_SEND_BUFFER_BYTES`). */
  maxTotalBytes: number;
}

/** Which bound a socket was closed for. */
export type SendBufferScope = 'user' | 'server';

/** A connection's socket's waiting bytes (CollabSocket.bufferedAmount). */
const waiting = (connection: Connection) => connection.socket.bufferedAmount;

/**
 * Bounds the memory that messages waiting to be sent take across sockets
 * (SendBackpressure bounds one socket): one user's sockets that never read
 * could otherwise hold `MAX_CONNECTIONS_PER_USER × MAX_SEND_BUFFER_BYTES`,
 * reconnecting as slots free, and many users more.
 *
 * Before a message is queued on a socket (`admits`), the bytes waiting for
 * its user's sockets together (open or closing: both hold memory) are
 * compared with `maxUserBytes`, and the bytes waiting for every socket with
 * `maxTotalBytes`. Each sum is measured only when the last measurement plus
 * the bytes queued since could exceed its bound (an upper bound: nothing else
 * adds to it), so a send walks no other socket in the usual case.
 *
 * Past a bound, sockets are freed until the sum is back under it (relieve):
 * first those already closing (they were told why, or their peer is gone;
 * they are destroyed, which frees their bytes at once), then the open ones
 * with the most waiting, closed with 4408 (SendBufferFull); if memory is still
 * short at the next message, those are destroyed as well. So the bytes waiting
 * for one user stay within `maxUserBytes` plus one message, and for everyone
 * within `maxTotalBytes` plus one message.
 */
export class SendBufferLedger {
  private readonly byUser = new Map<string, UserSockets>();
  private readonly all = new Set<Connection>();
  /** The exact sum at the last measurement, and the bytes queued since: their sum bounds the total. */
  private measuredTotal = 0;
  private queuedSinceMeasure = 0;

  /** @param limits the per-user and server-wide bounds, in bytes (Infinity: none). */
  constructor(private readonly limits: SendBufferLimits) {}

  /** Starts counting `connection`'s waiting bytes (call `remove` when its socket closed). */
  add(connection: Connection): void {
    this.all.add(connection);
    let mine = this.byUser.get(connection.user.id);
    if (!mine) {
      mine = { sockets: new Set(), measured: 0, queuedSinceMeasure: 0 };
      this.byUser.set(connection.user.id, mine);
    }
    mine.sockets.add(connection);
  }

  /** Stops counting `connection` (its socket closed, or was destroyed here). */
  remove(connection: Connection): void {
    this.all.delete(connection);
    const mine = this.byUser.get(connection.user.id);
    mine?.sockets.delete(connection);
    if (mine?.sockets.size === 0) this.byUser.delete(connection.user.id);
  }

  /**
   * Called before a message is queued on `connection`: frees sockets when its
   * user's or the server's bound is passed, and says whether the message may
   * still be queued (false when `connection` itself was closed to make room).
   */
  admits(connection: Connection): boolean {
    // Each sum walks sockets: it is only taken when what was measured plus what was queued
    // since could be past the limit (bytes only leave the buffers), so a send costs O(1).
    const mine = this.byUser.get(connection.user.id);
    if (mine && mine.measured + mine.queuedSinceMeasure > this.limits.maxUserBytes) {
      const userBytes = measureUser(mine);
      if (userBytes > this.limits.maxUserBytes)
        this.relieve(mine.sockets, userBytes, this.limits.maxUserBytes, 'user');
    }
    if (this.measuredTotal + this.queuedSinceMeasure > this.limits.maxTotalBytes) {
      const total = this.measure();
      if (total > this.limits.maxTotalBytes)
        this.relieve(this.all, total, this.limits.maxTotalBytes, 'server');
    }
    return connection.isOpen;
  }

  /** Records `bytes` queued on a socket (after `admits`). */
  queued(connection: Connection, bytes: number): void {
    this.queuedSinceMeasure += bytes;
    const mine = this.byUser.get(connection.user.id);
    if (mine) mine.queuedSinceMeasure += bytes;
  }

  /** Bytes waiting for every counted socket now, in bytes (for tests and metrics). */
  get totalBufferedBytes(): number {
    return this.measure();
  }

  /** Bytes waiting for `userId`'s sockets now. */
  bufferedBytesOf(userId: string): number {
    const mine = this.byUser.get(userId);
    return mine ? measureUser(mine) : 0;
  }

  private measure(): number {
    this.measuredTotal = sum(this.all);
    this.queuedSinceMeasure = 0;
    return this.measuredTotal;
  }

  /** Frees sockets of `candidates` until their waiting bytes are at most `limit`: closing ones first, then the largest. */
  private relieve(
    candidates: Iterable<Connection>,
    total: number,
    limit: number,
    scope: SendBufferScope,
  ): void {
    const ranked = [...candidates]
      .map((connection) => ({ connection, bytes: waiting(connection), open: connection.isOpen }))
      .filter((entry) => entry.bytes > 0)
      .sort((a, b) => Number(a.open) - Number(b.open) || b.bytes - a.bytes);
    let left = total;
    for (const { connection, bytes, open } of ranked) {
      if (left <= limit) break;
      left -= bytes;
      if (open) {
        connection.fellBehind(
          scope === 'user' ? "the user's connections together" : 'every connection together',
        );
        continue;
      }
      connection.logger.info(
        { connection: connection.id, bufferedBytes: bytes, scope },
        'a closing connection still held too much; destroyed',
      );
      this.remove(connection);
      connection.destroy();
    }
  }
}

/** One user's sockets, and their buffered bytes as last measured plus what was queued since. */
interface UserSockets {
  sockets: Set<Connection>;
  measured: number;
  queuedSinceMeasure: number;
}

function measureUser(mine: UserSockets): number {
  mine.measured = sum(mine.sockets);
  mine.queuedSinceMeasure = 0;
  return mine.measured;
}

function sum(connections: Iterable<Connection>): number {
  let total = 0;
  for (const connection of connections) total += waiting(connection);
  return total;
}
