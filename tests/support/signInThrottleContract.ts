/**
 * The contract of the sign-in throttle, whatever holds its counts: this
 * process's memory (tests/unit/signInThrottleContract.test.ts) or Redis
 * shared by every instance (tests/services/signInThrottle.test.ts). Real
 * time: lock-outs of one or two seconds, waited for with a deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SignInThrottle, SignInThrottleOptions } from '../../server/src/auth/signInThrottle';
import { waitFor } from './waitFor';

/** Throttles under test. */
export interface ThrottleTarget {
  /** True when throttles made with one `scope` share their counts (instances on one store). */
  shared: boolean;
  /** A new throttle ("instance"); throttles of one `scope` count together when `shared`. */
  make(options: SignInThrottleOptions, scope: string): SignInThrottle | Promise<SignInThrottle>;
  /** Ends whatever the throttles of the test hold (connections). */
  dispose(): Promise<void>;
}

const options = (maxFailuresPerAccount: number, maxFailuresPerIp: number, lockoutSeconds = 60) => ({
  maxFailuresPerAccount,
  maxFailuresPerIp,
  lockoutSeconds,
});

let scopeNumber = 0;
/** A scope of the test's own: nothing counted by another test is seen. */
const newScope = () => `contract-${process.pid}-${++scopeNumber}`;

/** The throttle contract, run against `target`. */
export function describeSignInThrottleContract(name: string, target: ThrottleTarget): void {
  describe(`SignInThrottle contract: ${name}`, () => {
    afterEach(() => target.dispose());

    it('locks an account at its limit of failures, from any address, for the lock-out; only that account', async () => {
      const throttle = await target.make(options(3, 100, 60), newScope());
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      await throttle.recordFailure('anna@pl.example', '192.0.2.2');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
      await throttle.recordFailure('anna@pl.example', '192.0.2.3');
      const wait = await throttle.retryAfterSeconds('anna@pl.example', '198.51.100.9');
      expect(wait).toBeGreaterThan(55);
      expect(wait).toBeLessThanOrEqual(60);
      expect(await throttle.retryAfterSeconds('olena@ua.example', '192.0.2.1')).toBe(0);
    });

    it('locks an IPv6 /64 after its limit over any accounts and addresses of it, not the next /64', async () => {
      const throttle = await target.make(options(100, 5, 60), newScope());
      for (let i = 0; i < 5; i++)
        await throttle.recordFailure(`user-${i}@x.example`, `2001:db8:1:2::${i + 1}`);
      expect(await throttle.retryAfterSeconds('someone@x.example', '2001:db8:1:2:abcd::1')).toBeGreaterThan(
        0,
      );
      expect(await throttle.retryAfterSeconds('someone@x.example', '2001:db8:1:3::1')).toBe(0);
      expect(await throttle.retryAfterSeconds('user-0@x.example', '203.0.113.8')).toBe(0);
    });

    it("a success forgets the account's failures but not its network's", async () => {
      const throttle = await target.make(options(3, 4, 60), newScope());
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      await throttle.recordSuccess('anna@pl.example');
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.2')).toBe(0);
      expect(await throttle.retryAfterSeconds('olena@ua.example', '192.0.2.1')).toBeGreaterThan(0);
    });

    it('lets the account in again when the lock-out ends, and counts afresh', async () => {
      const throttle = await target.make(options(2, 100, 1), newScope());
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(1);
      await waitFor(async () => (await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')) === 0, {
        timeoutMs: 5000,
        what: 'the one-second lock-out to end',
      });
      await throttle.recordFailure('anna@pl.example', '192.0.2.1');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
    });

    it('loses no failure among 40 recorded at once: 39 leave the account open, the 40th locks it', async () => {
      const throttle = await target.make(options(40, 1000, 60), newScope());
      await Promise.all(
        Array.from({ length: 39 }, (_, i) => throttle.recordFailure('anna@pl.example', `192.0.2.${i + 1}`)),
      );
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
      await throttle.recordFailure('anna@pl.example', '192.0.2.100');
      expect(await throttle.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBeGreaterThan(0);
    });

    if (target.shared)
      describe('across instances', () => {
        it('counts failures made on two instances together, and each sees the lock-out', async () => {
          const scope = newScope();
          const [a, b] = [
            await target.make(options(4, 100), scope),
            await target.make(options(4, 100), scope),
          ];
          await a.recordFailure('anna@pl.example', '192.0.2.1');
          await b.recordFailure('anna@pl.example', '192.0.2.2');
          await a.recordFailure('anna@pl.example', '192.0.2.3');
          expect(await b.retryAfterSeconds('anna@pl.example', '192.0.2.4')).toBe(0);
          await b.recordFailure('anna@pl.example', '192.0.2.4');
          expect(await a.retryAfterSeconds('anna@pl.example', '192.0.2.5')).toBeGreaterThan(0);
          expect(await b.retryAfterSeconds('anna@pl.example', '192.0.2.5')).toBeGreaterThan(0);
        });

        it('a success on one instance forgets the failures counted on the other', async () => {
          const scope = newScope();
          const [a, b] = [
            await target.make(options(3, 100), scope),
            await target.make(options(3, 100), scope),
          ];
          await a.recordFailure('anna@pl.example', '192.0.2.1');
          await a.recordFailure('anna@pl.example', '192.0.2.1');
          await b.recordSuccess('anna@pl.example');
          await a.recordFailure('anna@pl.example', '192.0.2.1');
          await a.recordFailure('anna@pl.example', '192.0.2.1');
          expect(await b.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
        });

        it('loses no failure among 40 recorded at once on two instances', async () => {
          const scope = newScope();
          const [a, b] = [
            await target.make(options(40, 1000), scope),
            await target.make(options(40, 1000), scope),
          ];
          await Promise.all(
            Array.from({ length: 39 }, (_, i) =>
              (i % 2 === 0 ? a : b).recordFailure('anna@pl.example', `192.0.2.${i + 1}`),
            ),
          );
          expect(await a.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBe(0);
          await b.recordFailure('anna@pl.example', '192.0.2.100');
          expect(await a.retryAfterSeconds('anna@pl.example', '192.0.2.1')).toBeGreaterThan(0);
        });
      });
  });
}
