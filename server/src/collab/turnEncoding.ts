import * as Y from 'yjs';
import type { UpdateAuthor } from './documentStorage';

/** Updates merged at once; each level of the merge tree merges groups of this size. */
const MERGE_GROUP = 16;

/**
 * Merges the updates one event-loop turn stored into one update, for one
 * broadcast message (shape: Yjs v1 updates in, one v1 update out; throws what
 * Y.mergeUpdates throws for a malformed update — ours are stored, so valid).
 *
 * `Y.mergeUpdates` over k updates re-sorts its k readers for every struct it
 * writes, so one call over a turn of thousands of keystrokes costs O(S·k·log k)
 * (issue 16: 10,000 single-character updates took 1.2 s in one call, 42 ms
 * merged this way, measured in-process on the 2-core CI machine). Merging in
 * groups of 16, then the groups' results, bounds k per call: O(S·log n)
 * overall for a turn of n updates of total size S.
 */
export function mergeTurnUpdates(updates: readonly Uint8Array[]): Uint8Array | undefined {
  let level = updates as Uint8Array[];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += MERGE_GROUP) {
      const group = level.slice(i, i + MERGE_GROUP);
      next.push(group.length === 1 ? (group[0] as Uint8Array) : Y.mergeUpdates(group));
    }
    level = next;
  }
  return level[0];
}

/** Changes of one author, as a room collects them during a turn. */
export interface AuthoredChange<Sender> {
  updates: readonly Uint8Array[];
  author: UpdateAuthor;
  sender: Sender;
}

/**
 * The rows a turn is stored as: each run of consecutive changes from one
 * sender becomes one row holding their merged update (mergeTurnUpdates), with
 * that sender's author and the union of the clauses the run touched.
 *
 * Why: one row per client update made a fast writer's turn of thousands of
 * keystrokes cost thousands of SQLite inserts (issue 16: 0.9 s of the
 * server's time on the automerge-paper trace); merged per run it is one
 * insert per sender per turn. Runs keep the turn's order, and nothing of a
 * turn was broadcast before its commit, so no run depends on a later one.
 * The stored rows are also what the turn broadcasts: a turn of one run is
 * sent as stored, with no second merge.
 */
export function storedRuns<Sender>(
  batch: readonly AuthoredChange<Sender>[],
): (AuthoredChange<Sender> & { updates: [Uint8Array] })[] {
  const runs: { sender: Sender; author: UpdateAuthor; updates: Uint8Array[]; clauses: Set<string> }[] = [];
  for (const change of batch) {
    let run = runs.at(-1);
    if (run?.sender !== change.sender) {
      run = { sender: change.sender, author: change.author, updates: [], clauses: new Set() };
      runs.push(run);
    }
    run.updates.push(...change.updates);
    for (const clauseId of change.author.touchedClauses ?? []) run.clauses.add(clauseId);
  }
  return runs.flatMap((run) => {
    const merged = mergeTurnUpdates(run.updates);
    if (!merged) return [];
    const author = { ...run.author, touchedClauses: [...run.clauses] };
    return [{ sender: run.sender, author, updates: [merged] as [Uint8Array] }];
  });
}
