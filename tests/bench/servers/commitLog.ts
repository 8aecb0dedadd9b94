/**
 * The SQLite commits of our server under test (ours only: the reference
 * stores nothing): when each commit of a turn's updates ended (wall clock)
 * and how long it took, plus the WAL checkpoints of the database. Figures the
 * machine's other load moves much less than end-to-end latency: a commit that
 * waited for a checkpoint's fsyncs shows here as a slow commit.
 */
import type { SqliteDatabase } from '../../../server/src/store/database';
import type { SqliteDocumentStorage } from '../../../server/src/store/sqliteDocumentStorage';
import { walCheckpointerOf } from '../../../server/src/store/walCheckpointer';
import { percentile } from '../stats';
import { wallClockMs } from './probe';

/** Commits that ended inside a window, and the checkpoints so far. */
export interface CommitStats {
  commits: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Commits that took more than 1 ms. */
  over1Ms: number;
  /** Checkpoints the worker thread completed since the server started (walCheckpointer.ts). */
  walCheckpoints: number;
  /** Checkpoints the event loop ran because the WAL reached its hard limit. */
  walRestarts: number;
}

const MAX_COMMITS = 1_000_000;

export class CommitLog {
  private readonly endedAt = new Float64Array(MAX_COMMITS);
  private readonly tookMs = new Float64Array(MAX_COMMITS);
  private count = 0;

  constructor(private readonly db: SqliteDatabase) {}

  /** Times every `appendBatch` of `storage` (the room's commit of a turn) from now on. */
  watch(storage: SqliteDocumentStorage): void {
    const appendBatch = storage.appendBatch.bind(storage);
    storage.appendBatch = (...args: Parameters<typeof appendBatch>) => {
      const started = performance.now();
      try {
        return appendBatch(...args);
      } finally {
        const i = this.count++ % MAX_COMMITS;
        this.tookMs[i] = performance.now() - started;
        this.endedAt[i] = wallClockMs();
      }
    };
  }

  /** The commits that ended between two wall-clock moments (ms, see wallClockMs). */
  window(from: number, to: number): CommitStats {
    const took: number[] = [];
    for (let i = 0; i < Math.min(this.count, MAX_COMMITS); i++) {
      const at = this.endedAt[i]!;
      if (at >= from && at <= to) took.push(this.tookMs[i]!);
    }
    const checkpointer = walCheckpointerOf(this.db);
    return {
      commits: took.length,
      p50Ms: percentile(took, 50),
      p99Ms: percentile(took, 99),
      maxMs: percentile(took, 100),
      over1Ms: took.filter((ms) => ms > 1).length,
      walCheckpoints: checkpointer?.completed ?? 0,
      walRestarts: checkpointer?.restarts ?? 0,
    };
  }
}
