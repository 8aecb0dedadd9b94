import type { BusOptions } from './busCore';
import { TransportBus } from './transportBus';

/**
 * The instances of one process that hear each other: every LocalBus made on
 * the same hub receives what the others publish. The embedded server has a
 * hub with one member (it hears nobody); unit tests put several "instances"
 * on one hub.
 */
export class LocalBusHub {
  private readonly members = new Set<LocalBus>();

  /** Adds a member (LocalBus does this when made). */
  join(member: LocalBus): void {
    this.members.add(member);
  }

  /** Removes a member (LocalBus does this when closed). */
  leave(member: LocalBus): void {
    this.members.delete(member);
  }

  /**
   * Hands `frame` on `channel` to every member but `from`, each on a
   * microtask of its own, in publishing order (frames of one publisher arrive
   * in the order it published them). `from` null: every member (what a foreign
   * publisher on the same channel would do; tests send hand-made frames so).
   */
  deliver(from: LocalBus | null, channel: string, frame: Uint8Array): void {
    for (const member of this.members) {
      if (member === from) continue;
      queueMicrotask(() => member.receive(channel, frame));
    }
  }
}

/** Options of a LocalBus: the common ones and the hub it joins. */
export interface LocalBusOptions extends BusOptions {
  /** The hub shared with the other instances of this process (default: a hub of its own). */
  hub?: LocalBusHub;
}

/**
 * A bus between instances in one process. Messages are encoded into the same
 * frames as on Redis and decoded by each receiver (so bounds, checks and the
 * `dropInbound` hook behave as with Redis), and delivered on a microtask:
 * never inside the publisher's call. Always healthy until closed; never
 * resubscribes (nothing is lost in between).
 */
export class LocalBus extends TransportBus {
  private readonly hub: LocalBusHub;

  /** Joins `options.hub` (or a hub of its own). Throws RangeError for a `maxFrameBytes` below the minimum. */
  constructor(options: LocalBusOptions) {
    super(options);
    this.hub = options.hub ?? new LocalBusHub();
    this.hub.join(this);
  }

  protected send(channel: string, frame: Uint8Array): void {
    this.core.countPublished();
    this.hub.deliver(this, channel, frame);
  }

  /** Listening is immediate while open. */
  protected async listen(): Promise<boolean> {
    return !this.closed;
  }

  protected unlisten(): void {}

  protected connected(): boolean {
    return !this.closed;
  }

  isHealthy(): boolean {
    return !this.closed;
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  /** Leaves the hub and forgets every subscription. */
  async close(): Promise<void> {
    this.closed = true;
    this.hub.leave(this);
    this.core.clear();
  }

  /** A frame from the hub (another member's, or a test's hand-made one). Never throws. */
  receive(channel: string, frame: Uint8Array): void {
    if (!this.closed) this.core.receive(channel, frame);
  }
}
