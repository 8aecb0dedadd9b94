/**
 * Where the server's log lines go: standard output, written through
 * sonic-boom (pino's own destination) so that a failing write — a full disk
 * (ENOSPC), a closed pipe, an I/O error — is an `error` event we handle,
 * never an exception that ends the process. While the log cannot be
 * written, lines wait in memory up to a bound and are dropped past it; when
 * writing works again the waiting lines are written first, followed by one
 * warning that says how long the log failed and how many lines were lost.
 */
import SonicBoom, { type SonicBoomOpts } from 'sonic-boom';

/** What a stretch of failing log writes cost, reported once writing works again. */
export interface LogOutage {
  /** The first error's code, e.g. `ENOSPC`. */
  code: string;
  /** How long the log could not be written, in milliseconds. */
  durationMs: number;
  /** Failed write attempts. */
  failedWrites: number;
  /** Lines dropped because more than the bound was waiting. */
  droppedLines: number;
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}

/** A log destination on a file descriptor that survives write failures (see the module comment). */
export class ResilientLogDestination {
  readonly stream: SonicBoom;
  /** Called (once per outage) when a write succeeds after failures. */
  onRecovered: ((outage: LogOutage) => void) | undefined;
  private outage: { code: string; since: number; failedWrites: number; droppedLines: number } | undefined;

  /**
   * @param fd file descriptor to write to (1: standard output)
   * @param maxBufferedBytes bytes of log lines kept while writes fail (`LOG_BUFFER_MAX_BYTES`); more are dropped
   */
  constructor(fd: number, maxBufferedBytes: number) {
    // Synchronous, like process.stdout on a file or a pipe: lines are out before the next statement,
    // and nothing is left to flush at exit. EAGAIN on a non-blocking descriptor is retried a few times only.
    // (maxWriteRetries is in sonic-boom 5.0.2's README but not yet in its type declarations.)
    const options = { fd, sync: true, maxLength: maxBufferedBytes, maxWriteRetries: 10 } as SonicBoomOpts;
    this.stream = new SonicBoom(options);
    this.stream.on('error', (error: unknown) => this.failed(error));
    this.stream.on('drop', () => {
      this.outage ??= { code: 'dropped', since: Date.now(), failedWrites: 0, droppedLines: 0 };
      this.outage.droppedLines++;
    });
    this.stream.on('write', () => this.wrote());
  }

  /** Whether writes are failing now. */
  get failing(): boolean {
    return this.outage !== undefined;
  }

  private failed(error: unknown): void {
    this.outage ??= { code: codeOf(error), since: Date.now(), failedWrites: 0, droppedLines: 0 };
    this.outage.failedWrites++;
  }

  private wrote(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    this.onRecovered?.({
      code: outage.code,
      durationMs: Date.now() - outage.since,
      failedWrites: outage.failedWrites,
      droppedLines: outage.droppedLines,
    });
  }
}

let stdoutDestination: ResilientLogDestination | undefined;

/** The process's one standard-output destination (created on first use with `maxBufferedBytes`). */
export function standardOutputDestination(maxBufferedBytes: number): ResilientLogDestination {
  stdoutDestination ??= new ResilientLogDestination(1, maxBufferedBytes);
  return stdoutDestination;
}

/**
 * Keeps a failing write on `process.stdout` or `process.stderr` (the banner,
 * anything a library prints) from ending the process: Node emits those
 * failures as `error` events, which are fatal when nobody listens.
 */
export function survivePrintingFailures(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
}
