import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SignInThrottle, type SignInThrottleOptions } from '../../server/src/auth/signInThrottle';
import { createLimitsRedis } from '../../server/src/limits';
import { createLogger, type Logger } from '../../server/src/logger';
import { type RedisServer, startRedis } from '../support/services/redis';
import { describeSignInThrottleContract } from '../support/signInThrottleContract';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');
let clients: Redis[] = [];

/** A connection as an instance makes it (createLimitsRedis), once ready. */
async function connect(url: string): Promise<Redis> {
  const redis = createLimitsRedis(url, logger);
  clients.push(redis);
  await waitFor(() => redis.status === 'ready', { what: 'the limits connection to be ready' });
  return redis;
}

/** A throttle of an instance of its own (its own connection) on the Redis at `url`. */
async function instance(
  url: string,
  options: SignInThrottleOptions,
  keyPrefix: string,
  timeoutMs?: number,
  log: Logger = logger,
): Promise<SignInThrottle> {
  return new SignInThrottle(options, { redis: await connect(url), logger: log, keyPrefix, timeoutMs });
}

/** A logger whose lines the test reads. */
function capturedLog(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

async function disconnectAll(): Promise<void> {
  for (const client of clients) client.disconnect();
  clients = [];
}

describeSignInThrottleContract('in Redis', {
  shared: true,
  make: (options, scope) => instance(inject('redisUrl'), options, scope),
  dispose: disconnectAll,
});

let prefixNumber = 0;
const newPrefix = () => `throttle-${process.pid}-${++prefixNumber}`;
const limits = { maxFailuresPerAccount: 3, maxFailuresPerIp: 100, lockoutSeconds: 60 };

describe('SignInThrottle in Redis', () => {
  afterEach(disconnectAll);

  it('keeps the counts under the documented keys, a lock-out as long as the lock-out time', async () => {
    const keyPrefix = newPrefix();
    const throttle = await instance(inject('redisUrl'), limits, keyPrefix);
    const redis = await connect(inject('redisUrl'));
    await throttle.recordFailure('anna@pl.example', '2001:db8:1:2::5');
    expect(await redis.get(`${keyPrefix}:signin:account:anna@pl.example`)).toBe('1');
    expect(await redis.get(`${keyPrefix}:signin:ip:2001:db8:1:2::/64`)).toBe('1');
    await throttle.recordFailure('anna@pl.example', '2001:db8:1:2::6');
    await throttle.recordFailure('anna@pl.example', '2001:db8:1:2::7');
    const lockedMs = await redis.pttl(`${keyPrefix}:signin:account:anna@pl.example`);
    expect(lockedMs).toBeGreaterThan(55_000);
    expect(lockedMs).toBeLessThanOrEqual(60_000);
    await throttle.recordSuccess('anna@pl.example');
    expect(await redis.exists(`${keyPrefix}:signin:account:anna@pl.example`)).toBe(0);
    expect(await redis.get(`${keyPrefix}:signin:ip:2001:db8:1:2::/64`)).toBe('3');
  });
});

describe('SignInThrottle while Redis is away', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await disconnectAll();
    if (redis.pid() === 0) await redis.start();
  });

  it('still throttles on each instance while Redis is down, and shares the counts again once it is back', async () => {
    const keyPrefix = newPrefix();
    const log = capturedLog();
    const a = await instance(redis.url, limits, keyPrefix, undefined, log.logger);
    const b = await instance(redis.url, limits, keyPrefix);
    await redis.kill('SIGKILL');
    for (let i = 0; i < 3; i++) await a.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await a.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBeGreaterThan(55);
    expect(await a.retryAfterSeconds('olena@ua.example', '192.0.2.9')).toBe(0);
    // Each instance counts alone meanwhile: b has seen none of a's failures.
    expect(await b.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    await b.recordSuccess('anna@pl.example');
    await redis.start();
    await waitFor(() => clients.every((client) => client.status === 'ready'), {
      timeoutMs: 15_000,
      what: 'the instances to reconnect',
    });
    for (let i = 0; i < 3; i++) await a.recordFailure('olena@ua.example', '192.0.2.1');
    expect(await b.retryAfterSeconds('olena@ua.example', '192.0.2.7')).toBeGreaterThan(55);
    // One warning for the outage however many sign-ins fell back, and one line when it ended.
    const messages = log.lines.map((line) => line.msg);
    expect(messages.filter((message) => /counted on this instance only/.test(message))).toHaveLength(1);
    expect(messages.filter((message) => /reachable again/.test(message))).toHaveLength(1);
  });

  it('answers from this instance’s counts while Redis is stopped (SIGSTOP) and does not wait for it', async () => {
    const keyPrefix = newPrefix();
    const log = capturedLog();
    const throttle = await instance(redis.url, limits, keyPrefix, 200, log.logger);
    await throttle.recordFailure('anna@pl.example', '192.0.2.1');
    process.kill(redis.pid(), 'SIGSTOP');
    try {
      for (let i = 0; i < 3; i++) await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBeGreaterThan(55);
      await throttle.recordSuccess('anna@pl.example');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    } finally {
      process.kill(redis.pid(), 'SIGCONT');
    }
    // No reconnection ends this outage: the first call Redis answers again does.
    const said = (pattern: RegExp) => log.lines.filter((line) => pattern.test(line.msg)).length;
    await waitFor(
      async () => {
        await throttle.retryAfterSeconds('olena@ua.example', '192.0.2.9');
        return said(/reachable again/) === 1;
      },
      { what: 'the end of the stall logged' },
    );
    expect(said(/counted on this instance only/)).toBe(1);
  });
});
