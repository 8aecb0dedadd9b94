/** Latency histograms, percentiles and number formatting for the bench report. */

const BUCKET_GROWTH = 1.01;
const SMALLEST_MS = 0.001;
const LOG_GROWTH = Math.log(BUCKET_GROWTH);

/**
 * A latency histogram with 1 % wide logarithmic buckets (1 µs to beyond
 * minutes), so millions of samples cost a fixed few kilobytes. Samples that
 * never arrived count as infinitely late.
 */
export class LatencyHistogram {
  private readonly buckets = new Float64Array(2_500);
  private missing = 0;
  count = 0;

  record(ms: number): void {
    const index = ms <= SMALLEST_MS ? 0 : Math.ceil(Math.log(ms / SMALLEST_MS) / LOG_GROWTH);
    this.buckets[Math.min(index, this.buckets.length - 1)]! += 1;
    this.count++;
  }

  /** A sample that never arrived (counts as later than every other). */
  recordMissing(times = 1): void {
    this.missing += times;
    this.count += times;
  }

  get missingCount(): number {
    return this.missing;
  }

  /** The `p`-th percentile (0–100) in ms; Infinity when it falls among the missing samples. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return SMALLEST_MS * BUCKET_GROWTH ** i;
    }
    return Number.POSITIVE_INFINITY;
  }
}

/** Percentile of plain samples (small sets: sorts a copy). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return 'n/a';
  if (!Number.isFinite(ms)) return 'never (lost/late)';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number): string {
  if (Number.isNaN(bytes)) return 'n/a';
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}

/** Ours ÷ reference, as `0.83×`; blank when either side is not a finite positive number. */
export function formatRatio(ours: number, reference: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(reference) || reference <= 0) return '';
  return `${(ours / reference).toFixed(2)}×`;
}
