import {
  BusCore,
  type BusOptions,
  type BusStats,
  type BusSubscription,
  CLOSED_SUBSCRIPTION,
  type DocumentBus,
} from './busCore';
import type { BusMessage, DocumentHandler, GlobalHandler } from './messages';

/**
 * A DocumentBus over one transport, with all but the transport done by its
 * BusCore: subscriptions (none on a closed bus), resubscription handlers,
 * channel names, the counters, and publishing's first checks (a closed bus
 * drops the message and counts it; an invalid or too large one is dropped by
 * `encode`). A transport implements {@link send} (an encoded frame; it counts
 * it published or dropped), the {@link ChannelListener} methods, and
 * `isHealthy`, `ping` and `close` (which sets `closed`).
 */
export abstract class TransportBus implements DocumentBus {
  protected readonly core: BusCore;
  protected closed = false;

  /** Throws RangeError for a `maxFrameBytes` below {@link MIN_BUS_FRAME_BYTES}. */
  protected constructor(options: BusOptions) {
    this.core = new BusCore(options, {
      listen: (channel) => this.listen(channel),
      unlisten: (channel) => this.unlisten(channel),
      connected: () => this.connected(),
    });
  }

  get instanceId(): string {
    return this.core.instanceId;
  }

  /** The channel of access changes. */
  get globalChannel(): string {
    return this.core.globalChannel;
  }

  /** The channel of a document's messages (for tests that send hand-made frames). */
  documentChannel(documentId: string): string {
    return this.core.documentChannel(documentId);
  }

  publish(message: BusMessage): void {
    if (this.closed) {
      this.core.countPublishDropped();
      return;
    }
    const encoded = this.core.encode(message);
    if (encoded) this.send(encoded.channel, encoded.frame);
  }

  subscribeDocument(documentId: string, handler: DocumentHandler): BusSubscription {
    if (this.closed) return CLOSED_SUBSCRIPTION;
    return this.core.subscribe(documentId, handler);
  }

  subscribeGlobal(handler: GlobalHandler): BusSubscription {
    if (this.closed) return CLOSED_SUBSCRIPTION;
    return this.core.subscribe(null, handler);
  }

  onResubscribed(handler: () => void): () => void {
    return this.core.addResubscribedHandler(handler);
  }

  stats(): BusStats {
    return this.core.stats();
  }

  /** Hands an encoded frame to the transport (never throws); counts it published, or dropped when it cannot. */
  protected abstract send(channel: string, frame: Uint8Array): void;
  /** The transport's {@link ChannelListener} (listen, unlisten, connected). */
  protected abstract listen(channel: string): Promise<boolean>;
  protected abstract unlisten(channel: string): void;
  protected abstract connected(): boolean;
  abstract isHealthy(): boolean;
  abstract ping(timeoutMs?: number): Promise<boolean>;
  abstract close(): Promise<void>;
}
