import type { Logger } from '../logger';

/** How much may wait for a busy room (a load, a commit, a server command). */
export interface RoomQueueLimits {
  /** Operations waiting at once (default 20,000: 50 editors' keystrokes for a few seconds of a slow store). */
  maxOperations: number;
  /** Bytes of client messages waiting at once (default 64 MiB: sixteen times the default frame limit). */
  maxBytes: number;
  /**
   * Operations one user's messages may have waiting at once, over all their
   * sockets (default 2,000: a typist's keystrokes for minutes of a stalled
   * store), so one delegate's flood cannot fill the room's queue and get
   * another's keystrokes refused.
   */
  maxOperationsPerUser: number;
  /** Bytes of one user's messages waiting at once (default 8 MiB: twice the default frame limit). */
  maxBytesPerUser: number;
}

export const DEFAULT_ROOM_QUEUE_LIMITS: RoomQueueLimits = {
  maxOperations: 20_000,
  maxBytes: 64 * 1024 * 1024,
  maxOperationsPerUser: 2_000,
  maxBytesPerUser: 8 * 1024 * 1024,
};

interface Waiting {
  operation: () => void;
  bytes: number;
  /** The user whose message it is (charged to their share), or undefined for a server operation. */
  user: string | undefined;
}

/** What one user has waiting. */
interface Share {
  operations: number;
  bytes: number;
}

/**
 * The order in which a room does things. While the room is busy — loading
 * its document from storage, committing a turn, running a server command,
 * reloading after a failed write — what arrives (a client's message, a join,
 * another command) waits here and runs afterwards in arrival order, so the
 * room's Y.Doc only ever holds what was stored plus the current turn, and
 * concurrent opens of a loading document share its one load (as Hocuspocus
 * queues messages while a document loads).
 *
 * Busy is a count: each `hold()` is ended by one `release()`; queued
 * operations run when the count reaches 0, in order, until one of them makes
 * the room busy again. An operation is synchronous and must not throw (one
 * that does is logged and the next runs).
 */
export class RoomQueue {
  private holds: number;
  private readonly waiting: Waiting[] = [];
  private waitingBytes = 0;
  private readonly shares = new Map<string, Share>();

  /** @param startBusy true while the document is still loading (the loader releases it). */
  constructor(
    private readonly limits: RoomQueueLimits,
    private readonly logger: Logger,
    startBusy: boolean,
  ) {
    this.holds = startBusy ? 1 : 0;
  }

  get isBusy(): boolean {
    return this.holds > 0;
  }

  /** Operations waiting. */
  get size(): number {
    return this.waiting.length;
  }

  /**
   * Runs `operation` now when the room is idle, otherwise queues it. Returns
   * false, without queueing, when the room's queue or the user's share of it
   * is full (RoomQueueLimits): the caller refuses the message.
   * @param bytes the size of the client message it carries (0 for a server operation, never refused).
   * @param user whose message it is: charged to that user's share.
   */
  run(operation: () => void, bytes = 0, user?: string): boolean {
    if (!this.isBusy) {
      this.runSafely(operation);
      return true;
    }
    if (bytes > 0 && !this.hasRoomFor(bytes, user)) return false;
    this.waiting.push({ operation, bytes, user });
    this.waitingBytes += bytes;
    if (user !== undefined) {
      const share = this.shares.get(user) ?? { operations: 0, bytes: 0 };
      share.operations++;
      share.bytes += bytes;
      this.shares.set(user, share);
    }
    return true;
  }

  private hasRoomFor(bytes: number, user: string | undefined): boolean {
    const { limits } = this;
    if (this.waiting.length >= limits.maxOperations || this.waitingBytes + bytes > limits.maxBytes)
      return false;
    const share = user === undefined ? undefined : this.shares.get(user);
    return (
      !share ||
      (share.operations < limits.maxOperationsPerUser && share.bytes + bytes <= limits.maxBytesPerUser)
    );
  }

  /** Queues `operation` before every other waiting one: it was running when the room became busy again. */
  runFirst(operation: () => void): void {
    if (!this.isBusy) {
      this.runSafely(operation);
      return;
    }
    this.waiting.unshift({ operation, bytes: 0, user: undefined });
  }

  /** The room becomes busy (until the matching `release`). */
  hold(): void {
    this.holds++;
  }

  /** Ends one busy section; when none remains, runs what waits, in order, until the room is busy again. */
  release(): void {
    if (this.holds === 0) throw new Error('RoomQueue released more often than held');
    this.holds--;
    while (!this.isBusy) {
      const next = this.waiting.shift();
      if (!next) return;
      this.waitingBytes -= next.bytes;
      this.uncharge(next);
      this.runSafely(next.operation);
    }
  }

  /** Forgets every waiting operation (the room is broken or destroyed); returns how many there were. */
  clear(): number {
    const dropped = this.waiting.length;
    this.waiting.length = 0;
    this.waitingBytes = 0;
    this.shares.clear();
    return dropped;
  }

  private uncharge(waiting: Waiting): void {
    if (waiting.user === undefined) return;
    const share = this.shares.get(waiting.user);
    if (!share) return;
    share.operations--;
    share.bytes -= waiting.bytes;
    if (share.operations <= 0) this.shares.delete(waiting.user);
  }

  private runSafely(operation: () => void): void {
    try {
      operation();
    } catch (error) {
      this.logger.error({ err: error }, 'a room operation failed');
    }
  }
}
