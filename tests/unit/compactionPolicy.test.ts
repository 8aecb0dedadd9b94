import { describe, expect, it } from 'vitest';
import { CompactionPolicy } from '../../server/src/collab/compactionPolicy';

const bytes = (n: number) => new Uint8Array(n);

describe('CompactionPolicy', () => {
  it('compacts a small document on the update count alone', () => {
    const policy = new CompactionPolicy(3);
    policy.loaded({ state: bytes(10_000), updates: [bytes(20)], lastUpdateId: 1 });
    policy.appended([bytes(20)]);
    expect(policy.due).toBe(false);
    policy.appended([bytes(20)]);
    expect(policy.pendingUpdates).toBe(3);
    expect(policy.due).toBe(true);
    policy.compacted(10_060);
    expect(policy.due).toBe(false);
    expect(policy.pendingUpdates).toBe(0);
  });

  it('waits for new update bytes as large as a large state, so compaction work stays linear', () => {
    const policy = new CompactionPolicy(2);
    policy.loaded({ state: bytes(400_000), updates: [], lastUpdateId: 0 });
    policy.appended(Array.from({ length: 13_000 }, () => bytes(30)));
    expect(policy.due).toBe(false); // 390,000 bytes < 400,000
    policy.appended(Array.from({ length: 400 }, () => bytes(30)));
    expect(policy.due).toBe(true); // 402,000 bytes ≥ 400,000
  });

  it('counts the updates a load found after the stored state', () => {
    const policy = new CompactionPolicy(2);
    policy.loaded({ state: null, updates: [bytes(5), bytes(5)], lastUpdateId: 2 });
    expect(policy.due).toBe(true);
  });

  it('over a long session, re-encodes at most a bounded multiple of what was typed', () => {
    // A document that grows by every update, compacted whenever due: the sum
    // of the states written stays within a constant factor of the bytes typed
    // (with a fixed count rule it grows with the square of the session).
    const policy = new CompactionPolicy(500);
    let state = 100_000;
    let typed = 0;
    let reencoded = 0;
    for (let i = 0; i < 200_000; i++) {
      policy.appended([bytes(30)]);
      typed += 30;
      state += 30;
      if (policy.due) {
        reencoded += state;
        policy.compacted(state);
      }
    }
    expect(reencoded / typed).toBeLessThan(3);
  });
});
