/**
 * The scale-out scenario's ledger: every insert until each other editor
 * received it, its send → receipt latency recorded for every pair, split by
 * whether sender and receiver are on the same instance.
 */
import { LatencyHistogram } from './stats';

interface SentInsert {
  sentAt: number;
  instance: number;
  waitingSame: number;
  waitingCross: number;
  measured: boolean;
}

/** Every insert until each other editor received it, with its latency by pair kind. */
export class PairLedger {
  private readonly inFlight = new Map<string, SentInsert>();
  readonly same = new LatencyHistogram();
  readonly cross = new LatencyHistogram();
  readonly all = new LatencyHistogram();
  readonly allReceived = new LatencyHistogram();
  pending = 0;
  pendingMeasured = 0;

  /** `editorsOn[i]`: the editors connected to instance i. */
  constructor(private readonly editorsOn: readonly number[]) {}

  sent(key: string, instance: number, measured: boolean, at: number): void {
    const total = this.editorsOn.reduce((sum, count) => sum + count, 0);
    const sameInstance = this.editorsOn[instance]! - 1;
    this.inFlight.set(key, {
      sentAt: at,
      instance,
      waitingSame: sameInstance,
      waitingCross: total - 1 - sameInstance,
      measured,
    });
    this.pending++;
    if (measured) this.pendingMeasured++;
  }

  received(key: string, instance: number, at: number): void {
    const entry = this.inFlight.get(key);
    if (!entry) return;
    const sameInstance = entry.instance === instance;
    if (sameInstance) entry.waitingSame--;
    else entry.waitingCross--;
    if (entry.measured) {
      const ms = at - entry.sentAt;
      this.all.record(ms);
      (sameInstance ? this.same : this.cross).record(ms);
    }
    if (entry.waitingSame + entry.waitingCross > 0) return;
    this.inFlight.delete(key);
    this.pending--;
    if (!entry.measured) return;
    this.allReceived.record(at - entry.sentAt);
    this.pendingMeasured--;
  }

  /** Counts what never arrived as infinitely late. */
  close(): void {
    for (const entry of this.inFlight.values()) {
      if (!entry.measured) continue;
      this.same.recordMissing(entry.waitingSame);
      this.cross.recordMissing(entry.waitingCross);
      this.all.recordMissing(entry.waitingSame + entry.waitingCross);
      this.allReceived.recordMissing();
    }
    this.inFlight.clear();
  }
}
