import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { UserBuckets } from '../../server/src/collab/userBuckets';

describe('UserBuckets', () => {
  it('gives each user their own burst, shared by all of that user’s callers', () => {
    const buckets = new UserBuckets({ burst: 3, perInterval: 1, intervalMs: 60_000 });
    for (let i = 0; i < 3; i++) expect(buckets.tryTake('eve')).toBe(true);
    expect(buckets.tryTake('eve')).toBe(false);
    expect(buckets.tryTake('anna')).toBe(true);
    expect(buckets.tryTake('eve', 4)).toBe(false); // more than the burst: never
  });

  it('forgets users whose bucket refilled (a new one would be the same), and only those', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    let now = 0;
    const buckets = new UserBuckets({ burst: 2, perInterval: 2, intervalMs: 20 }, () => now);
    buckets.tryTake('eve', 2);
    buckets.tryTake('anna');
    expect(buckets.size).toBe(2);
    // The buckets refill on limiter's own clock (performance.now): move it past the refill time (20 ms).
    vi.advanceTimersByTime(30);
    now = 1000;
    buckets.tryTake('jana');
    expect(buckets.size).toBe(1); // eve and anna forgotten, jana just spent
  });
});
