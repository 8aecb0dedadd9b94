import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInThrottle } from '../../server/src/auth/signInThrottle';

const LOCKOUT_SECONDS = 900;

/** A throttle in memory; the test moves the clock (and rate-limiter-flexible's expiry timers) by hand. */
function throttle(maxFailuresPerAccount = 3, maxFailuresPerIp = 5) {
  const subject = new SignInThrottle({
    maxFailuresPerAccount,
    maxFailuresPerIp,
    lockoutSeconds: LOCKOUT_SECONDS,
  });
  return {
    subject,
    advance(seconds: number) {
      vi.advanceTimersByTime(Math.round(seconds * 1000));
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SignInThrottle', async () => {
  it('lets an account try until its failures reach the limit, then locks it for the lock-out time', async () => {
    const { subject } = throttle();
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(LOCKOUT_SECONDS);
  });

  it('counts down, rounding up to whole seconds, and unlocks exactly when the lock-out ends', async () => {
    const { subject, advance } = throttle();
    for (let i = 0; i < 3; i++) await subject.recordFailure('anna@pl.example', '192.0.2.1');
    advance(100.2);
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(800);
    advance(799.5);
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(1);
    advance(0.3);
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
  });

  it('locks the account from any address, and only that account', async () => {
    const { subject } = throttle();
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.2');
    await subject.recordFailure('anna@pl.example', '192.0.2.3');
    expect(await subject.retryAfterSeconds('anna@pl.example', '198.51.100.9')).toBe(LOCKOUT_SECONDS);
    expect(await subject.retryAfterSeconds('olena@ua.example', '192.0.2.1')).toBe(0);
  });

  it('locks an address after its limit of failures over any accounts, and only that address', async () => {
    const { subject } = throttle(100, 5);
    for (let i = 0; i < 5; i++) await subject.recordFailure(`user-${i}@x.example`, '203.0.113.7');
    expect(await subject.retryAfterSeconds('someone-new@x.example', '203.0.113.7')).toBe(LOCKOUT_SECONDS);
    expect(await subject.retryAfterSeconds('someone-new@x.example', '203.0.113.8')).toBe(0);
    expect(await subject.retryAfterSeconds('user-0@x.example', '203.0.113.8')).toBe(0);
  });

  it('does not add up failures further apart than the window', async () => {
    const { subject, advance } = throttle();
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    advance(LOCKOUT_SECONDS + 1);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(LOCKOUT_SECONDS);
  });

  it('locks for the full time from the failure that reached the limit, late in the window too', async () => {
    const { subject, advance } = throttle();
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    advance(LOCKOUT_SECONDS - 10);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    advance(60);
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(LOCKOUT_SECONDS - 60);
  });

  it('starts counting afresh after a lock-out has ended', async () => {
    const { subject, advance } = throttle();
    for (let i = 0; i < 3; i++) {
      await subject.recordFailure('anna@pl.example', '192.0.2.1');
      advance(1);
    }
    advance(LOCKOUT_SECONDS - 1);
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
  });

  it("a success forgets the account's failures but not the address's", async () => {
    const { subject } = throttle(3, 4);
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordSuccess('anna@pl.example');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    await subject.recordFailure('anna@pl.example', '192.0.2.1');
    expect(await subject.retryAfterSeconds('anna@pl.example', '192.0.2.2')).toBe(0);
    // The address saw four failures in all: it is locked, whoever signs in from it.
    expect(await subject.retryAfterSeconds('olena@ua.example', '192.0.2.1')).toBe(LOCKOUT_SECONDS);
  });
});
