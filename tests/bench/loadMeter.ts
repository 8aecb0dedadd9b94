/** What the load generator (this process) itself spent, so a saturated generator is visible in the report. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadGeneratorStats {
  cpuPercent: number;
  eventLoopP99Ms: number;
}

export class LoadMeter {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private cpuAtStart = process.cpuUsage();
  private startedAt = performance.now();

  start(): void {
    this.delay.enable();
    this.delay.reset();
    this.cpuAtStart = process.cpuUsage();
    this.startedAt = performance.now();
  }

  stop(): LoadGeneratorStats {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallMs = performance.now() - this.startedAt;
    this.delay.disable();
    return {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      eventLoopP99Ms: this.delay.percentile(99) / 1e6,
    };
  }
}

/** Resolves after `ms` (pacing of the load, never synchronisation). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds or `timeoutMs` passed; returns whether it held. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  intervalMs = 5,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await pause(intervalMs);
  }
  return true;
}
