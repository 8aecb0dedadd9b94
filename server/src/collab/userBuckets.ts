import { TokenBucket } from 'limiter';

/** A budget per user: how much at once, and how fast it refills. */
export interface UserBucketOptions {
  /** Tokens a user may spend at once (the bucket size, at least 1). */
  burst: number;
  /** Tokens refilled per `intervalMs` (positive). */
  perInterval: number;
  /** The refill interval, in ms (1000: per second; 60 000: per minute). */
  intervalMs: number;
}

/**
 * One token bucket (the `limiter` package) per user id, shared by all of that
 * user's collaboration sockets in every room: opening another socket, or
 * reconnecting, does not give a user a fresh budget. A bucket that has
 * refilled completely is the same as a new one, so it is forgotten: the map
 * holds only the users who spent something within the last refill time
 * (`burst / perInterval × intervalMs`), and is pruned at most once per that
 * time — bounded by the accounts active in that window.
 */
export class UserBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly refillMs: number;
  private lastPrune: number;

  /**
   * @param options the burst and refill rate (see UserBucketOptions).
   * @param now the clock, in ms (for pruning only; the buckets use limiter's own clock).
   */
  constructor(
    private readonly options: UserBucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.refillMs = Math.ceil((options.burst / options.perInterval) * options.intervalMs);
    this.lastPrune = now();
  }

  /**
   * Takes `tokens` from `userId`'s bucket. Returns false, taking nothing, when
   * it holds fewer (a request larger than the burst is never granted).
   */
  tryTake(userId: string, tokens = 1): boolean {
    this.pruneIfDue();
    let bucket = this.buckets.get(userId);
    if (!bucket) {
      bucket = new TokenBucket({
        bucketSize: this.options.burst,
        tokensPerInterval: this.options.perInterval,
        interval: this.options.intervalMs,
      });
      bucket.content = this.options.burst;
      this.buckets.set(userId, bucket);
    }
    return bucket.tryRemoveTokens(tokens);
  }

  /** Users whose bucket is not full (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Forgets the buckets that refilled completely, at most once per refill time. */
  private pruneIfDue(): void {
    const now = this.now();
    if (now - this.lastPrune < this.refillMs) return;
    this.lastPrune = now;
    for (const [userId, bucket] of this.buckets) {
      bucket.drip();
      if (bucket.content >= bucket.bucketSize) this.buckets.delete(userId);
    }
  }
}

/** One user's share of a UserBuckets: what a connection holds to spend its user's budget. */
export class UserAllowance {
  constructor(
    private readonly buckets: UserBuckets,
    private readonly userId: string,
  ) {}

  /** Takes `tokens` from the user's budget; false (nothing taken) when it holds fewer. */
  tryTake(tokens = 1): boolean {
    return this.buckets.tryTake(this.userId, tokens);
  }
}
