import type { BusOptions, DocumentBus } from './busCore';
import { LocalBus } from './localBus';
import { RedisBus, type RedisBusOptions } from './redisBus';

export {
  type BusOptions,
  type BusStats,
  type BusSubscription,
  CLOSED_SUBSCRIPTION,
  DEFAULT_BUS_FRAME_BYTES,
  type DocumentBus,
  MIN_BUS_FRAME_BYTES,
} from './busCore';
export { BUS_FRAME_VERSION, checkMessage, decodeFrame, encodeFrame } from './frame';
export { LocalBus, LocalBusHub, type LocalBusOptions } from './localBus';
export * from './messages';
export {
  DEFAULT_MAX_PENDING_PUBLISH_BYTES,
  DEFAULT_MAX_PENDING_PUBLISHES,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  RedisBus,
  type RedisBusOptions,
} from './redisBus';

/**
 * The bus of one server instance: a RedisBus when `redisUrl` is set (REDIS_URL:
 * several instances share it), otherwise a LocalBus of its own (the embedded
 * single-process server: there is nobody to tell). Does not wait for Redis.
 */
export function createDocumentBus(
  options: BusOptions & { redisUrl?: string } & Omit<Partial<RedisBusOptions>, 'url'>,
): DocumentBus {
  const { redisUrl, ...rest } = options;
  return redisUrl ? new RedisBus({ ...rest, url: redisUrl }) : new LocalBus(rest);
}
