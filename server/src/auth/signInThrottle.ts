import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import { RedisOutageLog } from '../limits/redisOutageLog';
import type { Logger } from '../logger';
import { networkOf } from './addressNetwork';

export interface SignInThrottleOptions {
  /** Failed sign-ins of one account within the window before it is locked. */
  maxFailuresPerAccount: number;
  /** Failed sign-ins from one IP address (IPv6: one /64 network) within the window before it is locked. */
  maxFailuresPerIp: number;
  /** The window, and how long a lock-out lasts. */
  lockoutSeconds: number;
}

/** Where the counts live when every server instance shares them. */
export interface SharedThrottleStore {
  /** An ioredis client (ideally with `enableOfflineQueue: false`: see `createLimitsRedis`); not closed by the throttle. */
  redis: Redis;
  /** Logs the fall-back to this instance's own counts when Redis does not answer. */
  logger: Logger;
  /** Prefix of the Redis keys (default `draftroom`): `<prefix>:signin:account:<email>`, `<prefix>:signin:ip:<network>`. */
  keyPrefix?: string;
  /** How long one Redis call may take before this instance's own counts answer instead, ms (default 1000). */
  timeoutMs?: number;
}

/** Redis calls slower than this fall back to the in-memory counts (ms). */
export const DEFAULT_THROTTLE_TIMEOUT_MS = 1000;

/** The limiter interface the throttle uses: what RateLimiterMemory, RateLimiterRedis and the timeout wrapper share. */
type Limiter = Pick<RateLimiterAbstract, 'consume' | 'get' | 'delete'>;

/**
 * Counts failed sign-ins per account and per IP address, and locks either
 * out for a while after too many. An IPv6 address counts for its /64
 * network (`addressNetwork.ts`): one client holds all of it, so 60 addresses
 * of one /64 are one source, not 60.
 *
 * The counting is rate-limiter-flexible's: a fixed window of
 * `lockoutSeconds` from an account's (or network's) first failure; the
 * failure that reaches the limit blocks the key for `lockoutSeconds` from
 * that moment. By default the counts are in this process's memory (a
 * restart forgives). Built with a {@link SharedThrottleStore}, they are in
 * Redis, so every instance counts the same failures and honours the same
 * lock-outs; when Redis is unreachable or slower than `timeoutMs`, each
 * call is answered from this instance's own in-memory counts (the
 * insurance limiter) instead — throttling goes on per instance, and no
 * sign-in fails because of Redis.
 */
export class SignInThrottle {
  private readonly perAccount: Limiter;
  private readonly perNetwork: Limiter;
  private readonly outage: RedisOutageLog | undefined;

  /**
   * @param options limits and lock-out (each limit ≥ 1, `lockoutSeconds` ≥ 1, whole seconds)
   * @param shared the Redis every instance shares; in this process's memory when absent
   */
  constructor(
    private readonly options: SignInThrottleOptions,
    shared?: SharedThrottleStore,
  ) {
    this.outage = shared
      ? new RedisOutageLog(
          shared.redis,
          shared.logger,
          'Redis is unreachable: sign-in failures are counted on this instance only until it is back',
        )
      : undefined;
    this.perAccount = limiterOf('account', options.maxFailuresPerAccount, options, shared, this.outage);
    this.perNetwork = limiterOf('ip', options.maxFailuresPerIp, options, shared, this.outage);
  }

  /** Seconds until the account or IP may try again (whole seconds, rounded up), or 0 when it may try now. */
  async retryAfterSeconds(email: string, ip: string): Promise<number> {
    const [account, network] = await this.noted(() =>
      Promise.all([
        msLocked(this.perAccount, email, this.options.maxFailuresPerAccount),
        msLocked(this.perNetwork, networkOf(ip), this.options.maxFailuresPerIp),
      ]),
    );
    return Math.ceil(Math.max(account, network) / 1000);
  }

  /** Counts one failed sign-in against the account and against the address's network. */
  async recordFailure(email: string, ip: string): Promise<void> {
    await this.noted(() =>
      Promise.all([consume(this.perAccount, email), consume(this.perNetwork, networkOf(ip))]),
    );
  }

  /** Forgets the account's failures (not its network's: others may be guessing from it). */
  async recordSuccess(email: string): Promise<void> {
    await this.noted(() => this.perAccount.delete(email));
  }

  /** Runs `operation`; when no call of it fell back to the insurance, Redis answered: an outage is over. */
  private async noted<T>(operation: () => Promise<T>): Promise<T> {
    const before = this.outage?.fallbacks;
    const result = await operation();
    if (this.outage && this.outage.fallbacks === before) this.outage.answered();
    return result;
  }
}

/**
 * One counter: `limit` failures lock. rate-limiter-flexible rejects (and
 * blocks) once more than `points` are consumed, so `points` is `limit - 1`.
 */
function limiterOf(
  name: 'account' | 'ip',
  limit: number,
  options: SignInThrottleOptions,
  shared: SharedThrottleStore | undefined,
  outage: RedisOutageLog | undefined,
): Limiter {
  const common = {
    keyPrefix: `${shared?.keyPrefix ?? 'draftroom'}:signin:${name}`,
    points: limit - 1,
    duration: options.lockoutSeconds,
    blockDuration: options.lockoutSeconds,
  };
  if (!shared || !outage) return new RateLimiterMemory(common);
  const store = new RateLimiterRedis({
    ...common,
    storeClient: shared.redis,
    // ioredis, not node-redis: rate-limiter-flexible's default.
    useRedisPackage: false,
    // Not connected: answer from the insurance at once instead of queueing.
    rejectIfRedisNotReady: true,
  });
  return new RLWrapperTimeouts({
    limiter: store,
    timeoutMs: shared.timeoutMs ?? DEFAULT_THROTTLE_TIMEOUT_MS,
    blockDuration: options.lockoutSeconds,
    insuranceLimiter: new InsuranceLimiter(common, outage),
  });
}

/** The in-memory counts that answer while Redis does not; notes each use in the outage log. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly outage: RedisOutageLog,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.outage.fellBack();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): Promise<RateLimiterRes | null> {
    this.outage.fellBack();
    return super.get(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory['delete']>): Promise<boolean> {
    this.outage.fellBack();
    return super.delete(...args);
  }

  override block(...args: Parameters<RateLimiterMemory['block']>): Promise<RateLimiterRes> {
    this.outage.fellBack();
    return super.block(...args);
  }
}

/** Milliseconds `key` stays locked (its failures reached `limit`), 0 when it is not locked. */
async function msLocked(limiter: Limiter, key: string, limit: number): Promise<number> {
  const state = await limiter.get(key);
  if (!state || state.consumedPoints < limit) return 0;
  return Math.max(0, state.msBeforeNext);
}

/** Counts one failure; the rejection that reports the key locked is the expected outcome, not an error. */
async function consume(limiter: Limiter, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}
