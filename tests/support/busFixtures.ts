import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import {
  type BusMessage,
  type Delivered,
  type DocumentBus,
  type DocumentMessage,
  LocalBus,
  LocalBusHub,
  type LocalBusOptions,
  RedisBus,
  type RedisBusOptions,
} from '../../server/src/collab/bus';
import { createLogger, type Logger } from '../../server/src/logger';
import { waitFor } from './waitFor';

/** A logger whose JSON lines are kept for the test to read. */
export function capturedLogger(level = 'info'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** What every bus under test offers besides the interface: its channel names (to send hand-made frames). */
export type TestBus = DocumentBus & {
  documentChannel(documentId: string): string;
  readonly globalChannel: string;
};

/** Options a test may give an instance (the transport's own are the fixture's). */
export type InstanceOptions = Partial<
  Omit<LocalBusOptions & RedisBusOptions, 'hub' | 'url' | 'channelPrefix'>
>;

/** Instances on one transport, and a way to put raw bytes on a channel as a foreign publisher would. */
export interface BusFixture {
  /** A new instance (ready: connected when the transport has connections). */
  instance(options?: InstanceOptions): Promise<TestBus>;
  /** Publishes `frame` on `channel` as it is, not through a bus. */
  injectRaw(channel: string, frame: Uint8Array): Promise<void>;
  /** Closes every instance and connection made. */
  close(): Promise<void>;
}

/** Instances on one LocalBusHub. */
export function localFixture(): BusFixture {
  const hub = new LocalBusHub();
  const buses: LocalBus[] = [];
  return {
    instance: async (options = {}) => {
      const bus = new LocalBus({ logger: createLogger('silent'), ...options, hub });
      buses.push(bus);
      return bus;
    },
    injectRaw: async (channel, frame) => hub.deliver(null, channel, frame),
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
}

/** Instances on the Redis at `url`, on channels of a prefix of their own (other tests share that Redis). */
export function redisFixture(url: string): BusFixture & { readonly prefix: string } {
  const prefix = `test-${randomUUID()}`;
  const buses: RedisBus[] = [];
  let raw: Redis | undefined;
  return {
    prefix,
    instance: async (options = {}) => {
      const bus = new RedisBus({ logger: createLogger('silent'), ...options, url, channelPrefix: prefix });
      buses.push(bus);
      if (!(await bus.ready(10_000))) throw new Error(`the bus did not connect to ${url}`);
      return bus;
    },
    injectRaw: async (channel, frame) => {
      raw ??= new Redis(url, { maxRetriesPerRequest: 1 });
      await raw.publish(channel, Buffer.from(frame));
    },
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await raw?.quit();
    },
  };
}

/** What one handler received. */
export interface Inbox<M extends BusMessage> {
  messages: Delivered<M>[];
  unsubscribe(): void;
  /** Waits until `count` messages arrived (10 s deadline). */
  until(count: number): Promise<Delivered<M>[]>;
}

function inbox<M extends BusMessage>(): Omit<Inbox<M>, 'unsubscribe'> & {
  push: (message: Delivered<M>) => void;
} {
  const messages: Delivered<M>[] = [];
  return {
    messages,
    push: (message) => messages.push(message),
    until: async (count) => {
      await waitFor(() => messages.length >= count, { what: `${count} bus messages` });
      return messages;
    },
  };
}

/** Subscribes to a document and waits until the transport listens. */
export async function documentInbox(bus: DocumentBus, documentId: string): Promise<Inbox<DocumentMessage>> {
  const box = inbox<DocumentMessage>();
  const subscription = bus.subscribeDocument(documentId, box.push);
  if (!(await subscription.listening)) throw new Error(`not listening to ${documentId}`);
  return { ...box, unsubscribe: subscription.unsubscribe };
}

/** Subscribes to access changes and waits until the transport listens. */
export async function globalInbox(bus: DocumentBus): Promise<Inbox<BusMessage & { type: 'access' }>> {
  const box = inbox<BusMessage & { type: 'access' }>();
  const subscription = bus.subscribeGlobal(box.push);
  if (!(await subscription.listening)) throw new Error('not listening to access changes');
  return { ...box, unsubscribe: subscription.unsubscribe };
}

/** An update message: turn `previous` → `previous + 1` of `documentId`, with `size` bytes of update. */
export function update(documentId: string, previous: number, size = 16): BusMessage & { type: 'update' } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (previous * 31 + i) & 0xff;
  return {
    type: 'update',
    documentId,
    previousUpdateId: previous,
    lastUpdateId: previous + 1,
    update: bytes,
  };
}
