/**
 * Helpers for the dead-peer and slow-reader phases of `pnpm soak` (soak.ts),
 * which run the real server as a child process (`ServerProcess`, configured
 * through its environment): the server's RSS read from /proc, the server's
 * own log lines (pino JSON at LOG_LEVEL=debug) to tell which connections it
 * opened, closed and why, and a raw client that asks for the whole document
 * again and again.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { syncStep1Message } from '../support/rawCollab';
import type { ServerProcess } from '../support/serverProcess';
import { waitFor } from '../support/waitFor';

/** The server's process id (ServerProcess keeps its child private; the soak only reads /proc/<pid>). */
export function serverPid(server: ServerProcess): number {
  const pid = (server as unknown as { child?: ChildProcess }).child?.pid;
  if (pid === undefined) throw new Error('the server process has not been started');
  return pid;
}

/** A `Vm…` line of /proc/<pid>/status, in bytes. */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kilobytes) * 1024;
}

/** The server's resident set size now, in bytes. */
export function rssBytes(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface RssMark {
  label: string;
  /** Seconds since the sampler started. */
  atSeconds: number;
  /** RSS at this moment. */
  bytes: number;
  /** The highest RSS since the previous mark (or the start). */
  peakBefore: number;
}

export interface RssSummary {
  /** One RSS reading per interval, in bytes, the first at the start and the last at `stop`. */
  samples: number[];
  /** Moments of the phase (`mark`), with the RSS then and the peak since the previous one. */
  marks: RssMark[];
  min: number;
  /** The highest RSS of the whole phase. */
  peak: number;
  end: number;
}

/**
 * Reads the server's RSS every `everyMs` (from this process, so a busy
 * server is measured too). Peaks are the kernel's high-water mark (VmHWM),
 * reset at the start and at every `mark` (`echo 5 > /proc/<pid>/clear_refs`),
 * so each is the true peak of its stretch of the phase, not only the highest
 * sample; where /proc does not allow the reset, the highest sample stands in.
 */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly marks: RssMark[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly highWaterMarkReset: boolean;
  private readonly startedAt = performance.now();
  /** The highest sample since the previous mark (used when VmHWM cannot be reset). */
  private sampledPeak = 0;

  constructor(
    private readonly pid: number,
    everyMs = 1000,
  ) {
    this.highWaterMarkReset = resetPeakRss(pid);
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
  }

  /** One reading now (also recorded). */
  take(): number {
    const bytes = rssBytes(this.pid);
    this.samples.push(bytes);
    this.sampledPeak = Math.max(this.sampledPeak, bytes);
    return bytes;
  }

  /** Notes a moment of the phase: the RSS now and the peak since the previous mark. Returns the RSS now. */
  mark(label: string): number {
    const bytes = rssBytes(this.pid);
    this.marks.push({
      label,
      atSeconds: (performance.now() - this.startedAt) / 1000,
      bytes,
      peakBefore: this.peakSinceMark(bytes),
    });
    return bytes;
  }

  /** The peak since the previous mark, if any. */
  lastPeak(): number {
    return this.marks.at(-1)?.peakBefore ?? 0;
  }

  stop(): RssSummary {
    clearInterval(this.timer);
    const end = this.take();
    const lastPeak = this.peakSinceMark(end);
    const peak = Math.max(lastPeak, ...this.samples, ...this.marks.map((mark) => mark.peakBefore));
    return { samples: [...this.samples], marks: [...this.marks], min: Math.min(...this.samples), peak, end };
  }

  private peakSinceMark(now: number): number {
    const sampled = Math.max(this.sampledPeak, now);
    this.sampledPeak = now;
    if (!this.highWaterMarkReset) return sampled;
    const peak = Math.max(sampled, statusBytes(this.pid, 'VmHWM'));
    resetPeakRss(this.pid);
    return peak;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of `pid`; false where /proc does not allow it. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The lines describing an RSS series, as the soak prints them. */
export function describeRss(summary: RssSummary, everyMs = 1000): string[] {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const series = summary.samples.map(mb).join(' ');
  const marks = summary.marks
    .map(
      (mark) =>
        `${mark.atSeconds.toFixed(1)} s ${mark.label} ${mb(mark.bytes)} (peak before ${mb(mark.peakBefore)})`,
    )
    .join('; ');
  return [
    `RSS every ${everyMs / 1000} s (MB): ${series}`,
    ...(marks ? [`RSS at (MB): ${marks}`] : []),
    `RSS min ${megabytes(summary.min)}, peak ${megabytes(summary.peak)}, end ${megabytes(summary.end)}`,
  ];
}

/** One pino line of the server. */
export interface ServerLogEntry {
  msg?: string;
  /** Epoch milliseconds (the server's clock: the same machine's). */
  time?: number;
  connection?: number;
  /** The close code of a `connection closed` line. */
  code?: number;
  /** The close code of a `refused a message` line. */
  closeCode?: number;
  documentId?: string;
}

/**
 * The server's log lines as parsed entries (ServerProcess collects them;
 * lines that are not JSON, such as the banner, become empty entries so that
 * indexes match the lines).
 */
export class ServerLog {
  private readonly parsed: ServerLogEntry[] = [];

  constructor(private readonly server: ServerProcess) {}

  /** Every entry so far. */
  entries(): ServerLogEntry[] {
    const lines = this.server.logLines;
    for (let i = this.parsed.length; i < lines.length; i++) {
      try {
        this.parsed.push(JSON.parse(lines[i] ?? '') as ServerLogEntry);
      } catch {
        this.parsed.push({});
      }
    }
    return this.parsed;
  }

  /** Entries so far: an index for `since`. */
  get length(): number {
    return this.entries().length;
  }

  /** Entries from index `from` on with message `msg`. */
  since(from: number, msg: string): ServerLogEntry[] {
    return this.entries()
      .slice(from)
      .filter((entry) => entry.msg === msg);
  }

  /** The connection id of the first `connection opened` line from index `from` on (waiting for it). */
  async openedConnection(from: number): Promise<number> {
    const entry = await waitFor(() => this.since(from, 'connection opened')[0], {
      what: 'the server logging the new connection',
      timeoutMs: 10_000,
    });
    if (entry.connection === undefined) throw new Error('a connection-opened line without a connection id');
    return entry.connection;
  }

  /** The `connection closed` line of connection `id`, if logged yet. */
  closed(id: number): ServerLogEntry | undefined {
    return this.entries().find((entry) => entry.msg === 'connection closed' && entry.connection === id);
  }
}

/** A socket asking for the whole document (sync step 1 with an empty state vector) again as soon as each answer arrives. */
export interface SyncFlooder {
  /** Whole-document answers (sync step 2) received. */
  answers: number;
  /** Bytes of those answers. */
  answerBytes: number;
  /** Resolves with the close code. */
  closed: Promise<number>;
  ws: WebSocket;
}

/**
 * Opens a collaboration socket that sends sync step 1 with an empty state
 * vector (the server answers with the whole document), and again the moment
 * each answer has arrived: as fast as the server answers, and reading
 * everything, so its only limit is its user's sync-answer budget
 * (4429), not the send buffer. It decodes nothing but the message types.
 */
export function openSyncFlooder(wsUrl: string, documentId: string, cookie: string): Promise<SyncFlooder> {
  const ws = new WebSocket(`${wsUrl}/collab/${documentId}`, { headers: { cookie } });
  const emptyStep1 = syncStep1Message(new Y.Doc());
  let resolveClosed: (code: number) => void = () => {};
  const flooder: SyncFlooder = {
    answers: 0,
    answerBytes: 0,
    closed: new Promise<number>((resolve) => {
      resolveClosed = resolve;
    }),
    ws,
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (decoding.readVarUint(decoder) !== MessageType.Sync) return;
    if (decoding.readVarUint(decoder) !== SyncMessageType.Step2) return;
    flooder.answers++;
    flooder.answerBytes += data.byteLength;
    if (ws.readyState === WebSocket.OPEN) ws.send(emptyStep1);
  });
  ws.on('close', (code: number) => resolveClosed(code));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(emptyStep1);
      resolve(flooder);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with ${response.statusCode}`)),
    );
  });
}

/** NODE_OPTIONS for a server whose heap the soak may collect and measure (`ServerInspector`): an inspector on a free loopback port. */
export const INSPECTABLE_NODE_OPTIONS = '--inspect=127.0.0.1:0';

/**
 * The server's V8 inspector (started with INSPECTABLE_NODE_OPTIONS; its
 * address is the `Debugger listening on ws://…` line on the server's
 * stderr): a full garbage collection and the memory in use after it, as
 * the memory soak's probe does for the in-process bench server, so that
 * memory that stays is told apart from garbage not yet collected.
 */
export class ServerInspector {
  private nextId = 1;

  private constructor(private readonly ws: WebSocket) {}

  static async connect(server: ServerProcess): Promise<ServerInspector> {
    const url = await waitFor(
      () =>
        server.logLines
          .map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1])
          .find((found) => found !== undefined),
      { what: 'the server inspector address', timeoutMs: 10_000 },
    );
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new ServerInspector(ws);
  }

  /**
   * A full garbage collection in the server, then its memory: the V8 heap in
   * use and the external memory (Buffers, ArrayBuffers: socket queues and
   * Yjs updates live there, outside the heap), in bytes.
   */
  async memoryAfterGc(): Promise<{ heapUsedBytes: number; externalBytes: number }> {
    await this.call('HeapProfiler.collectGarbage');
    const { result } = (await this.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    const usage = JSON.parse(result.value) as NodeJS.MemoryUsage;
    return { heapUsedBytes: usage.heapUsed, externalBytes: usage.external };
  }

  close(): void {
    this.ws.close();
  }

  private call(method: string, params?: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        const reply = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown; error?: unknown };
        if (reply.id !== id) return;
        this.ws.off('message', onMessage);
        if (reply.error) reject(new Error(`${method}: ${JSON.stringify(reply.error)}`));
        else resolve(reply.result);
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}
