/**
 * The measuring side of a server under test, running inside the server's own
 * process: CPU time, peak RSS, event-loop delay and open documents, answered
 * over the IPC channel to the bench runner (the load generator), plus any
 * commands the server script adds (create documents, stop…).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ServerStats {
  /** CPU time (user + system) since the last reset, in ms. */
  cpuMs: number;
  /** Wall time since the last reset, in ms. */
  wallMs: number;
  /** Event-loop delay since the last reset, in ms. */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssBytes: number;
  /** The highest RSS sampled (every 50 ms) since the last reset. */
  peakRssBytes: number;
  heapUsedBytes: number;
  openDocuments: number;
}

/** Measured over an absolute time window, so a saturated server answering late still reports the window. */
export interface WindowStats {
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  peakRssBytes: number;
  samples: number;
}

/** Wall-clock ms with sub-ms precision, comparable between processes of one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

const SAMPLE_EVERY_MS = 10;
const MAX_SAMPLES = 120_000;

/**
 * Every 10 ms: how late the timer fired (the event-loop delay) and the RSS,
 * stamped with the wall clock.
 */
class LoopSampler {
  private readonly at = new Float64Array(MAX_SAMPLES);
  private readonly lateMs = new Float64Array(MAX_SAMPLES);
  private readonly rss = new Float64Array(MAX_SAMPLES);
  private count = 0;

  start(): void {
    let expected = wallClockMs() + SAMPLE_EVERY_MS;
    const timer = setInterval(() => {
      const now = wallClockMs();
      const i = this.count++ % MAX_SAMPLES;
      this.at[i] = now;
      this.lateMs[i] = Math.max(0, now - expected);
      this.rss[i] = process.memoryUsage.rss();
      expected = now + SAMPLE_EVERY_MS;
    }, SAMPLE_EVERY_MS);
    timer.unref();
  }

  window(from: number, to: number): WindowStats {
    const late: number[] = [];
    let peakRss = 0;
    for (let i = 0; i < Math.min(this.count, MAX_SAMPLES); i++) {
      const at = this.at[i]!;
      if (at < from || at > to) continue;
      late.push(this.lateMs[i]!);
      peakRss = Math.max(peakRss, this.rss[i]!);
    }
    late.sort((a, b) => a - b);
    return {
      eventLoopP99Ms: late[Math.max(0, Math.ceil(late.length * 0.99) - 1)] ?? Number.NaN,
      eventLoopMaxMs: late.at(-1) ?? Number.NaN,
      peakRssBytes: peakRss,
      samples: late.length,
    };
  }
}

export interface ProbeRequest {
  id: number;
  command: string;
  args?: unknown;
}

export interface ProbeReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** What a server script tells the runner once it listens. */
export interface ReadyMessage {
  ready: true;
  port: number;
}

export type CommandHandler = (args: unknown) => unknown | Promise<unknown>;

/**
 * BENCH_CPU_PROF: the V8 CPU profiler runs from start-up; `writeProfile`
 * writes what it sampled so far to `<tmpdir>/draftroom-bench-<pid>-<n>.cpuprofile`
 * and starts a new one. (`--cpu-prof` writes only at a clean exit, so it loses
 * the profile of a server the bench kills with SIGKILL.)
 */
class CpuProfiler {
  private readonly session = new Session();
  private written = 0;

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    // BENCH_CPU_PROF_US: the sampling interval in µs (V8's default 1,000 hides stalls of a few ms).
    const interval = Number(process.env.BENCH_CPU_PROF_US);
    if (interval > 0) await this.session.post('Profiler.setSamplingInterval', { interval });
    await this.session.post('Profiler.start');
  }

  /** Returns the path written. */
  async write(): Promise<string> {
    const { profile } = await this.session.post('Profiler.stop');
    const path = join(tmpdir(), `draftroom-bench-${process.pid}-${++this.written}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    await this.session.post('Profiler.start');
    return path;
  }
}

function send(message: ProbeReply | ReadyMessage): void {
  process.send?.(message);
}

/** Starts measuring and answers the runner's requests: `reset`, `stats`, `gc`, and `handlers`. */
export function serveProbe(openDocuments: () => number, handlers: Record<string, CommandHandler>): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const sampler = new LoopSampler();
  sampler.start();
  let cpuAtReset = process.cpuUsage();
  let wallAtReset = performance.now();
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  rssTimer.unref();

  const stats = (): ServerStats => {
    const cpu = process.cpuUsage(cpuAtReset);
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - wallAtReset,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      eventLoopMaxMs: delay.max / 1e6,
      rssBytes: memory.rss,
      peakRssBytes: peakRss,
      heapUsedBytes: memory.heapUsed,
      openDocuments: openDocuments(),
    };
  };
  const profiler = process.env.BENCH_CPU_PROF ? new CpuProfiler() : undefined;
  void profiler?.start();
  const builtIn: Record<string, CommandHandler> = {
    writeProfile: () => profiler?.write(),
    reset: () => {
      delay.reset();
      cpuAtReset = process.cpuUsage();
      wallAtReset = performance.now();
      peakRss = process.memoryUsage.rss();
    },
    stats,
    window: (args) => {
      const { from, to } = args as { from: number; to: number };
      return sampler.window(from, to);
    },
    /** Full garbage collection (the script runs with --expose-gc), then the stats. */
    gc: () => {
      for (let i = 0; i < 3; i++) globalThis.gc?.();
      return stats();
    },
  };
  process.on('message', (request: ProbeRequest) => {
    const handler = builtIn[request.command] ?? handlers[request.command];
    if (!handler) {
      send({ id: request.id, ok: false, error: `unknown command ${request.command}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(request.args))
      .then(
        (result) => send({ id: request.id, ok: true, result }),
        (error: unknown) =>
          send({ id: request.id, ok: false, error: String((error as Error)?.stack ?? error) }),
      );
  });
  // The runner going away ends the server too (no orphans after a failed run).
  process.on('disconnect', () => process.exit(0));
}

export function announceReady(port: number): void {
  send({ ready: true, port });
}
