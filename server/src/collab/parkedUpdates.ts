import { CloseCode } from '@draftroom/shared';
import { CollabRefusal } from '../errors';

/** Bounds on the updates one connection may have waiting for their own earlier changes. */
export interface ParkedUpdateLimits {
  /** Updates waiting at once (default 1,000: a reconnecting typist's keystrokes during one sync). */
  maxUpdates: number;
  /** Bytes waiting at once (default 8 MiB: twice the default frame limit). */
  maxBytes: number;
  /** How long the oldest may wait for the changes it depends on (default 10 s), then 4409. */
  timeoutMs: number;
}

export const DEFAULT_PARKED_UPDATE_LIMITS: ParkedUpdateLimits = {
  maxUpdates: 1_000,
  maxBytes: 8 * 1024 * 1024,
  timeoutMs: 10_000,
};

/**
 * A connection's updates that depend on its own changes the server has not
 * received yet (AwaitingOwnChanges), kept *outside* the room's Y.Doc — which
 * holds only what was checked, stored and sent — and checked again, in order,
 * each time the connection's other changes arrive. Bounded in count, bytes and
 * age: past a bound the connection is closed with 4409 (ResyncRequired), and
 * its client resyncs its whole state on reconnecting.
 */
export class ParkedUpdates {
  private updates: Uint8Array[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the server has asked the client for what it is missing (sync step 1) since the queue was empty. */
  resyncRequested = false;

  constructor(
    private readonly limits: ParkedUpdateLimits,
    private readonly onTimeout: () => void,
  ) {}

  get size(): number {
    return this.updates.length;
  }

  /** Keeps `update` aside; throws CollabRefusal(4409) past the count or byte bound. */
  park(update: Uint8Array): void {
    if (
      this.updates.length >= this.limits.maxUpdates ||
      this.bytes + update.byteLength > this.limits.maxBytes
    ) {
      this.clear();
      throw new CollabRefusal(
        CloseCode.ResyncRequired,
        'too many updates waiting for their own earlier changes',
      );
    }
    this.updates.push(update);
    this.bytes += update.byteLength;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.updates.length > 0) {
          this.clear();
          this.onTimeout();
        }
      }, this.limits.timeoutMs);
      this.timer.unref();
    }
  }

  /** Removes and returns every waiting update, oldest first. */
  takeAll(): Uint8Array[] {
    const taken = this.updates;
    this.updates = [];
    this.bytes = 0;
    return taken;
  }

  /** Forgets every waiting update and stops the timer. */
  clear(): void {
    this.updates = [];
    this.bytes = 0;
    this.resyncRequested = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
