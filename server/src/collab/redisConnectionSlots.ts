import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisOutageLog } from '../limits/redisOutageLog';
import type { Logger } from '../logger';
import { type ConnectionSlots, MemoryConnectionSlots } from './connectionSlots';

/** How long a slot lives in Redis without being refreshed by its holder, ms: the bound on a dead instance's slots. */
export const DEFAULT_SLOT_TTL_MS = 60_000;

/** How long one Redis call may take before this instance decides on its own count, ms. */
export const DEFAULT_SLOT_TIMEOUT_MS = 1000;

/** Releases remembered while Redis is away (sent when it is back); past it they are left to expire. */
const MAX_PENDING_RELEASES = 10_000;

/** Slots refreshed by one script call. */
const REFRESH_BATCH = 500;

/** Redis's clock in ms (one clock for every instance: their own may disagree). */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] the user's sorted set; ARGV member, limit, ttl ms. Drops expired
 * members, then adds (or refreshes) the member if it is there already or
 * fewer than `limit` are; 1 when held, 0 when full.
 */
const TAKE_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
  return 1
end
return 0`;

/**
 * KEYS[i] a user's sorted set, ARGV[1] ttl ms, ARGV[i + 1] the member held in
 * KEYS[i]. Pushes every member's expiry to now + ttl, adding the ones Redis
 * lost (a restart, an expiry while this instance could not reach it): the
 * sockets are open. Returns how many were added.
 */
const REFRESH_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[1])
local added = 0
for i, key in ipairs(KEYS) do
  added = added + redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
return added`;

interface SlotCommands {
  draftroomTakeSlot(key: string, member: string, limit: number, ttlMs: number): Promise<number>;
  draftroomRefreshSlots(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number>;
}

export interface RedisConnectionSlotsOptions {
  /** An ioredis client (ideally `createLimitsRedis`'s: no offline queue); not closed by the slots. */
  redis: Redis;
  /** Slots per user (≥ 1): MAX_CONNECTIONS_PER_USER. */
  limit: number;
  logger: Logger;
  /** Prefix of the keys (default `draftroom`): a sorted set `<prefix>:slots:<userId>` per user. */
  keyPrefix?: string;
  /** A slot not refreshed for this long is free (default {@link DEFAULT_SLOT_TTL_MS}); ≥ 1000. */
  slotTtlMs?: number;
  /** How often this instance refreshes its slots (default a quarter of the TTL). */
  refreshIntervalMs?: number;
  /** How long one Redis call may take before this instance decides alone (default {@link DEFAULT_SLOT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** This instance's name in the members (default a random UUID); unique among the instances. */
  instanceId?: string;
}

/** What the slots did that the log and tests look at. */
export interface SlotStats {
  /** Takes decided on this instance's own count because Redis did not answer in time. */
  decidedLocally: number;
  /** Slots of open sockets that Redis had lost, added back by a refresh. */
  restored: number;
  /** Releases waiting for Redis. */
  pendingReleases: number;
}

/**
 * Connection slots every instance shares, in Redis: one sorted set per user,
 * a member `<instanceId>:<connectionId>` per open socket scored by the time
 * (Redis's clock) it expires. Taking is one Lua script (drop the expired,
 * count, add: atomic, so concurrent upgrades on any instances never exceed
 * the limit). The holder refreshes its slots every `refreshIntervalMs`, and
 * at once when the connection is ready again (after a Redis restart this
 * restores the count of every open socket); an instance that dies without
 * releasing stops refreshing, and its slots are free at most `slotTtlMs`
 * (60 s by default) after it died.
 *
 * Redis unreachable (not connected, or no answer within `timeoutMs`): the
 * upgrade is decided on this instance's own count of the user's sockets
 * (the same limit per instance), so nobody is locked out by an outage; the
 * slots taken so are written to Redis by the next refresh once it is back
 * (the user may then hold more than `limit` across instances until some
 * close). Releases that fail are retried at the next refresh (at most
 * 10,000 remembered; the others expire).
 */
export class RedisConnectionSlots implements ConnectionSlots {
  readonly limit: number;
  private readonly redis: Redis;
  private readonly commands: SlotCommands;
  private readonly local: MemoryConnectionSlots;
  private readonly keyPrefix: string;
  private readonly instanceId: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly outage: RedisOutageLog;
  private readonly pendingReleases = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private readonly onReady = () => void this.refresh();
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private decidedLocally = 0;
  private restored = 0;

  /** Starts the refresh timer (it does not keep the process alive). Throws RangeError for a bad limit, TTL or interval. */
  constructor(options: RedisConnectionSlotsOptions) {
    this.limit = options.limit;
    this.local = new MemoryConnectionSlots(options.limit);
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix ?? 'draftroom';
    this.instanceId = options.instanceId ?? randomUUID();
    this.ttlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 1000)
      throw new RangeError('slotTtlMs must be a whole number ≥ 1000');
    const every = options.refreshIntervalMs ?? Math.floor(this.ttlMs / 4);
    if (!(every >= 100 && every < this.ttlMs))
      throw new RangeError('refreshIntervalMs must be ≥ 100 and below slotTtlMs');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SLOT_TIMEOUT_MS;
    this.outage = new RedisOutageLog(
      this.redis,
      options.logger,
      'Redis is unreachable: the per-user connection limit is counted on this instance only until it is back',
    );
    this.redis.defineCommand('draftroomTakeSlot', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis.defineCommand('draftroomRefreshSlots', { lua: REFRESH_SCRIPT });
    this.commands = this.redis as unknown as SlotCommands;
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
  }

  async take(userId: string, connectionId: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.local.isHeld(userId, connectionId)) return true;
    const key = this.keyOf(userId);
    const member = this.memberOf(connectionId);
    if (this.redis.status === 'ready') {
      const asked = this.commands.draftroomTakeSlot(key, member, this.limit, this.ttlMs);
      const answer = await withTimeout(asked, this.timeoutMs);
      if (answer.settled) {
        this.outage.answered();
        if (answer.value !== 1) return false;
        this.local.hold(userId, connectionId);
        return true;
      }
      // A late "taken" for a connection this instance did not let in would hold a slot until it expires.
      asked.then(
        (taken) => {
          if (taken === 1 && !this.local.isHeld(userId, connectionId)) void this.forget(key, member);
        },
        () => {},
      );
      this.outage.fellBack(answer.reason);
    } else {
      this.outage.fellBack(`connection ${this.redis.status}`);
    }
    this.decidedLocally++;
    return this.local.takeNow(userId, connectionId);
  }

  /**
   * The local count drops at once; resolves once Redis removed the slot, or
   * after `timeoutMs` (the removal is then retried at each refresh).
   */
  async release(userId: string, connectionId: string): Promise<void> {
    if (!this.local.releaseNow(userId, connectionId)) return;
    await this.forget(this.keyOf(userId), this.memberOf(connectionId));
  }

  heldHere(userId: string): number {
    return this.local.heldHere(userId);
  }

  stats(): SlotStats {
    return {
      decidedLocally: this.decidedLocally,
      restored: this.restored,
      pendingReleases: this.pendingReleases.size,
    };
  }

  /**
   * Refreshes every slot this instance holds (re-adding those Redis lost)
   * and sends the releases that failed; does nothing while Redis is not
   * connected. Runs on its timer and when the connection is ready again;
   * one at a time. Resolves when done; never rejects.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshNow().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Stops refreshing and removes this instance's slots from Redis (within `timeoutMs`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    this.outage.dispose();
    for (const [userId, connectionId] of [...this.local.entries()]) {
      this.local.releaseNow(userId, connectionId);
      this.pendingReleases.set(this.memberOf(connectionId), this.keyOf(userId));
    }
    if (this.redis.status === 'ready') await withTimeout(this.sendReleases(), this.timeoutMs);
  }

  private async refreshNow(): Promise<void> {
    if (this.closed || this.redis.status !== 'ready') return;
    try {
      const sent = await withTimeout(
        this.sendReleases().then(() => this.sendRefresh()),
        this.timeoutMs * 4,
      );
      if (!sent.settled) this.outage.fellBack(`refresh: ${sent.reason}`);
    } catch (error) {
      this.outage.fellBack(`refresh: ${(error as Error).message}`);
    }
  }

  private async sendRefresh(): Promise<void> {
    const held = [...this.local.entries()];
    for (let start = 0; start < held.length; start += REFRESH_BATCH) {
      // Released while earlier batches were out: its ZREM went before this batch, which must not re-add it.
      const batch = held
        .slice(start, start + REFRESH_BATCH)
        .filter(([userId, connectionId]) => this.local.isHeld(userId, connectionId));
      if (batch.length === 0) continue;
      const keys = batch.map(([userId]) => this.keyOf(userId));
      const members = batch.map(([, connectionId]) => this.memberOf(connectionId));
      this.restored += await this.commands.draftroomRefreshSlots(
        batch.length,
        ...keys,
        this.ttlMs,
        ...members,
      );
    }
  }

  private async sendReleases(): Promise<void> {
    if (this.pendingReleases.size === 0) return;
    const pipeline = this.redis.pipeline();
    const sent = [...this.pendingReleases];
    for (const [member, key] of sent) pipeline.zrem(key, member);
    const results = (await pipeline.exec()) ?? [];
    sent.forEach(([member], index) => {
      if (!results[index]?.[0]) this.pendingReleases.delete(member);
    });
  }

  /** Removes a member from Redis now, or (when Redis does not answer within the timeout) at the next refresh. */
  private async forget(key: string, member: string): Promise<void> {
    const removed =
      this.redis.status === 'ready'
        ? await withTimeout(this.redis.zrem(key, member), this.timeoutMs)
        : undefined;
    if (removed?.settled) return;
    if (this.pendingReleases.size < MAX_PENDING_RELEASES) this.pendingReleases.set(member, key);
  }

  private keyOf(userId: string): string {
    return `${this.keyPrefix}:slots:${userId}`;
  }

  private memberOf(connectionId: string): string {
    return `${this.instanceId}:${connectionId}`;
  }
}

type Timed<T> = { settled: true; value: T } | { settled: false; reason: string };

/** `promise`'s value, or why there is none: it rejected, or did not settle within `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<Timed<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timed<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false, reason: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Timed<T> => ({ settled: true, value }),
        (error: unknown): Timed<T> => ({ settled: false, reason: (error as Error).message }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
