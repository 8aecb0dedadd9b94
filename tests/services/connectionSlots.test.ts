import { type ChildProcess, spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  RedisConnectionSlots,
  type RedisConnectionSlotsOptions,
} from '../../server/src/collab/redisConnectionSlots';
import { createLimitsRedis } from '../../server/src/limits';
import { createLogger } from '../../server/src/logger';
import { describeConnectionSlotsContract } from '../support/connectionSlotsContract';
import { type RedisServer, startRedis } from '../support/services/redis';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');

/** Connections and slots a test made, closed after it. */
const made: { slots: RedisConnectionSlots[]; clients: Redis[] } = { slots: [], clients: [] };

/** A connection as an instance makes it (createLimitsRedis), once ready. */
async function connect(url: string): Promise<Redis> {
  const redis = createLimitsRedis(url, logger);
  made.clients.push(redis);
  await waitFor(() => redis.status === 'ready', { what: 'the limits connection to be ready' });
  return redis;
}

/** Slots of an instance of its own (its own connection) on the Redis at `url`. */
async function instance(
  url: string,
  options: Omit<RedisConnectionSlotsOptions, 'redis' | 'logger'>,
): Promise<RedisConnectionSlots> {
  const slots = new RedisConnectionSlots({ ...options, redis: await connect(url), logger });
  made.slots.push(slots);
  return slots;
}

async function disposeAll(): Promise<void> {
  await Promise.all(made.slots.map((slots) => slots.close()));
  for (const client of made.clients) client.disconnect();
  made.slots = [];
  made.clients = [];
}

describeConnectionSlotsContract('in Redis', {
  shared: true,
  make: (limit, scope) => instance(inject('redisUrl'), { limit, keyPrefix: scope }),
  dispose: disposeAll,
});

let prefixNumber = 0;
const newPrefix = () => `slots-${process.pid}-${++prefixNumber}`;

describe('RedisConnectionSlots on the run’s Redis', () => {
  afterEach(disposeAll);

  it('keeps one sorted set per user, scored by expiry, and removes it with the last release', async () => {
    const keyPrefix = newPrefix();
    const slots = await instance(inject('redisUrl'), { limit: 3, keyPrefix, instanceId: 'instance-a' });
    const redis = await connect(inject('redisUrl'));
    expect(await slots.take('delegate-pl', '7')).toBe(true);
    const [member, score] = await redis.zrange(`${keyPrefix}:slots:delegate-pl`, '0', '-1', 'WITHSCORES');
    expect(member).toBe('instance-a:7');
    const [seconds] = await redis.time();
    const expiresInMs = Number(score) - Number(seconds) * 1000;
    expect(expiresInMs).toBeGreaterThan(55_000);
    expect(expiresInMs).toBeLessThanOrEqual(61_000);
    await slots.release('delegate-pl', '7');
    await waitFor(async () => (await redis.exists(`${keyPrefix}:slots:delegate-pl`)) === 0, {
      what: 'the empty set to be gone',
    });
  });

  it('a live holder keeps its slots past their TTL by refreshing them', async () => {
    const keyPrefix = newPrefix();
    const holder = await instance(inject('redisUrl'), {
      limit: 2,
      keyPrefix,
      slotTtlMs: 1000,
      refreshIntervalMs: 200,
    });
    const other = await instance(inject('redisUrl'), {
      limit: 2,
      keyPrefix,
      slotTtlMs: 1000,
      refreshIntervalMs: 200,
    });
    expect(await holder.take('delegate-pl', 'a')).toBe(true);
    expect(await holder.take('delegate-pl', 'b')).toBe(true);
    const takenAt = Date.now();
    // The behaviour under test is time itself: three TTLs must pass.
    await waitFor(() => Date.now() - takenAt > 3000, { what: 'three slot TTLs to pass' });
    expect(await other.take('delegate-pl', 'c')).toBe(false);
  });

  it('frees the slots of an instance killed with kill -9 within the slot TTL', async () => {
    const keyPrefix = newPrefix();
    const ttlMs = 5000; // long enough that a loaded machine still refreshes the live holder in time
    const child = await holdInChild(inject('redisUrl'), keyPrefix, 'delegate-pl', 3, ttlMs);
    const survivor = await instance(inject('redisUrl'), { limit: 3, keyPrefix, slotTtlMs: ttlMs });
    try {
      expect(await survivor.take('delegate-pl', 'x')).toBe(false);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await waitFor(() => survivor.take('delegate-pl', 'x'), {
        timeoutMs: 3 * ttlMs,
        what: 'a dead holder’s slot to expire',
      });
      expect(await survivor.take('delegate-pl', 'y')).toBe(true);
      expect(await survivor.take('delegate-pl', 'z')).toBe(true);
      expect(await survivor.take('delegate-pl', 'w')).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('RedisConnectionSlots while Redis is away', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await disposeAll();
    if (redis.pid() === 0) await redis.start();
  });

  it('decides on each instance’s own count while Redis is down, and restores the shared count when it restarts', async () => {
    const options = { limit: 3, keyPrefix: newPrefix(), refreshIntervalMs: 30_000 };
    const [a, b] = [await instance(redis.url, options), await instance(redis.url, options)];
    expect(await a.take('delegate-pl', 'a1')).toBe(true);
    expect(await b.take('delegate-pl', 'b1')).toBe(true);
    await redis.kill('SIGKILL');
    // Nobody is locked out by the outage: each instance allows up to the limit of its own.
    expect(await a.take('delegate-pl', 'a2')).toBe(true);
    expect(await a.take('delegate-pl', 'a3')).toBe(true);
    expect(await a.take('delegate-pl', 'a4')).toBe(false);
    expect(await b.take('delegate-pl', 'b2')).toBe(true);
    await b.release('delegate-pl', 'b1');
    expect(a.stats().decidedLocally).toBe(3);
    expect(b.stats()).toMatchObject({ decidedLocally: 1, pendingReleases: 1 });
    await redis.start();
    // Restarted empty: each instance writes back its open sockets' slots when its connection is ready.
    const check = await connect(redis.url);
    const key = `${options.keyPrefix}:slots:delegate-pl`;
    await waitFor(async () => (await check.zcard(key)) === 4, {
      timeoutMs: 15_000,
      what: 'the slots restored',
    });
    expect(b.stats().pendingReleases).toBe(0);
    expect(await b.take('delegate-pl', 'b3')).toBe(false);
    await a.release('delegate-pl', 'a1');
    await a.release('delegate-pl', 'a2');
    expect(await b.take('delegate-pl', 'b3')).toBe(true);
    expect(await check.zcard(key)).toBe(3);
  });

  it('answers from the local count while Redis is stopped (SIGSTOP), and takes back a late grant it did not use', async () => {
    const options = { limit: 1, keyPrefix: newPrefix(), timeoutMs: 300, refreshIntervalMs: 30_000 };
    const [a, b] = [await instance(redis.url, options), await instance(redis.url, options)];
    const check = await connect(redis.url);
    const key = `${options.keyPrefix}:slots:delegate-pl`;
    expect(await a.take('delegate-pl', 'a1')).toBe(true);
    // Redis loses the slot (a fail-over to a replica that had not received it): it would grant the next take.
    await check.del(key);
    process.kill(redis.pid(), 'SIGSTOP');
    try {
      // Without an answer: a holds its one slot here, so a2 is refused; b holds none, so b1 is granted.
      expect(await a.take('delegate-pl', 'a2')).toBe(false);
      expect(await b.take('delegate-pl', 'b1')).toBe(true);
      expect([a.stats().decidedLocally, b.stats().decidedLocally]).toEqual([1, 1]);
    } finally {
      process.kill(redis.pid(), 'SIGCONT');
    }
    // Redis goes on and grants a2, which a refused: a removes it. The refreshes write back a1 and b1.
    await waitFor(
      async () => !(await check.zrange(key, '0', '-1')).some((member) => member.endsWith(':a2')),
      {
        what: 'the late grant taken back',
      },
    );
    await Promise.all([a.refresh(), b.refresh()]);
    const members = await check.zrange(key, '0', '-1');
    expect(members.map((member) => member.split(':').pop()).sort()).toEqual(['a1', 'b1']);
  });
});

/** Starts a process that takes `count` slots of `userId` and holds them; resolves once it holds them all. */
async function holdInChild(
  url: string,
  keyPrefix: string,
  userId: string,
  count: number,
  ttlMs: number,
): Promise<ChildProcess> {
  const args = [
    '--import',
    'tsx',
    'tests/support/slotHolder.ts',
    url,
    keyPrefix,
    userId,
    String(count),
    String(ttlMs),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the slot holder exited: ${output}`);
      return output.includes(`held ${count}`);
    },
    { timeoutMs: 30_000, what: 'the slot holder to hold its slots' },
  );
  return child;
}
