/**
 * Keeps refusals from flooding the audit log (2,000 cross-origin upgrades
 * used to write 2,000 rows in 0.9 s) without letting one flood hide another.
 * Within each window (`AUDIT_REFUSAL_WINDOW_SECONDS`, default 60 s) the first
 * refusal of a source is written at once with its details; further ones are
 * counted and written as one summary row (`repeated`: how many more;
 * `targets`: up to 10 of the targets they named) when the window ends.
 *
 * A source is an action, a reason and, for a signed-in user, the user and
 * network; for anyone else the network alone (`auth/addressNetwork.ts`: an
 * IPv4 address, an IPv6 /64) — never a made-up email, so 110 locked sign-ins
 * with 110 invented emails from one address are one source.
 *
 * Budgets of first rows per window, kept apart so that one cannot starve
 * the other:
 * - anonymous sources together: `AUDIT_REFUSAL_ROWS_PER_WINDOW` (a token
 *   bucket of the `limiter` package). Past it, a new source still gets its
 *   own summary row (`firstRowWithheld`), for up to
 *   `AUDIT_REFUSAL_SUMMARY_ADDRESSES` sources; past that, one "refusals from
 *   many sources" row counts the rest;
 * - each signed-in user: `AUDIT_REFUSAL_ROWS_PER_USER`, then as many
 *   summary-only sources, then one row naming the user counts the rest.
 * So a window costs at most 2 × rows + summaries + 1 anonymous rows and
 * 3 × the per-user budget + 1 rows per user, and memory for as many sources.
 */
import { TokenBucket } from 'limiter';
import { networkOf } from '../auth/addressNetwork';
import type { AuditAction } from './auditChain';

export interface RefusalActor {
  userId?: string | undefined;
  email?: string | undefined;
  ip?: string | undefined;
}

/** Where rows go (the audit log's `record`). */
export type AuditSink = (
  action: AuditAction,
  actor: RefusalActor,
  target: string,
  detail: Record<string, unknown>,
) => void;

export interface RefusalAggregatorOptions {
  /** Length of a window, in ms (`AUDIT_REFUSAL_WINDOW_SECONDS` × 1000). */
  windowMs: number;
  /** First rows anonymous sources together may write per window (`AUDIT_REFUSAL_ROWS_PER_WINDOW`, default 100). */
  maxRowsPerWindow: number;
  /** First rows one signed-in user's refusals may write per window (`AUDIT_REFUSAL_ROWS_PER_USER`, default 20). */
  maxRowsPerUser?: number;
  /** Anonymous sources past the row budget summarised one row each (`AUDIT_REFUSAL_SUMMARY_ADDRESSES`, default 100). */
  maxSummarySources?: number;
}

/** Targets a summary row lists, at most. */
const MAX_SUMMARY_TARGETS = 10;

interface Source {
  action: AuditAction;
  actor: RefusalActor;
  target: string;
  detail: Record<string, unknown>;
  /** Refusals not written as a first row. */
  repeated: number;
  /** Whether the first refusal was written in full (else the summary row stands for all). */
  firstWritten: boolean;
  targets: Set<string>;
}

/** What one signed-in user has spent in this window. */
interface UserBudget {
  rows: number;
  summaryOnly: number;
  /** Refusals past both, counted in one row naming the user. */
  overflow: number;
  actor: RefusalActor;
}

function sourceKey(action: AuditAction, actor: RefusalActor, detail: Record<string, unknown>): string {
  const network = networkOf(actor.ip ?? '');
  return JSON.stringify([action, String(detail.why ?? ''), network, actor.userId ?? null]);
}

export class RefusalAggregator {
  private readonly sources = new Map<string, Source>();
  private readonly users = new Map<string, UserBudget>();
  private readonly anonymousRows: TokenBucket;
  private anonymousSummaryOnly = 0;
  private overflow = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxRowsPerUser: number;
  private readonly maxSummarySources: number;

  constructor(
    private readonly sink: AuditSink,
    private readonly options: RefusalAggregatorOptions,
  ) {
    this.anonymousRows = new TokenBucket({
      bucketSize: options.maxRowsPerWindow,
      tokensPerInterval: options.maxRowsPerWindow,
      interval: options.windowMs,
    });
    this.anonymousRows.content = options.maxRowsPerWindow;
    this.maxRowsPerUser = options.maxRowsPerUser ?? 20;
    this.maxSummarySources = options.maxSummarySources ?? 100;
  }

  /** A refusal: written now if it is its source's first in this window and the budget allows, else counted. */
  refused(action: AuditAction, actor: RefusalActor, target: string, detail: Record<string, unknown>): void {
    this.timer ??= setInterval(() => this.flush(), this.options.windowMs).unref();
    const key = sourceKey(action, actor, detail);
    const source = this.sources.get(key);
    if (source) {
      source.repeated++;
      source.target = target;
      if (source.targets.size < MAX_SUMMARY_TARGETS) source.targets.add(target);
      return;
    }
    const entry = { action, actor, target, detail };
    const room = actor.userId ? this.userRoom(actor.userId, actor) : this.anonymousRoom();
    if (room === 'row') {
      this.sources.set(key, { ...entry, repeated: 0, firstWritten: true, targets: new Set() });
      this.sink(action, actor, target, detail);
    } else if (room === 'summary') {
      this.sources.set(key, { ...entry, repeated: 1, firstWritten: false, targets: new Set([target]) });
    } else if (!actor.userId) this.overflow++;
  }

  /** Whether a new anonymous source gets a first row, only a summary row, or neither. */
  private anonymousRoom(): 'row' | 'summary' | 'none' {
    if (this.anonymousRows.tryRemoveTokens(1)) return 'row';
    if (this.anonymousSummaryOnly >= this.maxSummarySources) return 'none';
    this.anonymousSummaryOnly++;
    return 'summary';
  }

  /** The same for a new source of a signed-in user, out of that user's own budget. */
  private userRoom(userId: string, actor: RefusalActor): 'row' | 'summary' | 'none' {
    let budget = this.users.get(userId);
    if (!budget) {
      budget = { rows: 0, summaryOnly: 0, overflow: 0, actor };
      this.users.set(userId, budget);
    }
    if (budget.rows < this.maxRowsPerUser) {
      budget.rows++;
      return 'row';
    }
    if (budget.summaryOnly < this.maxRowsPerUser) {
      budget.summaryOnly++;
      return 'summary';
    }
    budget.overflow++;
    budget.actor = actor;
    return 'none';
  }

  /** Ends the window: a summary row per source that repeated (or had no first row), per user past the budget, and one for the overflow. */
  flush(): void {
    const windowSeconds = this.options.windowMs / 1000;
    for (const source of this.sources.values()) {
      if (source.repeated === 0) continue;
      const detail: Record<string, unknown> = { ...source.detail, repeated: source.repeated, windowSeconds };
      if (!source.firstWritten) detail.firstRowWithheld = true;
      if (source.targets.size > 1) detail.targets = [...source.targets];
      this.sink(source.action, source.actor, source.target, detail);
    }
    for (const budget of this.users.values()) {
      if (budget.overflow === 0) continue;
      const detail = { why: 'further refusals of this user', repeated: budget.overflow, windowSeconds };
      this.sink('refused', budget.actor, '', detail);
    }
    if (this.overflow > 0) {
      const detail = { why: 'refusals from many sources', repeated: this.overflow, windowSeconds };
      this.sink('refused', {}, '', detail);
    }
    const idle = this.sources.size === 0 && this.overflow === 0;
    this.sources.clear();
    this.users.clear();
    this.anonymousSummaryOnly = 0;
    this.overflow = 0;
    if (idle && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Writes what is pending and stops the timer (the server is stopping). */
  close(): void {
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
