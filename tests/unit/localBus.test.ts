import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  createDocumentBus,
  type DocumentMessage,
  LocalBus,
  LocalBusHub,
  RedisBus,
} from '../../server/src/collab/bus';
import { createLogger } from '../../server/src/logger';

/**
 * What only LocalBus does (its contract with RedisBus is in
 * tests/services/bus.contract.test.ts): delivery after the publisher's call
 * returns, and the embedded default of one instance that hears nobody.
 */
const logger = createLogger('silent');
const turn = {
  type: 'update' as const,
  documentId: 'doc-1',
  previousUpdateId: 0,
  lastUpdateId: 1,
  update: Uint8Array.of(1, 2, 3),
};

describe('LocalBus', () => {
  it('delivers after publish returns, on a microtask: before the next event-loop task', async () => {
    const hub = new LocalBusHub();
    const [a, b] = [new LocalBus({ logger, hub }), new LocalBus({ logger, hub })];
    const received: DocumentMessage[] = [];
    b.subscribeDocument('doc-1', (message) => received.push(message));
    a.publish(turn);
    expect(received).toHaveLength(0);
    await nextMacrotask();
    expect(received).toEqual([{ ...turn, origin: a.instanceId }]);
  });

  it('gives each receiver bytes of its own, as a network would', async () => {
    const hub = new LocalBusHub();
    const [a, b, c] = [1, 2, 3].map(() => new LocalBus({ logger, hub })) as [LocalBus, LocalBus, LocalBus];
    const updates: Uint8Array[] = [];
    for (const bus of [b, c])
      bus.subscribeDocument('doc-1', (message) => {
        if (message.type === 'update' && message.update) updates.push(message.update);
      });
    a.publish(turn);
    await nextMacrotask();
    updates[0]!.fill(0);
    expect(updates[1]).toEqual(Uint8Array.of(1, 2, 3));
    expect(turn.update).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('alone on its hub (the embedded server) reaches nobody, and says it is healthy and listening', async () => {
    const bus = createDocumentBus({ logger });
    expect(bus).toBeInstanceOf(LocalBus);
    const received: DocumentMessage[] = [];
    const subscription = bus.subscribeDocument('doc-1', (message) => received.push(message));
    expect(await subscription.listening).toBe(true);
    bus.publish(turn);
    await nextMacrotask();
    expect(received).toHaveLength(0);
    expect(bus.stats()).toMatchObject({ published: 1, delivered: 0 });
    expect(bus.isHealthy()).toBe(true);
    await bus.close();
  });

  it('refuses a frame cap below the minimum when made', () => {
    expect(() => new LocalBus({ logger, maxFrameBytes: 100 })).toThrow(RangeError);
  });

  it('is what createDocumentBus makes without a Redis URL; with one it is a RedisBus', async () => {
    const redisBus = createDocumentBus({ logger, redisUrl: 'redis://127.0.0.1:1', reconnectMaxDelayMs: 50 });
    try {
      expect(redisBus).toBeInstanceOf(RedisBus);
      expect(redisBus.isHealthy()).toBe(false);
    } finally {
      await redisBus.close();
    }
  });
});
