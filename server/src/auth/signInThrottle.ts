import { networkOf } from './addressNetwork';

export interface SignInThrottleOptions {
  /** Failed sign-ins of one account within the window before it is locked. */
  maxFailuresPerAccount: number;
  /** Failed sign-ins from one IP address (IPv6: one /64 network) within the window before it is locked. */
  maxFailuresPerIp: number;
  /** The window, and how long a lock-out lasts. */
  lockoutSeconds: number;
}

interface FailureRecord {
  count: number;
  windowStartsAt: number;
  lockedUntil: number;
}

/**
 * Counts failed sign-ins per account and per IP address, and locks either
 * out for a while after too many. An IPv6 address counts for its /64
 * network (`addressNetwork.ts`): one client holds all of it, so 60 addresses
 * of one /64 are one source, not 60. In memory: a restart forgives.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, FailureRecord>();

  constructor(
    private readonly options: SignInThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the account or IP may try again, or 0 when it may try now. */
  retryAfterSeconds(email: string, ip: string): number {
    const now = this.now();
    const lockedUntil = Math.max(
      this.lockedUntil(`account:${email}`, now),
      this.lockedUntil(`ip:${networkOf(ip)}`, now),
    );
    return lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 0;
  }

  recordFailure(email: string, ip: string): void {
    this.count(`account:${email}`, this.options.maxFailuresPerAccount);
    this.count(`ip:${networkOf(ip)}`, this.options.maxFailuresPerIp);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`account:${email}`);
  }

  private lockedUntil(key: string, now: number): number {
    const record = this.failures.get(key);
    if (!record) return 0;
    if (record.lockedUntil <= now && now - record.windowStartsAt > this.options.lockoutSeconds * 1000) {
      this.failures.delete(key);
      return 0;
    }
    return record.lockedUntil;
  }

  private count(key: string, limit: number): void {
    const now = this.now();
    const windowMs = this.options.lockoutSeconds * 1000;
    let record = this.failures.get(key);
    if (!record || now - record.windowStartsAt > windowMs) {
      record = { count: 0, windowStartsAt: now, lockedUntil: 0 };
      this.failures.set(key, record);
    }
    record.count++;
    if (record.count >= limit) record.lockedUntil = now + windowMs;
    if (this.failures.size > 100_000) this.forgetOldest();
  }

  private forgetOldest(): void {
    const oldest = this.failures.keys().next().value;
    if (oldest !== undefined) this.failures.delete(oldest);
  }
}
