import { afterEach, describe, expect, inject, it } from 'vitest';
import { MemoryConnectionSlots } from '../../server/src/collab/connectionSlots';
import { RedisConnectionSlots } from '../../server/src/collab/redisConnectionSlots';
import { createSharedLimits, type SharedLimits } from '../../server/src/limits';
import { createLogger } from '../../server/src/logger';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');
const throttle = { maxFailuresPerAccount: 2, maxFailuresPerIp: 100, lockoutSeconds: 60 };
let made: SharedLimits[] = [];
let prefixNumber = 0;

/** An instance's limits, as the server would make them from its configuration. */
function limitsOf(keyPrefix: string, redisUrl?: string): SharedLimits {
  const limits = createSharedLimits({ logger, throttle, maxConnectionsPerUser: 2, redisUrl, keyPrefix });
  made.push(limits);
  return limits;
}

describe('createSharedLimits', () => {
  afterEach(async () => {
    await Promise.all(made.map((limits) => limits.close()));
    made = [];
  });

  it('without REDIS_URL: both limits in this process, no connection', async () => {
    const limits = limitsOf('unused');
    expect(limits.redis).toBeUndefined();
    expect(limits.slots).toBeInstanceOf(MemoryConnectionSlots);
    expect(limits.slots.limit).toBe(2);
  });

  it('with REDIS_URL: two instances share the sign-in counts and the slots; close gives the slots back and disconnects', async () => {
    const keyPrefix = `shared-${process.pid}-${++prefixNumber}`;
    const [a, b] = [limitsOf(keyPrefix, inject('redisUrl')), limitsOf(keyPrefix, inject('redisUrl'))];
    expect(a.slots).toBeInstanceOf(RedisConnectionSlots);
    await waitFor(() => a.redis?.status === 'ready' && b.redis?.status === 'ready', {
      what: 'both connections',
    });
    await a.throttle.recordFailure('anna@pl.example', '192.0.2.1');
    await b.throttle.recordFailure('anna@pl.example', '192.0.2.2');
    expect(await a.throttle.retryAfterSeconds('anna@pl.example', '192.0.2.3')).toBeGreaterThan(0);
    expect(await a.slots.take('delegate-pl', '1')).toBe(true);
    expect(await b.slots.take('delegate-pl', '1')).toBe(true);
    expect(await b.slots.take('delegate-pl', '2')).toBe(false);
    await a.close();
    expect(a.redis?.status).toBe('end');
    expect(await b.slots.take('delegate-pl', '2')).toBe(true);
  });
});
