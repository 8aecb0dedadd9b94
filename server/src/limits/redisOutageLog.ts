import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

/** Least time between two warnings of one outage, ms. */
const WARN_INTERVAL_MS = 60_000;

/**
 * Logs when a shared limit falls back to this instance's own counts because
 * Redis did not answer: a warning at the first fall-back, then at most one a
 * minute (with how many calls fell back meanwhile) while it goes on, and once
 * "reachable again" when the connection is ready again or Redis answers.
 */
export class RedisOutageLog {
  private down = false;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private sinceWarning = 0;
  private total = 0;
  private readonly onReady = () => this.back();

  /**
   * @param redis the connection whose `ready` events end an outage
   * @param message the warning, naming what is counted per instance meanwhile
   */
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly message: string,
  ) {
    redis.on('ready', this.onReady);
  }

  /** One call was answered without Redis (`reason`: why, for the log). */
  fellBack(reason = 'no answer from Redis'): void {
    this.down = true;
    this.total++;
    this.sinceWarning++;
    const now = Date.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return;
    this.logger.warn({ reason, fellBack: this.sinceWarning }, this.message);
    this.lastWarning = now;
    this.sinceWarning = 0;
  }

  /** Calls answered without Redis so far. */
  get fallbacks(): number {
    return this.total;
  }

  /** Redis answered a call: an outage (also one without a reconnection: a stall) is over. */
  answered(): void {
    this.back();
  }

  /** Stops listening to the connection. */
  dispose(): void {
    this.redis.off('ready', this.onReady);
  }

  private back(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info({ fellBack: this.sinceWarning }, 'Redis is reachable again: limits are shared again');
    this.lastWarning = Number.NEGATIVE_INFINITY;
    this.sinceWarning = 0;
  }
}
