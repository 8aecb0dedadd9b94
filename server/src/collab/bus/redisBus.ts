import { Redis, type RedisOptions, type RedisStatus } from 'ioredis';
import type { Logger } from '../../logger';
import type { BusOptions } from './busCore';
import { TransportBus } from './transportBus';

/** Publishes in flight at once by default; past it messages are dropped (Redis is not keeping up). */
export const DEFAULT_MAX_PENDING_PUBLISHES = 1024;

/** Bytes of publishes in flight at once by default (64 MiB); past it messages are dropped. */
export const DEFAULT_MAX_PENDING_PUBLISH_BYTES = 64 * 1024 * 1024;

/** Longest wait between two reconnection attempts by default, in milliseconds. */
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 2000;

/** Options of a RedisBus: the common ones, where Redis is, and its bounds. */
export interface RedisBusOptions extends BusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS): the REDIS_URL every instance shares. */
  url: string;
  /** Publishes awaiting Redis's answer at once (default {@link DEFAULT_MAX_PENDING_PUBLISHES}). */
  maxPendingPublishes?: number;
  /** Bytes of publishes awaiting Redis's answer at once (default {@link DEFAULT_MAX_PENDING_PUBLISH_BYTES}). */
  maxPendingBytes?: number;
  /** Longest wait between reconnection attempts, ms (default {@link DEFAULT_RECONNECT_MAX_DELAY_MS}). */
  reconnectMaxDelayMs?: number;
  /** How long one connection attempt may take, ms (default 5000). */
  connectTimeoutMs?: number;
}

type Role = 'publisher' | 'subscriber';

/**
 * A bus over Redis pub/sub: one connection publishes, one subscribes (a
 * document's channel from its first local subscriber to its last; the global
 * channel while anyone listens to access changes). Frames are binary channel
 * messages.
 *
 * Bounded during an outage: neither connection has an offline queue
 * (`enableOfflineQueue: false`), so a message published while Redis is
 * unreachable is dropped at once, counted and logged once per outage;
 * commands in flight when the connection drops are failed, not resent
 * (`maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`), and
 * at most `maxPendingPublishes` publishes (`maxPendingBytes` bytes) wait for
 * Redis's answer at once. Memory therefore stays bounded however long Redis
 * is away. Subscriptions are ours, not ioredis's (`autoResubscribe: false`):
 * on every reconnection the subscriber subscribes every channel again and
 * then the `onResubscribed` handlers run, so rooms catch up from the store.
 */
export class RedisBus extends TransportBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  private readonly watches: Record<Role, ConnectionWatch>;
  private pending = 0;
  private pendingBytes = 0;
  private subscriberEverReady = false;
  private lastBackloggedLog = Number.NEGATIVE_INFINITY;

  /**
   * Starts connecting both connections (without waiting: see {@link ready}).
   * Throws RangeError for a `maxFrameBytes` below the minimum, and ioredis's
   * error for a URL it cannot parse.
   */
  constructor(options: RedisBusOptions) {
    super(options);
    this.maxPending = options.maxPendingPublishes ?? DEFAULT_MAX_PENDING_PUBLISHES;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_PUBLISH_BYTES;
    const connection = connectionOptions(options);
    const id = this.core.instanceId;
    this.publisher = new Redis(options.url, { ...connection, connectionName: `draftroom-bus-pub-${id}` });
    this.subscriber = new Redis(options.url, { ...connection, connectionName: `draftroom-bus-sub-${id}` });
    this.watches = {
      publisher: new ConnectionWatch(this.publisher, 'publisher', this.core.logger),
      subscriber: new ConnectionWatch(this.subscriber, 'subscriber', this.core.logger),
    };
    this.subscriber.on('messageBuffer', (channel: Buffer, frame: Buffer) =>
      this.core.receive(channel.toString('utf8'), frame),
    );
    this.subscriber.on('ready', () => this.resubscribe());
  }

  /** Publishes on the publishing connection; dropped while it is not ready or too many publishes await Redis. */
  protected send(channel: string, frame: Uint8Array): void {
    if (this.publisher.status !== 'ready') {
      this.core.countPublishDropped();
      this.watches.publisher.dropped();
      return;
    }
    if (this.pending >= this.maxPending || this.pendingBytes + frame.length > this.maxPendingBytes) {
      this.core.countPublishDropped();
      this.logBacklogged();
      return;
    }
    this.pending++;
    this.pendingBytes += frame.length;
    this.core.countPublished();
    const settled = () => {
      this.pending--;
      this.pendingBytes -= frame.length;
    };
    const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
    this.publisher.publish(channel, bytes).then(settled, () => {
      settled();
      this.core.countPublishDropped();
      this.watches.publisher.dropped();
    });
  }

  /** True while both connections are ready (connected and past ioredis's ready check). */
  isHealthy(): boolean {
    return !this.closed && this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** PING on the publishing connection, and the subscribing one ready; false on error or after `timeoutMs` (default 1000). */
  async ping(timeoutMs = 1000): Promise<boolean> {
    if (!this.isHealthy()) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const answer = await Promise.race([this.publisher.ping(), timeout]);
      return answer === 'PONG' && this.subscriber.status === 'ready';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves true once both connections are ready, false if they are not
   * within `timeoutMs` (default 5000). The bus works without waiting: what is
   * published before is dropped, and subscriptions are made when ready.
   */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const connection of [this.publisher, this.subscriber]) {
      if (!(await becomesReady(connection, deadline - Date.now()))) return false;
    }
    return !this.closed;
  }

  /** Commands ioredis holds for the publishing connection (offline queue and awaiting answers): bounded. */
  queuedCommands(): number {
    return (
      (this.publisher as unknown as { offlineQueue: { length: number } }).offlineQueue.length +
      this.publisher.commandQueue.length
    );
  }

  /** Unsubscribes everything and closes both connections (QUIT when connected); never reconnects after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.core.clear();
    await Promise.all([closeConnection(this.publisher), closeConnection(this.subscriber)]);
  }

  /** SUBSCRIBE now if connected (otherwise the next `ready` does); true once Redis confirmed it. */
  protected listen(channel: string): Promise<boolean> {
    if (this.subscriber.status !== 'ready') return Promise.resolve(false);
    return this.subscriber.subscribe(channel).then(
      () => true,
      (error: unknown) => {
        // The next `ready` subscribes every channel again.
        this.core.logger.warn({ err: error, channel }, 'could not subscribe a bus channel yet');
        return false;
      },
    );
  }

  /** UNSUBSCRIBE when connected (a later reconnection subscribes only the channels still wanted). */
  protected unlisten(channel: string): void {
    if (this.subscriber.status !== 'ready') return;
    this.subscriber.unsubscribe(channel).catch(() => {
      // A later reconnection subscribes only the channels still wanted.
    });
  }

  /** Whether the subscribing connection is ready. */
  protected connected(): boolean {
    return this.subscriber.status === 'ready';
  }

  /** Subscribes every wanted channel on a (re)connected subscriber, then tells the subscribers to catch up. */
  private resubscribe(): void {
    const first = !this.subscriberEverReady;
    this.subscriberEverReady = true;
    const channels = this.core.channelNames();
    // A first connection with nobody subscribed yet has missed nothing.
    if (channels.length === 0) {
      if (!first) this.core.resubscribed();
      return;
    }
    this.subscriber.subscribe(...channels).then(
      () => {
        if (this.closed) return;
        this.core.listeningToAll();
        this.core.resubscribed();
      },
      (error: unknown) =>
        this.core.logger.warn(
          { err: error },
          'could not subscribe the bus channels; retried on reconnection',
        ),
    );
  }

  private logBacklogged(): void {
    const now = Date.now();
    if (now - this.lastBackloggedLog < 60_000) return;
    this.lastBackloggedLog = now;
    this.core.logger.warn(
      { pending: this.pending, pendingBytes: this.pendingBytes },
      'Redis is not keeping up; bus messages are dropped until it answers',
    );
  }
}

/** The ioredis options of both connections (see the class comment for why). */
function connectionOptions(options: RedisBusOptions): RedisOptions {
  const maxDelay = options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (attempt: number) =>
      Math.min(50 * 2 ** Math.min(attempt - 1, 16), maxDelay) + Math.floor(Math.random() * 50),
  };
}

/**
 * Logs one connection's outages once each: when it is lost (or cannot be
 * made), and when it is back with how many messages were dropped meanwhile.
 */
class ConnectionWatch {
  private down = false;
  private droppedInOutage = 0;

  constructor(
    connection: Redis,
    private readonly role: Role,
    private readonly logger: Logger,
  ) {
    connection.on('error', (error: Error) => this.lost(error.message));
    connection.on('close', () => this.lost('connection closed'));
    connection.on('ready', () => this.back());
  }

  /** A message could not be published because of this connection. */
  dropped(): void {
    this.droppedInOutage++;
    if (!this.down) this.lost('publish failed');
  }

  private lost(reason: string): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      { connection: this.role, reason },
      'Redis is unreachable: bus messages are dropped until it is back; each instance serves its own clients',
    );
  }

  private back(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info({ connection: this.role, dropped: this.droppedInOutage }, 'Redis is reachable again');
    this.droppedInOutage = 0;
  }
}

/** Resolves true once `connection` is ready, false if it is not within `timeoutMs`. */
function becomesReady(connection: Redis, timeoutMs: number): Promise<boolean> {
  if (connection.status === 'ready') return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    connection.once('ready', onReady);
  });
}

/** QUIT when connected (bounded to one second), then disconnect; resolves once ioredis will not reconnect. */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
    });
    await Promise.race([connection.quit().catch(() => {}), timeout]);
    clearTimeout(timer);
  }
  connection.disconnect();
  // A connection waiting to reconnect has no socket left: disconnect() only cancels the attempt.
  const status = statusOf(connection);
  if (status !== 'end' && status !== 'reconnecting' && status !== 'close') await ended;
}

/** The connection's status, read afresh (not narrowed by earlier checks). */
function statusOf(connection: Redis): RedisStatus {
  return connection.status;
}
