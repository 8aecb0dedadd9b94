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
  /** True while `retry` runs (a retried update that still waits is parked again, not retried again). */
  private retrying = false;

  constructor(
    private readonly limits: ParkedUpdateLimits,
    private readonly onTimeout: () => void,
  ) {}

  get size(): number {
    return this.updates.length;
  }

  /**
   * Keeps `update` aside; returns true when it is the first since the queue
   * was empty (the caller then asks the client for what the server lacks).
   * Throws CollabRefusal(4409) past the count or byte bound.
   */
  park(update: Uint8Array): boolean {
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
    if (this.timer) return false;
    // The first since the queue was empty: the oldest waiting update starts the clock.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.updates.length > 0) {
        this.clear();
        this.onTimeout();
      }
    }, this.limits.timeoutMs);
    this.timer.unref();
    return true;
  }

  /**
   * Hands every waiting update to `apply` again, oldest first, for as long as
   * that lets some of them through (`apply` parks those that still wait).
   * Does nothing when called from within `apply`.
   */
  retry(apply: (update: Uint8Array) => void): void {
    if (this.updates.length === 0 || this.retrying) return;
    this.retrying = true;
    try {
      for (let progress = true; progress && this.updates.length > 0; ) {
        const waiting = this.updates;
        this.updates = [];
        this.bytes = 0;
        for (const update of waiting) apply(update);
        progress = this.updates.length < waiting.length;
      }
      if (this.updates.length === 0) this.clear();
    } finally {
      this.retrying = false;
    }
  }

  /** Forgets every waiting update and stops the timer. */
  clear(): void {
    this.updates = [];
    this.bytes = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What parking needs of a connection (Connection): its parked updates and how it is refused. */
export interface ParkingConnection {
  parked: ParkedUpdates | undefined;
  refuse(closeCode: CloseCode, reason: string): void;
}

/**
 * Keeps aside `update` of `sender`, which waits for the sender's own earlier
 * changes: in its ParkedUpdates (made with `limits` on first use; when the
 * oldest waits too long the sender is refused with 4409). Returns true when
 * the update is the first one parked — the caller then asks the client for
 * everything the server lacks (sync step 1). Throws CollabRefusal (4409) past
 * a bound, as ParkedUpdates.park.
 */
export function parkUpdate(
  sender: ParkingConnection,
  update: Uint8Array,
  limits: ParkedUpdateLimits,
): boolean {
  sender.parked ??= new ParkedUpdates(limits, () =>
    sender.refuse(CloseCode.ResyncRequired, 'the changes this update depends on never arrived'),
  );
  return sender.parked.park(update);
}
