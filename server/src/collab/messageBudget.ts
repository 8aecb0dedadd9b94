import { CloseCode } from '@draftroom/shared';
import { TokenBucket } from 'limiter';
import { CollabRefusal } from '../errors';

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
