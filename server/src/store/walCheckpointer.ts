import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import type { SqliteDatabase } from './database';

/**
 * WAL checkpoints off the event loop (issue 16, light-load fan-out).
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses
 * `wal_autocheckpoint` pages, on the thread that commits: every few seconds
 * one commit took ~4 ms more (two fsyncs), between storing an edit and
 * broadcasting it. Here the server's connection has `wal_autocheckpoint = 0`
 * and a worker thread runs `PRAGMA wal_checkpoint(PASSIVE)` on a connection of
 * its own (opened per checkpoint, so none outlives it). A PASSIVE checkpoint
 * never waits for, nor blocks, the server's readers and writers.
 *
 * When: a commit of document updates reports the pages it wrote (`wrote`, an
 * estimate); once `checkpointPages` have been written since the last
 * checkpoint, the checkpoint is asked for on the next event-loop turn, after
 * that commit's broadcast (never between the two), so its WAL fsync runs in
 * the gap before the next commit rather than during it. The worker thread is
 * started at the first request (a one-off ~5 ms on the event loop, ~8 MB).
 * Writes of other stores are not counted: a timer asks for a checkpoint when
 * none was asked for in `maxIntervalMs`.
 *
 * Bound: the WAL restarts from its beginning at the first write after a
 * checkpoint that copied every frame. When writes keep arriving during the
 * worker's checkpoints it cannot restart, so when a checkpoint reports a WAL
 * of `hardLimitPages` or more, the server's own connection runs
 * `wal_checkpoint(RESTART)` once, on the event loop, in the worker's reply (a
 * task of its own: never between a commit and its broadcast). If the worker
 * fails (it died, or three checkpoints in a row failed), SQLite's automatic
 * checkpoint is switched back on (`wal_autocheckpoint = 1000`).
 *
 * Durability is unchanged: a commit is durable when it is in the WAL
 * (`synchronous` as configured); a checkpoint only copies committed pages
 * into the database file, with the server's `synchronous` setting.
 */

export interface WalCheckpointOptions {
  /** Pages written (estimated) after which a checkpoint is asked for (default 4,000: 16 MiB). */
  checkpointPages?: number;
  /** A WAL of this many pages or more is checkpointed by the server's own connection (default 2 × checkpointPages). */
  hardLimitPages?: number;
  /** A checkpoint is asked for at least this often while anything may have been written (default 30 s). */
  maxIntervalMs?: number;
}

/** What the worker answers for one checkpoint (`PRAGMA wal_checkpoint` plus its duration). */
export interface WalCheckpointResult {
  /** 1 when the checkpoint could not run (another checkpointer held the lock). */
  busy: number;
  /** Frames in the WAL when it ran. */
  log: number;
  /** Frames it copied into the database file (all of them when `checkpointed === log`). */
  checkpointed: number;
  ms: number;
}

type WorkerReply = ({ ok: true } & WalCheckpointResult) | { ok: false; message: string };

export const DEFAULT_WAL_CHECKPOINT_PAGES = 4_000;
const DEFAULT_MAX_INTERVAL_MS = 30_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000;
const FAILURES_BEFORE_FALLBACK = 3;

/**
 * The worker's code (CommonJS, evaluated): one message per checkpoint, one
 * reply per message. It opens its own connection each time and closes it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
parentPort.on('message', (command) => {
  if (command === 'stop') return parentPort.close();
  const started = performance.now();
  let db;
  try {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('synchronous = ' + workerData.synchronous);
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, ...result, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  } finally {
    try { if (db) db.close(); } catch {}
  }
});
`;

/** The better-sqlite3 module the server loads, for the worker to load the same. */
const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

const checkpointers = new WeakMap<SqliteDatabase, WalCheckpointer>();

/**
 * The checkpointer of a database opened by `openDatabase` (undefined for other
 * connections, which keep SQLite's automatic checkpoint).
 */
export function walCheckpointerOf(db: SqliteDatabase): WalCheckpointer | undefined {
  return checkpointers.get(db);
}

/** Moves a database's WAL checkpoints to a worker thread (see the module comment). */
export class WalCheckpointer {
  private readonly checkpointPages: number;
  private readonly hardLimitPages: number;
  private readonly maxIntervalMs: number;
  private readonly timer: NodeJS.Timeout;
  private worker: Worker | undefined;
  private pagesSinceRequest = 0;
  private lastRequestAt = performance.now();
  private inFlight = false;
  /** A request waiting for the current event-loop turn (the commit's broadcast) to end. */
  private afterTurn: NodeJS.Immediate | undefined;
  private failuresInARow = 0;
  private stopped = false;
  /** Checkpoints asked of the worker and checkpoints it completed, and the last one's result (for tests and logs). */
  requested = 0;
  completed = 0;
  lastResult: WalCheckpointResult | undefined;
  /** Checkpoints the server's own connection ran because the WAL reached `hardLimitPages`. */
  restarts = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly synchronous: 'NORMAL' | 'FULL',
    private readonly logger: Logger,
    options: WalCheckpointOptions = {},
  ) {
    this.checkpointPages = options.checkpointPages ?? DEFAULT_WAL_CHECKPOINT_PAGES;
    this.hardLimitPages = options.hardLimitPages ?? 2 * this.checkpointPages;
    this.maxIntervalMs = options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS;
    db.pragma('wal_autocheckpoint = 0');
    checkpointers.set(db, this);
    this.timer = setInterval(() => {
      if (performance.now() - this.lastRequestAt >= this.maxIntervalMs) this.request();
    }, this.maxIntervalMs);
    this.timer.unref();
  }

  /** True while the worker does the checkpoints (false after a fallback or `stop`). */
  get active(): boolean {
    return !this.stopped;
  }

  /**
   * After a commit: `pages` is an estimate of the pages it wrote to the WAL.
   * Asks the worker for a checkpoint when enough pages piled up (or the
   * interval passed); costs a few additions otherwise.
   */
  wrote(pages: number): void {
    if (this.stopped) return;
    this.pagesSinceRequest += pages;
    if (this.afterTurn) return;
    const due =
      this.pagesSinceRequest >= this.checkpointPages ||
      performance.now() - this.lastRequestAt >= this.maxIntervalMs;
    if (!due) return;
    // Asked for on the next turn: after this commit's broadcast, never between the two.
    this.afterTurn = setImmediate(() => {
      this.afterTurn = undefined;
      this.request();
    });
  }

  /** Ends the worker (before the database closes). The connection keeps `wal_autocheckpoint = 0`. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.afterTurn) clearImmediate(this.afterTurn);
    this.worker?.postMessage('stop');
    this.worker?.unref();
    this.worker = undefined;
  }

  /** Asks the worker for a checkpoint; while one runs, the next commit asks again (the pages stay counted). */
  private request(): void {
    if (this.stopped || this.inFlight) return;
    this.pagesSinceRequest = 0;
    this.lastRequestAt = performance.now();
    this.inFlight = true;
    this.requested++;
    this.ensureWorker().postMessage('checkpoint');
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: driverPath, file: this.db.name, synchronous: this.synchronous },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.answered(reply));
    worker.on('error', (error) => this.fallBack('the WAL checkpoint worker failed', error));
    worker.on('exit', (code) => {
      if (!this.stopped) this.fallBack(`the WAL checkpoint worker exited with ${code}`);
    });
    this.worker = worker;
    return worker;
  }

  private answered(reply: WorkerReply): void {
    this.inFlight = false;
    if (this.stopped) return;
    if (!reply.ok) {
      this.failuresInARow++;
      this.logger.warn({ err: reply.message, failures: this.failuresInARow }, 'WAL checkpoint failed');
      if (this.failuresInARow >= FAILURES_BEFORE_FALLBACK) this.fallBack('WAL checkpoints keep failing');
      return;
    }
    this.failuresInARow = 0;
    const { busy, log, checkpointed, ms } = reply;
    this.completed++;
    this.lastResult = { busy, log, checkpointed, ms };
    this.logger.debug({ busy, log, checkpointed, ms: Math.round(ms) }, 'WAL checkpointed');
    if (log >= this.hardLimitPages) this.restartOnOwnConnection(log);
  }

  /**
   * The WAL kept growing (writes during every checkpoint, or a reader pinning
   * it): checkpoint it on the server's connection, so the next write starts
   * the WAL from its beginning. Without waiting: a reader of another process
   * still in the WAL makes it answer busy at once (busy_timeout 0 meanwhile),
   * and the next reply tries again.
   */
  private restartOnOwnConnection(log: number): void {
    if (!this.db.open) return;
    const started = performance.now();
    const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma('busy_timeout = 0');
      const [result] = this.db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
      const ms = Math.round(performance.now() - started);
      if (result?.busy)
        return void this.logger.warn({ log, ms }, 'WAL restart deferred: a reader is still in it');
      this.restarts++;
      this.logger.info({ log, ms }, 'WAL restarted on the main connection');
    } catch (error) {
      this.logger.warn({ err: error }, 'WAL restart failed');
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  /** Gives the checkpoints back to SQLite (the committing connection, every 1,000 pages). */
  private fallBack(why: string, error?: unknown): void {
    if (this.stopped) return;
    this.logger.error({ err: error }, `${why}: SQLite's automatic checkpoint is back on`);
    this.stop();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }
}
