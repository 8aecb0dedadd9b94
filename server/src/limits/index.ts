import { Redis } from 'ioredis';
import { SignInThrottle, type SignInThrottleOptions } from '../auth/signInThrottle';
import { type ConnectionSlots, MemoryConnectionSlots } from '../collab/connectionSlots';
import { RedisConnectionSlots, type RedisConnectionSlotsOptions } from '../collab/redisConnectionSlots';
import type { Logger } from '../logger';

export { RedisOutageLog } from './redisOutageLog';

/** The limits that must hold across every server instance: sign-in throttling and the per-user connection slots. */
export interface SharedLimits {
  throttle: SignInThrottle;
  slots: ConnectionSlots;
  /** The Redis connection behind both (absent in memory). */
  redis: Redis | undefined;
  /** Gives back this instance's slots and closes the Redis connection (QUIT; at most two seconds when Redis hangs). */
  close(): Promise<void>;
}

export interface SharedLimitsOptions {
  logger: Logger;
  /** SIGNIN_* (see `signInThrottleOptionsOf`). */
  throttle: SignInThrottleOptions;
  /** MAX_CONNECTIONS_PER_USER. */
  maxConnectionsPerUser: number;
  /** REDIS_URL: shared by every instance when set; this process's memory when absent. */
  redisUrl?: string;
  /** Prefix of every key (default `draftroom`): the same on every instance. */
  keyPrefix?: string;
  /** Slot expiry and refresh (see `RedisConnectionSlots`). */
  slots?: Pick<RedisConnectionSlotsOptions, 'slotTtlMs' | 'refreshIntervalMs' | 'timeoutMs'>;
}

/**
 * The ioredis connection the shared limits use: no offline queue (a command
 * while Redis is away fails at once, and the limits answer from this
 * instance's own counts), no retry of a command in flight when the
 * connection drops, reconnection with back-off from 50 ms up to 2 s, 5 s per
 * connection attempt. Does not wait for the connection. Throws ioredis's
 * error for a URL it cannot parse.
 */
export function createLimitsRedis(redisUrl: string, logger: Logger): Redis {
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 5000,
    connectionName: 'draftroom-limits',
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt - 1, 16), 2000),
  });
  // Outages are logged by the limits that fall back (RedisOutageLog); an unhandled 'error' would be printed.
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'limits Redis connection error'));
  return redis;
}

/**
 * The sign-in throttle and the connection slots of one instance: in Redis
 * (shared by every instance, with in-memory fall-backs while it is away)
 * when `redisUrl` is set, in this process's memory otherwise.
 */
export function createSharedLimits(options: SharedLimitsOptions): SharedLimits {
  const { logger, redisUrl, keyPrefix } = options;
  if (!redisUrl) {
    return {
      throttle: new SignInThrottle(options.throttle),
      slots: new MemoryConnectionSlots(options.maxConnectionsPerUser),
      redis: undefined,
      close: async () => {},
    };
  }
  const redis = createLimitsRedis(redisUrl, logger);
  const slots = new RedisConnectionSlots({
    ...options.slots,
    redis,
    limit: options.maxConnectionsPerUser,
    logger,
    keyPrefix,
  });
  return {
    throttle: new SignInThrottle(options.throttle, { redis, logger, keyPrefix }),
    slots,
    redis,
    close: async () => {
      await slots.close();
      await endConnection(redis);
    },
  };
}

/** QUIT (bounded to a second), then disconnect; resolves once ioredis has ended the connection (at most a second more). */
async function endConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    redis.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1000);
  });
  await Promise.race([redis.quit().catch(() => {}), stalled]);
  clearTimeout(timer);
  redis.disconnect();
  await ended;
}
