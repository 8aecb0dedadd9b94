import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@draftroom/shared';
import { BusFrameError, BusMessageError } from '../../errors';
import type { Logger } from '../../logger';
import { checkMessage, decodeFrame, encodeFrame } from './frame';
import type { BusMessage, Delivered, DocumentHandler, DocumentMessage, GlobalHandler } from './messages';

/**
 * Largest bus frame by default, in bytes: twice the default collaboration
 * frame limit (a turn can merge several clients' frames). An update larger
 * than this is announced without its bytes (receivers read it from the store).
 */
export const DEFAULT_BUS_FRAME_BYTES = 2 * DEFAULT_MAX_MESSAGE_BYTES;

/** Smallest accepted `maxFrameBytes`: room for the ids and a small update. */
export const MIN_BUS_FRAME_BYTES = 4096;

/** Rejected frames and publishing failures are logged at most once per this interval (with counts). */
const LOG_INTERVAL_MS = 60_000;

/** The options every bus implementation takes. */
export interface BusOptions {
  /** Logs dropped frames and outages (a child logger with `component: 'bus'` is made from it). */
  logger: Logger;
  /** This instance's id, carried in every frame it publishes (default: a random UUID). */
  instanceId?: string;
  /**
   * Largest frame published or accepted, in bytes (default {@link DEFAULT_BUS_FRAME_BYTES},
   * at least {@link MIN_BUS_FRAME_BYTES}). A larger received frame is dropped and logged.
   */
  maxFrameBytes?: number;
  /** Channel names start with this and a colon (default `draftroom`); instances that talk share it. */
  channelPrefix?: string;
  /**
   * Tests only: a received message for which this returns true is dropped as if
   * the transport had lost it (counted in `simulatedDrops`), to exercise gap detection.
   */
  dropInbound?: (message: Delivered<BusMessage>) => boolean;
}

/** Counters of a bus since it was made; each only grows. */
export interface BusStats {
  /** Messages handed to the transport. */
  published: number;
  /** Messages not published: the transport was down or its queue full, or the message was invalid or too large. */
  publishDropped: number;
  /** Updates too large for one frame, published without their bytes (`update: null`). */
  updatesWithoutBytes: number;
  /** Messages from other instances handed to subscribers. */
  delivered: number;
  /** Received frames dropped: too large, undecodable, or on a channel that does not match their content. */
  rejected: number;
  /** Received messages dropped by the `dropInbound` test hook. */
  simulatedDrops: number;
}

/**
 * How one instance exchanges what the others must know about documents and
 * users. Implementations: LocalBus (instances in one process), RedisBus.
 */
export interface DocumentBus {
  /** This instance's id; messages carrying it are never delivered to it. */
  readonly instanceId: string;
  /**
   * Sends `message` to the other instances. Never throws and never waits: when
   * the transport is down or backed up, or the message is invalid, it is dropped
   * (counted in `publishDropped`, logged once per outage). Delivery is
   * at most once; receivers detect missed updates by their ids.
   */
  publish(message: BusMessage): void;
  /**
   * Calls `handler` with every message other instances publish about
   * `documentId`, in the order each publisher published them, until the
   * subscription is stopped. The transport listens to a document from its
   * first subscriber to its last. To miss nothing, a room awaits
   * `listening` and only then reads the document from the store.
   */
  subscribeDocument(documentId: string, handler: DocumentHandler): BusSubscription;
  /** Calls `handler` with every access change other instances publish, until the subscription is stopped. */
  subscribeGlobal(handler: GlobalHandler): BusSubscription;
  /**
   * Calls `handler` each time the transport is listening again after it was not
   * (Redis came back and every channel was subscribed again): messages published
   * meanwhile were lost, so subscribers catch up from the store. Returns the
   * function that stops it.
   */
  onResubscribed(handler: () => void): () => void;
  /** True while the transport can publish and receive (LocalBus: until closed). */
  isHealthy(): boolean;
  /** Asks the transport whether it answers (Redis PING on both connections); false on error or after `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** The counters since the bus was made. */
  stats(): BusStats;
  /** Stops every subscription and closes the transport; publishing afterwards drops the message. */
  close(): Promise<void>;
}

/** One handler's subscription to a channel. */
export interface BusSubscription {
  /**
   * Resolves true once the transport listens to the channel: whatever is
   * published from then on is delivered. False when the transport is down
   * now or the bus is closed: the `onResubscribed` handlers run once it
   * listens again. Never rejects.
   */
  readonly listening: Promise<boolean>;
  /** Stops delivering to this handler (idempotent); the last one of a channel stops the transport listening to it. */
  unsubscribe(): void;
}

/** What subscribing to a closed bus gives: nothing is ever delivered. */
export const CLOSED_SUBSCRIPTION: BusSubscription = {
  listening: Promise.resolve(false),
  unsubscribe: () => {},
};

/** What a transport must do when the set of channels it listens to changes. */
export interface ChannelListener {
  /** The first subscriber of `channel` arrived: start listening; resolves like {@link BusSubscription.listening}. */
  listen(channel: string): Promise<boolean>;
  /** The last subscriber of `channel` left: stop listening to it. */
  unlisten(channel: string): void;
  /** Whether the transport can listen at all right now (a channel's earlier answer holds only while it can). */
  connected(): boolean;
}

interface Channel {
  /** The document of a document channel; null for the global channel. */
  documentId: string | null;
  handlers: Set<(message: never) => void>;
  /** The transport's answer to listening to this channel (replaced when it listens again after an outage). */
  listening: Promise<boolean>;
}

/**
 * The part every bus shares: channel names, subscriptions, encoding what is
 * published and decoding, checking and dispatching what is received, the
 * counters, and throttled logging. A transport calls {@link encode} and
 * sends the frame, and hands every received frame to {@link receive}.
 */
export class BusCore {
  readonly instanceId: string;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  readonly globalChannel: string;
  private readonly prefix: string;
  private readonly channels = new Map<string, Channel>();
  private readonly resubscribedHandlers = new Set<() => void>();
  private readonly counters: BusStats = {
    published: 0,
    publishDropped: 0,
    updatesWithoutBytes: 0,
    delivered: 0,
    rejected: 0,
    simulatedDrops: 0,
  };
  private lastRejectLog = Number.NEGATIVE_INFINITY;
  private rejectedSinceLog = 0;

  constructor(
    private readonly options: BusOptions,
    private readonly listener: ChannelListener,
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_BUS_FRAME_BYTES;
    if (!Number.isSafeInteger(this.maxFrameBytes) || this.maxFrameBytes < MIN_BUS_FRAME_BYTES)
      throw new RangeError(`maxFrameBytes must be an integer ≥ ${MIN_BUS_FRAME_BYTES}`);
    this.prefix = options.channelPrefix ?? 'draftroom';
    this.globalChannel = `${this.prefix}:access`;
    this.logger = options.logger.child({ component: 'bus', instanceId: this.instanceId });
  }

  /** The channel of a document's messages. */
  documentChannel(documentId: string): string {
    return `${this.prefix}:doc:${documentId}`;
  }

  /** Every channel with at least one subscriber. */
  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /** Adds a handler of `documentId`'s channel (null: the global channel). */
  subscribe(documentId: string | null, handler: (message: never) => void): BusSubscription {
    const name = documentId === null ? this.globalChannel : this.documentChannel(documentId);
    let channel = this.channels.get(name);
    let listening: Promise<boolean>;
    if (channel) {
      listening = this.listener.connected() ? channel.listening : Promise.resolve(false);
    } else {
      channel = { documentId, handlers: new Set(), listening: Promise.resolve(false) };
      this.channels.set(name, channel);
      listening = this.listener.listen(name);
      channel.listening = listening;
    }
    const entry = channel;
    const own = (message: never) => handler(message);
    entry.handlers.add(own);
    const unsubscribe = () => {
      if (!entry.handlers.delete(own) || entry.handlers.size > 0) return;
      if (this.channels.get(name) !== entry) return;
      this.channels.delete(name);
      this.listener.unlisten(name);
    };
    return { listening, unsubscribe };
  }

  /** Records that the transport listens to every channel again (after it subscribed them all). */
  listeningToAll(): void {
    for (const channel of this.channels.values()) channel.listening = Promise.resolve(true);
  }

  /** Removes every subscription (the bus is closing); the transport is not told. */
  clear(): void {
    this.channels.clear();
    this.resubscribedHandlers.clear();
  }

  /** Adds a handler called after the transport listens again; returns its removal. */
  addResubscribedHandler(handler: () => void): () => void {
    const own = () => handler();
    this.resubscribedHandlers.add(own);
    return () => this.resubscribedHandlers.delete(own);
  }

  /** Calls every resubscription handler; one that throws is logged and does not stop the others. */
  resubscribed(): void {
    this.logger.info({ channels: this.channels.size }, 'bus listening again; subscribers catch up');
    for (const handler of [...this.resubscribedHandlers]) {
      try {
        handler();
      } catch (error) {
        this.logger.error({ err: error }, 'a bus resubscription handler failed');
      }
    }
  }

  /**
   * The channel and frame to publish for `message`, or null when it must be
   * dropped (invalid; or a presence or notice too large for a frame), counted
   * and logged. An update too large for a frame is announced without its bytes.
   */
  encode(message: BusMessage): { channel: string; frame: Uint8Array } | null {
    try {
      checkMessage(message);
      const channel =
        message.type === 'access' ? this.globalChannel : this.documentChannel(message.documentId);
      let frame = encodeFrame(this.instanceId, message);
      if (frame.length > this.maxFrameBytes && message.type === 'update' && message.update) {
        this.counters.updatesWithoutBytes++;
        frame = encodeFrame(this.instanceId, { ...message, update: null });
      }
      if (frame.length > this.maxFrameBytes)
        throw new BusMessageError(`a ${message.type} message of ${frame.length} bytes exceeds the frame cap`);
      return { channel, frame };
    } catch (error) {
      this.counters.publishDropped++;
      this.logger.error({ err: error, type: message.type }, 'a bus message was not published');
      return null;
    }
  }

  /** Counts a message handed to the transport. */
  countPublished(): void {
    this.counters.published++;
  }

  /** Counts a message the transport could not take (down, backed up, failed). */
  countPublishDropped(): void {
    this.counters.publishDropped++;
  }

  /**
   * Decodes a frame received on `channel`, and hands it to that channel's
   * handlers unless it comes from this instance or the test hook drops it.
   * Never throws: a bad frame is counted and logged (throttled), a handler
   * that throws is logged and does not stop the others.
   */
  receive(channel: string, frame: Uint8Array): void {
    const subscribed = this.channels.get(channel);
    if (!subscribed) return;
    let message: Delivered<BusMessage>;
    try {
      message = decodeFrame(frame, this.maxFrameBytes);
      const documentId = message.type === 'access' ? null : message.documentId;
      if (documentId !== subscribed.documentId)
        throw new BusFrameError('the message does not belong to the channel it came on');
    } catch (error) {
      this.reject(channel, frame.length, error);
      return;
    }
    if (message.origin === this.instanceId) return;
    if (this.options.dropInbound?.(message)) {
      this.counters.simulatedDrops++;
      return;
    }
    this.counters.delivered++;
    for (const handler of [...subscribed.handlers]) {
      try {
        (handler as (delivered: Delivered<BusMessage>) => void)(message);
      } catch (error) {
        this.logger.error(
          { err: error, type: message.type, documentId: (message as DocumentMessage).documentId },
          'a bus subscriber failed',
        );
      }
    }
  }

  /** The counters (a copy). */
  stats(): BusStats {
    return { ...this.counters };
  }

  private reject(channel: string, bytes: number, error: unknown): void {
    this.counters.rejected++;
    this.rejectedSinceLog++;
    const now = Date.now();
    if (now - this.lastRejectLog < LOG_INTERVAL_MS) return;
    this.logger.warn(
      { channel, bytes, reason: (error as Error).message, rejected: this.rejectedSinceLog },
      'dropped bus frames that are too large or cannot be decoded',
    );
    this.lastRejectLog = now;
    this.rejectedSinceLog = 0;
  }
}
