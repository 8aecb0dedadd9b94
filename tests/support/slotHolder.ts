/**
 * A server instance's slot-holding part in a process of its own, for the
 * test that kills an instance (kill -9) while it holds slots
 * (tests/services/connectionSlots.test.ts). Run with
 * `node --import tsx tests/support/slotHolder.ts <redisUrl> <keyPrefix> <userId> <count> <slotTtlMs>`:
 * takes `count` slots of `userId`, prints `held <n>` and keeps them
 * (refreshing) until it is killed.
 */
import { RedisConnectionSlots } from '../../server/src/collab/redisConnectionSlots';
import { createLimitsRedis } from '../../server/src/limits';
import { createLogger } from '../../server/src/logger';

const [redisUrl = '', keyPrefix = '', userId = '', count = '0', ttl = '0'] = process.argv.slice(2);
const logger = createLogger('silent');
const redis = createLimitsRedis(redisUrl, logger);
await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
const slots = new RedisConnectionSlots({
  redis,
  limit: Number(count),
  logger,
  keyPrefix,
  slotTtlMs: Number(ttl),
});
let held = 0;
for (let n = 0; n < Number(count); n++) if (await slots.take(userId, `held-${n}`)) held++;
process.stdout.write(`held ${held}\n`);
// The slots' refresh timer does not keep a process alive: this does, until the kill.
setInterval(() => {}, 60_000);
