import { CloseCode } from '@draftroom/shared';
import { TokenBucket } from 'limiter';
import { CollabRefusal } from '../errors';
import { UserAllowance, UserBuckets } from './userBuckets';

/** How much one collaboration socket may send (issue 11, item 4). */
export interface MessageBudgetOptions {
  /** Average messages per second. */
  messagesPerSecond: number;
  /** Messages that may arrive at once (a reconnect's sync plus presence, a burst of keystrokes). */
  messageBurst: number;
  /** Average bytes per second. */
  bytesPerSecond: number;
  /** Bytes that may arrive at once; at least one largest frame (twice `MAX_MESSAGE_BYTES` by default). */
  byteBurst: number;
}

/**
 * A connection's budget of messages and bytes: two token buckets (the
 * `limiter` package). A socket that spends past either is closed with 4429
 * (RateLimited) before its message is decoded, so a flood costs the server a
 * counter per message, not a decode or a document scan.
 */
export class MessageBudget {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(options: MessageBudgetOptions) {
    this.messages = new TokenBucket({
      bucketSize: options.messageBurst,
      tokensPerInterval: options.messagesPerSecond,
      interval: 'second',
    });
    this.messages.content = options.messageBurst;
    this.bytes = new TokenBucket({
      bucketSize: options.byteBurst,
      tokensPerInterval: options.bytesPerSecond,
      interval: 'second',
    });
    this.bytes.content = options.byteBurst;
  }

  /** Spends one message of `byteLength` bytes; throws CollabRefusal(4429) when the budget is exhausted. */
  spend(byteLength: number): void {
    if (!this.messages.tryRemoveTokens(1)) {
      throw new CollabRefusal(CloseCode.RateLimited, 'too many messages on this connection');
    }
    if (!this.bytes.tryRemoveTokens(Math.min(byteLength, this.bytes.bucketSize))) {
      throw new CollabRefusal(CloseCode.RateLimited, 'too many bytes on this connection');
    }
  }
}

/** How often one user's sockets together may ask for an answer (whole-document sync, presence). */
export interface AnswerBudgetOptions {
  /** Answers that may be asked for at once (sync: default 20; presence: default 40). */
  burst: number;
  /** Answers per minute on average (sync: default 60; presence: default 120). */
  perMinute: number;
}

/** The per-user buckets of an answer budget (one instance per kind of answer, shared by every socket). */
export function answerBuckets(options: AnswerBudgetOptions): UserBuckets {
  return new UserBuckets({ burst: options.burst, perInterval: options.perMinute, intervalMs: 60_000 });
}

/**
 * A connection's view of its user's budget of answers that cost the server
 * far more than the request: a sync step 1 is answered with everything the
 * client lacks (for an empty state vector, the whole document), a
 * QueryAwareness (one byte) and a join with every presence state in the room.
 * The budget is the user's (UserBuckets), shared by all of the user's sockets
 * and kept across reconnects, so opening sockets in a loop does not reset it.
 * A client asks for one of each per connection; past the budget the socket is
 * closed with 4429 (RateLimited) before anything is encoded.
 */
export class AnswerBudget {
  private readonly allowance: UserAllowance;

  /**
   * @param buckets the per-user buckets of this kind of answer.
   * @param userId whose budget it is.
   * @param refusal the close reason when it is exhausted.
   */
  constructor(
    buckets: UserBuckets,
    userId: string,
    private readonly refusal: string,
  ) {
    this.allowance = new UserAllowance(buckets, userId);
  }

  /** Spends one answer; throws CollabRefusal(4429) when the user's budget is exhausted. */
  spend(): void {
    if (!this.allowance.tryTake()) throw new CollabRefusal(CloseCode.RateLimited, this.refusal);
  }
}
