import type { StoredDocumentState } from './documentStorage';

/** States up to this size (bytes) compact on the update count alone: re-encoding them costs little. */
const SMALL_STATE_BYTES = 64 * 1024;

/**
 * When a room folds its appended updates into one state row.
 *
 * Rule: due when at least `minUpdates` updates (COMPACT_AFTER_UPDATES,
 * default 500) were appended since the last compaction *and* their bytes
 * reach the size of the state that compaction wrote (a state of up to
 * 64 KiB compacts on the count alone). A compaction re-encodes
 * the whole document (O(state size)); compacting after a fixed count of
 * updates therefore cost quadratic time over a long editing session (issue
 * 16: 1.3 s of the 5 s the server spent on the 259,778-edit automerge-paper
 * trace). With the byte rule each compaction is paid for by new updates
 * of at least the size of the state before them, so the total is linear in
 * what was typed; a cold load reads at most the state plus as many bytes of
 * updates (or `minUpdates` updates). For a document of ordinary size (the seeded
 * Action Plan's state is 7.5 KB) the count rule decides, as before.
 */
export class CompactionPolicy {
  private updates = 0;
  private bytes = 0;
  private stateBytes = 0;

  constructor(private readonly minUpdates: number) {}

  /** After loading: what is stored (the compacted state and the updates appended since). */
  loaded(stored: StoredDocumentState): void {
    this.stateBytes = stored.state?.byteLength ?? 0;
    this.updates = 0;
    this.bytes = 0;
    this.appended(stored.updates);
  }

  /** After a commit of `updates`. */
  appended(updates: readonly Uint8Array[]): void {
    this.updates += updates.length;
    for (const update of updates) this.bytes += update.byteLength;
  }

  /** After a compaction wrote a state of `stateBytes` bytes. */
  compacted(stateBytes: number): void {
    this.stateBytes = stateBytes;
    this.updates = 0;
    this.bytes = 0;
  }

  /** Updates appended since the last compaction. */
  get pendingUpdates(): number {
    return this.updates;
  }

  get due(): boolean {
    if (this.updates < this.minUpdates) return false;
    return this.stateBytes <= SMALL_STATE_BYTES || this.bytes >= this.stateBytes;
  }
}
