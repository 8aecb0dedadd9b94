/**
 * How many uploaded files are verified at once. Reading one is bounded
 * (zip limits, `MAX_VERIFY_*`), but each still costs up to tens of
 * megabytes and some CPU: with `VERIFY_CONCURRENCY` (default 2) slots, eight
 * parallel uploads cost what two do, and the rest are told to come back
 * (503 with `Retry-After`) rather than queued in memory.
 */
import { HttpError } from '../errors';

/** Seconds a refused upload is told to wait before trying again (the `Retry-After` of the 503). */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export class VerifySlots {
  private busy = 0;

  /** @param max verifications at once (`VERIFY_CONCURRENCY`, at least 1) */
  constructor(readonly max: number) {}

  /** Verifications running now. */
  get inUse(): number {
    return this.busy;
  }

  /** Takes a slot; the returned function gives it back (calling it again does nothing). Undefined when all are taken. */
  tryAcquire(): (() => void) | undefined {
    if (this.busy >= this.max) return undefined;
    this.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
    };
  }

  /**
   * Runs `work` in a slot.
   * @throws HttpError 503 (`busy`, with `Retry-After`) when every slot is taken; what `work` throws
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = this.tryAcquire();
    if (!release) {
      throw new HttpError(
        503,
        'busy',
        'The server is checking other files right now. Try again in a few seconds.',
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    try {
      return await work();
    } finally {
      release();
    }
  }
}
