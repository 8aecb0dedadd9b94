/**
 * The audit log's writes of one process, in the order they were asked for:
 * entries (AuditLog.record) and tasks (opening, checkpoints, re-anchoring).
 * Recording never waits: it queues the entry and returns; one loop writes
 * the queue, one job at a time.
 *
 * A failed append is logged and tried again (after 0.1 s, doubling up to
 * 5 s) until it is stored — entries behind it wait, so the order holds. An
 * append whose outcome is unknown (the connection lost after the commit) is
 * written again: the entry may then be stored twice, never not at all.
 *
 * While appends fail, every queued entry is also written to the server log
 * (`auditEntry`, level error) once, so an entry of a process that dies with
 * it queued is still in the (shipped) server log. An entry queued and lost
 * with a crash in the milliseconds before its append — with no failure
 * before it — is not.
 *
 * The queue holds at most `maxQueued` entries (default 10,000, about 3 MB).
 * Past that, an entry is not queued: it is logged (`auditEntry`, error) and
 * counted, and one entry `audit-entries-lost`, queued after the entries that
 * filled the queue, records how many were lost until it is written, of which
 * actions, from when to when.
 */
import { HttpError } from '../errors';
import type { Logger } from '../logger';
import type { AuditAction } from './auditChain';
import type { AuditFields } from './auditStore';

export interface AuditQueueOptions {
  /** Entries that may wait at most (default 10,000); past it they are logged, counted and summarised. */
  maxQueued?: number;
  /** Delay before the first retry of a failed write, in ms (default 100); it doubles after each failure. */
  retryMs?: number;
  /** Longest delay between retries, in ms (default 5,000). */
  maxRetryMs?: number;
  /** How long {@link AuditQueue.flushed} waits before it gives up, in ms (default 10,000). */
  flushTimeoutMs?: number;
}

/** The log could not be brought up to date in time: entries still wait to be stored (HTTP 503). */
export class AuditBacklogError extends HttpError {
  constructor(waiting: number, cause: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    super(503, 'audit_unavailable', `The audit log cannot be read now: ${waiting} writes wait${why}.`, 5);
    this.name = 'AuditBacklogError';
  }
}

/** An entry waiting to be written, with when it was recorded (ms since the epoch). */
interface EntryJob {
  kind: 'entry';
  fields: AuditFields;
  recordedAt: number;
  /** Whether it was written to the server log already. */
  logged: boolean;
}

interface TaskJob {
  kind: 'task';
  run: () => Promise<void>;
  /** Tried again until it succeeds (else it runs once and its error goes to its caller). */
  retried: boolean;
}

/** The `audit-entries-lost` entry: written with what was lost until it runs. */
interface LostJob {
  kind: 'lost';
}

type Job = EntryJob | TaskJob | LostJob;

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Delay after which an entry's detail says when it was recorded (`recordedAt`). */
const LATE_MS = 5000;

/** What was not queued because the queue was full. */
interface Lost {
  count: number;
  actions: Partial<Record<AuditAction, number>>;
  from: string;
  to: string;
}

export class AuditQueue {
  private readonly jobs: Job[] = [];
  private readonly waiters = new Set<Waiter>();
  private enqueued = 0;
  private completed = 0;
  private entries = 0;
  private draining = false;
  private failures = 0;
  private lastError: unknown;
  private lost: Lost | undefined;
  /** Whether a LostJob waits in the queue. */
  private lostQueued = false;
  private stopped = false;
  private retryTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private readonly maxQueued: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  readonly flushTimeoutMs: number;

  /**
   * @param write stores one entry (rejects when it was not stored)
   */
  constructor(
    private readonly write: (fields: AuditFields) => Promise<void>,
    private readonly logger: Logger,
    options: AuditQueueOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.retryMs = options.retryMs ?? 100;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
  }

  /** Queues an entry (see the file's comment for a full queue and a stopped one). */
  append(fields: AuditFields): void {
    if (this.stopped) {
      this.logger.error(
        { auditEntry: fields },
        'audit entry recorded after the audit log closed: not stored',
      );
      return;
    }
    if (this.entries >= this.maxQueued) {
      this.countLost(fields);
      return;
    }
    const job: EntryJob = { kind: 'entry', fields, recordedAt: Date.now(), logged: false };
    if (this.failures > 0) this.logEntry(job);
    this.push(job);
  }

  /**
   * Runs `task` after every job queued before it. Unless `retried`, it runs once and the returned
   * promise settles with it; a retried task is tried again until it succeeds.
   */
  run<T>(task: () => Promise<T>, retried = false): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the audit log is closed'));
    return new Promise<T>((resolve, reject) => {
      this.push({
        kind: 'task',
        retried,
        run: async () => {
          try {
            resolve(await task());
          } catch (error) {
            if (retried) throw error;
            reject(error);
          }
        },
      });
    });
  }

  /**
   * Resolves when every job queued so far is done (entries stored). Rejects with an
   * AuditBacklogError when that takes longer than `timeoutMs`, or when the queue is stopped first.
   */
  flushed(timeoutMs = this.flushTimeoutMs): Promise<void> {
    if (this.idle) return Promise.resolve();
    if (this.stopped) return Promise.reject(new AuditBacklogError(this.jobs.length, this.lastError));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new AuditBacklogError(this.jobs.length, this.lastError));
      }, timeoutMs);
      const waiter: Waiter = {
        target: this.enqueued,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Whether every job queued so far is done. */
  get idle(): boolean {
    return this.completed >= this.enqueued;
  }

  /** Stops writing: returns the entries still queued (they are not stored), fails the waiters. */
  stop(): AuditFields[] {
    this.stopped = true;
    this.retryTimer?.wake();
    const left = this.jobs.filter((job): job is EntryJob => job.kind === 'entry').map((job) => job.fields);
    for (const waiter of this.waiters) waiter.reject(new AuditBacklogError(this.jobs.length, this.lastError));
    this.waiters.clear();
    return left;
  }

  private push(job: Job): void {
    this.jobs.push(job);
    this.enqueued++;
    if (job.kind === 'entry') this.entries++;
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.jobs.length > 0 && !this.stopped) {
        const job = this.jobs[0] as Job;
        if (!(await this.attempt(job))) {
          await this.pause();
          continue;
        }
        this.jobs.shift();
        this.completed++;
        if (job.kind === 'entry') this.entries--;
        for (const waiter of this.waiters) {
          if (waiter.target > this.completed) continue;
          this.waiters.delete(waiter);
          waiter.resolve();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Runs `job` once; false when it must be tried again. */
  private async attempt(job: Job): Promise<boolean> {
    const lost = job.kind === 'lost' ? this.takeLost() : undefined;
    try {
      if (job.kind === 'entry') await this.write(lateMarked(job));
      else if (job.kind === 'task') await job.run();
      else if (lost) await this.write(lostEntry(lost));
    } catch (error) {
      if (job.kind === 'task' && !job.retried) return true;
      if (lost) this.restoreLost(lost);
      this.failed(error);
      return false;
    }
    if (this.failures > 0) {
      this.logger.warn({ failures: this.failures }, 'the audit log is written again');
      this.failures = 0;
    }
    return true;
  }

  private failed(error: unknown): void {
    this.failures++;
    this.lastError = error;
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.logger.error(
        { err: error, failures: this.failures, waiting: this.entries },
        'the audit log cannot be written; its entries wait and are tried again',
      );
    }
    for (const job of this.jobs) if (job.kind === 'entry' && !job.logged) this.logEntry(job);
  }

  private logEntry(job: EntryJob): void {
    job.logged = true;
    const recordedAt = new Date(job.recordedAt).toISOString();
    this.logger.error({ auditEntry: { ...job.fields, recordedAt } }, 'audit entry waits to be stored');
  }

  /** Waits before the next attempt (doubling), or until stopped. */
  private pause(): Promise<void> {
    const delay = Math.min(this.retryMs * 2 ** Math.min(this.failures - 1, 16), this.maxRetryMs);
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.retryTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, delay).unref();
      this.retryTimer = { timer, wake };
    });
  }

  private countLost(fields: AuditFields): void {
    const now = new Date().toISOString();
    this.logger.error(
      { auditEntry: { ...fields, recordedAt: now }, queued: this.entries },
      'the audit queue is full: entry not stored (counted in an audit-entries-lost entry)',
    );
    this.lost ??= { count: 0, actions: {}, from: now, to: now };
    this.lost.count++;
    this.lost.actions[fields.action] = (this.lost.actions[fields.action] ?? 0) + 1;
    this.lost.to = now;
    if (!this.lostQueued) {
      this.lostQueued = true;
      this.push({ kind: 'lost' });
    }
  }

  /** What was lost so far, for the LostJob now running; entries lost meanwhile get a LostJob of their own. */
  private takeLost(): Lost | undefined {
    const lost = this.lost;
    this.lost = undefined;
    this.lostQueued = false;
    return lost;
  }

  /** Puts back what a failed LostJob was to write (it is tried again, with any lost meanwhile). */
  private restoreLost(taken: Lost): void {
    const since = this.lost;
    this.lost = since
      ? {
          count: taken.count + since.count,
          actions: sumCounts(taken.actions, since.actions),
          from: taken.from,
          to: since.to,
        }
      : taken;
    this.lostQueued = true; // the failed job stays first; a later LostJob finds nothing and is skipped
  }
}

function sumCounts(
  a: Partial<Record<AuditAction, number>>,
  b: Partial<Record<AuditAction, number>>,
): Partial<Record<AuditAction, number>> {
  const sum = { ...a };
  for (const [action, count] of Object.entries(b) as [AuditAction, number][]) {
    sum[action] = (sum[action] ?? 0) + count;
  }
  return sum;
}

/** The `audit-entries-lost` entry for `lost`. */
function lostEntry(lost: Lost): AuditFields {
  return {
    actor_user_id: null,
    actor_email: null,
    action: 'audit-entries-lost',
    target: '',
    detail: JSON.stringify({
      why: 'the audit queue was full',
      lost: lost.count,
      actions: lost.actions,
      from: lost.from,
      to: lost.to,
    }),
    ip: '',
  };
}

/** The entry's fields; its detail also says when it was recorded when that was more than 5 s ago. */
function lateMarked(job: EntryJob): AuditFields {
  if (Date.now() - job.recordedAt < LATE_MS) return job.fields;
  const detail = JSON.parse(job.fields.detail) as Record<string, unknown>;
  const recordedAt = new Date(job.recordedAt).toISOString();
  return { ...job.fields, detail: JSON.stringify({ ...detail, recordedAt }) };
}
