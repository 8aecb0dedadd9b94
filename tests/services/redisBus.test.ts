import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisBus } from '../../server/src/collab/bus';
import { type BusFixture, capturedLogger, documentInbox, redisFixture, update } from '../support/busFixtures';
import { signal } from '../support/services/processes';
import { type RedisServer, startRedis } from '../support/services/redis';
import { waitFor } from '../support/waitFor';

/**
 * What only the Redis bus does: it follows Redis going away and coming back
 * (a Redis of this file's own, restarted; the run's Redis is shared), stays
 * bounded while Redis is away or stalled, and listens to a channel only while
 * someone subscribes to it.
 */
describe('RedisBus on a Redis that goes away', () => {
  let redis: RedisServer;
  let fixture: BusFixture;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await fixture?.close();
    if (redis.pid() === 0) await redis.start();
  });

  it('restarted mid-session: publishing drops without queueing, then it resubscribes and delivers again', async () => {
    fixture = redisFixture(redis.url);
    const publisherLog = capturedLogger();
    const a = await fixture.instance({ logger: publisherLog.logger, maxPendingPublishes: 100 });
    const b = await fixture.instance();
    let resubscribed = 0;
    b.onResubscribed(() => resubscribed++);
    const toB = await documentInbox(b, 'doc-1');
    a.publish(update('doc-1', 0));
    await toB.until(1);

    await redis.kill('SIGKILL');
    await waitFor(() => !a.isHealthy() && !b.isHealthy(), { what: 'both instances to notice Redis is gone' });
    expect(await a.ping()).toBe(false);
    const lateSubscription = b.subscribeDocument('doc-2', () => {});
    expect(await lateSubscription.listening).toBe(false);
    for (let i = 1; i <= 10_000; i++) expect(() => a.publish(update('doc-1', i, 1024))).not.toThrow();
    expect((a as RedisBus).queuedCommands()).toBe(0);
    expect(a.stats().publishDropped).toBe(10_000);
    const outageWarnings = publisherLog
      .lines()
      .filter(
        (line) => String(line.msg).startsWith('Redis is unreachable') && line.connection === 'publisher',
      );
    expect(outageWarnings).toHaveLength(1);

    await redis.start();
    await waitFor(() => resubscribed >= 1 && a.isHealthy(), {
      what: 'the instances to reconnect and resubscribe',
    });
    expect(await a.ping()).toBe(true);
    a.publish(update('doc-1', 10_001));
    await toB.until(2);
    expect(toB.messages.map((m) => (m.type === 'update' ? m.lastUpdateId : 0))).toEqual([1, 10_002]);
    const back = publisherLog
      .lines()
      .filter((line) => line.msg === 'Redis is reachable again' && line.connection === 'publisher');
    expect(back).toHaveLength(1);
    expect(back[0]!.dropped).toBe(10_000);
  });

  it('a document subscribed during the outage is listened to once Redis is back', async () => {
    fixture = redisFixture(redis.url);
    const a = await fixture.instance();
    const b = await fixture.instance();
    let resubscribed = 0;
    b.onResubscribed(() => resubscribed++);
    await redis.kill();
    await waitFor(() => !b.isHealthy(), { what: 'the subscriber to notice Redis is gone' });
    const received: number[] = [];
    const subscription = b.subscribeDocument('doc-3', (m) => {
      if (m.type === 'update') received.push(m.lastUpdateId);
    });
    expect(await subscription.listening).toBe(false);
    await redis.start();
    await waitFor(() => resubscribed === 1 && a.isHealthy(), { what: 'the resubscription' });
    a.publish(update('doc-3', 0));
    await waitFor(() => received.length === 1, { what: 'the update on doc-3' });
    expect(await b.subscribeDocument('doc-3', () => {}).listening).toBe(true);
  });

  it('a bus made while Redis is down connects when it comes up, and then tells its subscribers to catch up', async () => {
    await redis.kill();
    fixture = redisFixture(redis.url);
    const { logger, lines } = capturedLogger();
    const early = new RedisBus({ logger, url: redis.url, channelPrefix: 'early', reconnectMaxDelayMs: 200 });
    try {
      let resubscribed = 0;
      early.onResubscribed(() => resubscribed++);
      const subscription = early.subscribeDocument('doc-4', () => {});
      expect(await subscription.listening).toBe(false);
      expect(() => early.publish(update('doc-4', 0))).not.toThrow();
      expect(early.stats().publishDropped).toBe(1);
      await redis.start();
      await waitFor(() => resubscribed === 1 && early.isHealthy(), { what: 'the first connection' });
      expect(lines().filter((line) => String(line.msg).startsWith('Redis is unreachable'))).toHaveLength(2);
    } finally {
      await early.close();
    }
  });

  it('stays bounded while Redis stalls: at most maxPendingPublishes wait, the rest are dropped, the waiting ones arrive', async () => {
    fixture = redisFixture(redis.url);
    const a = await fixture.instance({ maxPendingPublishes: 50 });
    const b = await fixture.instance();
    const toB = await documentInbox(b, 'doc-5');
    const pid = redis.pid();
    signal(pid, 'SIGSTOP');
    try {
      for (let i = 0; i < 1000; i++) a.publish(update('doc-5', i, 512));
      expect((a as RedisBus).queuedCommands()).toBeLessThanOrEqual(50);
      expect(a.stats()).toMatchObject({ published: 50, publishDropped: 950 });
    } finally {
      signal(pid, 'SIGCONT');
    }
    await toB.until(50);
    await waitFor(() => (a as RedisBus).queuedCommands() === 0, {
      what: 'the stalled publishes to be answered',
    });
    a.publish(update('doc-5', 1000));
    const received = await toB.until(51);
    expect(received.map((m) => (m.type === 'update' ? m.lastUpdateId : 0))).toEqual([
      ...Array.from({ length: 50 }, (_, i) => i + 1),
      1001,
    ]);
  });
});

describe('RedisBus channels', () => {
  let fixture: ReturnType<typeof redisFixture>;
  afterEach(async () => {
    await fixture?.close();
  });

  it('SUBSCRIBEs a document on its first subscriber and UNSUBSCRIBEs it after its last', async () => {
    const url = inject('redisUrl');
    fixture = redisFixture(url);
    const bus = await fixture.instance();
    const observer = new Redis(url, { maxRetriesPerRequest: 1 });
    const channel = bus.documentChannel('doc-6');
    const listeners = async () => {
      const [, count] = (await observer.pubsub('NUMSUB', channel)) as [string, number];
      return Number(count);
    };
    try {
      expect(await listeners()).toBe(0);
      const first = await documentInbox(bus, 'doc-6');
      const second = await documentInbox(bus, 'doc-6');
      expect(await listeners()).toBe(1);
      first.unsubscribe();
      expect(await listeners()).toBe(1);
      second.unsubscribe();
      await waitFor(async () => (await listeners()) === 0, { what: 'the UNSUBSCRIBE' });
    } finally {
      await observer.quit();
    }
  });
});
