import { CollabRefusal } from '../errors';
import type { Connection, ConnectionGuards } from './connection';
import { AnswerBudget, type AnswerBudgetOptions, answerBuckets } from './messageBudget';
import { SendBackpressure } from './sendBackpressure';
import { SendBufferLedger } from './sendBuffers';
import { UserAllowance, UserBuckets } from './userBuckets';

/** How much presence one user may have relayed (`PRESENCE_BYTES_PER_SECOND`, `PRESENCE_BYTE_BURST`). */
export interface PresenceRateOptions {
  /** Bytes per second on average (default 32 KiB). */
  bytesPerSecond: number;
  /** Bytes at once (default 64 KiB; at least one largest presence state). */
  byteBurst: number;
}

/** The bounds shared by the sockets of one user, or by every socket; each is off when absent. */
export interface CollabBoundsOptions {
  /** Whole-document sync answers per user (4429 past it). */
  syncAnswers?: AnswerBudgetOptions;
  /** Presence answers per user: the snapshot sent on joining and QueryAwareness (4429 past it). */
  presenceAnswers?: AnswerBudgetOptions;
  /** Presence bytes relayed per user (dropped past it). */
  presenceRate?: PresenceRateOptions;
  /** Bytes waiting for one socket (4408 past it). */
  maxSendBufferBytes?: number;
  /** Bytes waiting for one user's sockets together (4408 past it, the largest first). */
  maxUserSendBufferBytes?: number;
  /** Bytes waiting for every socket together (4408 past it, the largest first). */
  maxTotalSendBufferBytes?: number;
}

/**
 * The per-user and server-wide state behind each connection's guards: one
 * budget per user for sync answers, presence answers and presence bytes
 * (UserBuckets: shared by the user's sockets, kept across reconnects), and
 * the ledger of bytes waiting to be sent (SendBufferLedger).
 */
export class CollabBounds {
  private readonly syncAnswers: UserBuckets | undefined;
  private readonly presenceAnswers: UserBuckets | undefined;
  private readonly presenceBytes: UserBuckets | undefined;
  /** What waits to be sent to the sockets, per user and in all (absent without either bound). */
  readonly sendBuffers: SendBufferLedger | undefined;

  constructor(private readonly options: CollabBoundsOptions) {
    this.syncAnswers = options.syncAnswers && answerBuckets(options.syncAnswers);
    this.presenceAnswers = options.presenceAnswers && answerBuckets(options.presenceAnswers);
    const rate = options.presenceRate;
    this.presenceBytes =
      rate && new UserBuckets({ burst: rate.byteBurst, perInterval: rate.bytesPerSecond, intervalMs: 1000 });
    const { maxUserSendBufferBytes: maxUserBytes, maxTotalSendBufferBytes: maxTotalBytes } = options;
    this.sendBuffers =
      maxUserBytes === undefined && maxTotalBytes === undefined
        ? undefined
        : new SendBufferLedger({
            maxUserBytes: maxUserBytes ?? Number.POSITIVE_INFINITY,
            maxTotalBytes: maxTotalBytes ?? Number.POSITIVE_INFINITY,
          });
  }

  /** The guards of a new connection of `userId` whose session expires at `sessionExpiresAt` (ms since the epoch). */
  guardsFor(userId: string, sessionExpiresAt: number): ConnectionGuards {
    const { maxSendBufferBytes } = this.options;
    return {
      backpressure: maxSendBufferBytes === undefined ? undefined : new SendBackpressure(maxSendBufferBytes),
      sendBuffers: this.sendBuffers,
      syncAnswers:
        this.syncAnswers &&
        new AnswerBudget(this.syncAnswers, userId, 'asked for the whole document too often'),
      presenceAnswers:
        this.presenceAnswers &&
        new AnswerBudget(this.presenceAnswers, userId, 'asked for everyone’s presence too often'),
      presenceBytes: this.presenceBytes && new UserAllowance(this.presenceBytes, userId),
      sessionExpiresAt,
    };
  }

  /** Starts counting what waits for `connection`'s socket. */
  opened(connection: Connection): void {
    this.sendBuffers?.add(connection);
  }

  /** Stops counting it (its socket closed). */
  closed(connection: Connection): void {
    this.sendBuffers?.remove(connection);
  }

  /**
   * Charges the presence snapshot a joining connection is sent to its user's
   * presence-answer budget. Past it the connection is refused with 4429 (a
   * `refused` notice, then the close) and false is returned: it must not join.
   */
  admitJoin(connection: Connection): boolean {
    try {
      connection.guards.presenceAnswers?.spend();
      return true;
    } catch (error) {
      if (!(error instanceof CollabRefusal)) throw error;
      connection.logger.warn(
        {
          connection: connection.id,
          closeCode: error.closeCode,
          reason: error.message,
          ip: connection.remoteAddress,
        },
        'refused a connection joining; closing it',
      );
      connection.refuse(error.closeCode, error.message);
      return false;
    }
  }
}
