/**
 * Scenario 10, scale-out (issue 15): N editors on one document at a light
 * typing rate (scaleout.ts), in three configurations of the same run:
 *   embedded   — one process on its SQLite file, no Redis (today's default);
 *   1 instance — one process with DATABASE_URL (PostgreSQL) and REDIS_URL;
 *   2 instances — two processes (a DATA_DIR each) on one PostgreSQL and Redis,
 *                 N/2 editors on each: latency split into same-instance and
 *                 cross-instance pairs, CPU per insert per instance.
 * PostgreSQL (non-durable: fsync, synchronous_commit and full_page_writes off)
 * and Redis are started once for the scenario; each configuration gets a fresh
 * database and data directory; the first instance seeds the demo, the second
 * starts after it. Everything (load generator, instances, PostgreSQL, Redis)
 * shares the machine: compare the configurations of one run.
 *
 *   BENCH_SCALEOUT_EDITORS=500  editors (default 500; 200 with BENCH_QUICK)
 *   BENCH_SCALEOUT_RATE=50      inserts per second, all editors together (default 50: one keystroke
 *                               every 10 s per editor at N=500)
 *   BENCH_SCALEOUT_MS=10000     the measuring window (default 10 s; 3 s with BENCH_QUICK), after a
 *                               warm-up of 2 s (1 s quick)
 *   BENCH_SCALEOUT_REPEAT=3     the three configurations 3 times, the order rotating each time; the
 *                               report gives each figure's median and each run's p99 with the CPU
 *                               other processes took (the machine is shared)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneParagraphState } from '../support/modelText';
import { type ResultRow, resultRow } from './report';
import { type CpuMeter, runScaleout, type ScaleoutConfig, type ScaleoutResult } from './scaleout';
import { type ScaleoutServices, startScaleoutServices } from './scaleoutServices';
import { ServerUnderTest } from './serverUnderTest';
import { formatBytes, formatMs, percentile } from './stats';

/** Rooms unload this soon after their last editor leaves, so the check reads the document from the store. */
const ROOM_UNLOAD_DELAY_MS = 200;

export interface ScaleoutPlan extends ScaleoutConfig {
  repeats: number;
}

/** The scenario's load, timing and repeats (see the header for the variables). */
export function scaleoutPlan(): ScaleoutPlan {
  const quick = process.env.BENCH_QUICK === '1';
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    editors: Math.round(number('BENCH_SCALEOUT_EDITORS', quick ? 200 : 500)),
    rate: number('BENCH_SCALEOUT_RATE', 50),
    warmupMs: quick ? 1_000 : 2_000,
    measureMs: number('BENCH_SCALEOUT_MS', quick ? 3_000 : 10_000),
    drainMs: 5_000,
    repeats: Math.round(number('BENCH_SCALEOUT_REPEAT', 1)),
  };
}

interface Configuration {
  label: string;
  /** Each run's result, in the order run. */
  runs: ScaleoutResult[];
}

/** Each number of the results (nested objects and arrays too) replaced by its median over them. */
function medianOf<T>(results: readonly T[]): T {
  const first = results[0];
  if (typeof first === 'number') return percentile(results as readonly number[], 50) as T;
  if (Array.isArray(first))
    return first.map((_, i) => medianOf(results.map((result) => (result as unknown[])[i]))) as T;
  if (first && typeof first === 'object') {
    const keys = Object.keys(first) as (keyof T)[];
    return Object.fromEntries(keys.map((key) => [key, medianOf(results.map((result) => result[key]))])) as T;
  }
  return first as T;
}

async function embedded(plan: ScaleoutConfig, initialState: Uint8Array): Promise<ScaleoutResult> {
  const server = await ServerUnderTest.start('draftroom', { roomUnloadDelayMs: ROOM_UNLOAD_DELAY_MS });
  try {
    const [documentId] = await server.createDocuments(1, 'Scale-out', initialState);
    return await runScaleout([server], documentId!, initialState, plan);
  } finally {
    await server.dispose();
  }
}

/** `count` instances on one fresh database, each with a data directory of its own, started one after the other. */
async function instances(
  count: number,
  repeat: number,
  services: ScaleoutServices,
  plan: ScaleoutConfig,
  initialState: Uint8Array,
): Promise<ScaleoutResult> {
  const databaseUrl = await services.database(`scaleout_${count}_${repeat}_${process.pid}`);
  const dataDirs: string[] = [mkdtempSync(join(tmpdir(), 'draftroom-bench-scaleout-anchor-'))];
  // One anchor file on a volume every instance mounts, as the README's production set-up has it.
  const auditAnchorFile = join(dataDirs[0] as string, 'audit-anchors.jsonl');
  const servers: ServerUnderTest[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-bench-scaleout-'));
      dataDirs.push(dataDir);
      servers.push(
        await ServerUnderTest.start('draftroom', {
          dataDir,
          databaseUrl,
          redisUrl: services.redis.url,
          auditAnchorFile,
          roomUnloadDelayMs: ROOM_UNLOAD_DELAY_MS,
        }),
      );
    }
    const [documentId] = await servers[0]!.createDocuments(1, 'Scale-out', initialState);
    const meters: CpuMeter[] = [
      { label: 'PostgreSQL', cpuMs: services.postgresCpuMs },
      { label: 'Redis', cpuMs: services.redisCpuMs },
    ];
    return await runScaleout(servers, documentId!, initialState, plan, meters);
  } finally {
    for (const server of servers) await server.dispose();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  }
}

const micros = (value: number) => `${Math.round(value)} µs`;
const percent = (value: number) => `${value.toFixed(1)} %`;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const timesEmbedded = (value: number, reference: number) =>
  Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${(value / reference).toFixed(2)}× embedded`
    : '';

/** Per instance (`A: …, B: …`), or the one figure when there is one instance. */
function perInstance(result: ScaleoutResult, pick: (i: number) => string): string {
  if (result.instances.length === 1) return pick(0);
  return result.instances.map((_, i) => `${String.fromCharCode(65 + i)}: ${pick(i)}`).join(', ');
}

function latencyRows(name: string, result: ScaleoutResult, reference: ScaleoutResult): ResultRow[] {
  const row = (metric: string, ours: string, ratio = '') =>
    resultRow(name, metric, { ours, reference: 'n/a', ratio });
  const pairs = (kind: 'sameInstance' | 'crossInstance', label: string) => {
    const figures = result[kind];
    return row(
      `latency p50 / p99, ${label} pairs (${figures.pairs} pairs)`,
      `${formatMs(figures.p50Ms)} / ${formatMs(figures.p99Ms)}`,
      timesEmbedded(figures.p99Ms, reference.all.p99Ms),
    );
  };
  return [
    row(
      'latency p50, send → each other editor',
      formatMs(result.all.p50Ms),
      timesEmbedded(result.all.p50Ms, reference.all.p50Ms),
    ),
    row(
      'latency p99, send → each other editor',
      formatMs(result.all.p99Ms),
      timesEmbedded(result.all.p99Ms, reference.all.p99Ms),
    ),
    ...(result.instances.length > 1
      ? [pairs('sameInstance', 'same-instance'), pairs('crossInstance', 'cross-instance')]
      : []),
    row(
      'latency p99, send → last other editor',
      formatMs(result.allReceivedP99Ms),
      timesEmbedded(result.allReceivedP99Ms, reference.allReceivedP99Ms),
    ),
    row('receipts missing after drain', percent(result.all.missingPercent)),
  ];
}

function costRows(name: string, result: ScaleoutResult, reference: ScaleoutResult): ResultRow[] {
  const row = (metric: string, ours: string, ratio = '') =>
    resultRow(name, metric, { ours, reference: 'n/a', ratio });
  const cpuPerInsert = sum(result.instances.map((instance) => instance.cpuPerInsertUs));
  const rows = [
    row(
      'server CPU per insert, per instance (process CPU ÷ inserts)',
      result.instances.length > 1
        ? `${perInstance(result, (i) => micros(result.instances[i]!.cpuPerInsertUs))}; together ${micros(cpuPerInsert)}`
        : micros(cpuPerInsert),
      timesEmbedded(cpuPerInsert, reference.instances[0]!.cpuPerInsertUs),
    ),
    row(
      'server CPU (% of one core), per instance',
      perInstance(result, (i) => percent(result.instances[i]!.cpuPercent)),
    ),
    ...result.services.map((service) =>
      row(
        `${service.label} CPU per insert (% of one core)`,
        `${micros(service.cpuPerInsertUs)} (${percent(service.cpuPercent)})`,
      ),
    ),
    row(
      'server peak RSS / event-loop delay p99, per instance',
      perInstance(
        result,
        (i) =>
          `${formatBytes(result.instances[i]!.peakRssBytes)} / ${formatMs(result.instances[i]!.eventLoopP99Ms)}`,
      ),
    ),
    row('dropped connections', String(result.droppedConnections)),
    row(
      'load generator CPU / event-loop p99; other processes (CPU, % of one core)',
      `${Math.round(result.loadGenerator.cpuPercent)} % / ${formatMs(result.loadGenerator.eventLoopP99Ms)}; ${percent(result.otherProcessesCpuPercent)}`,
    ),
  ];
  return rows;
}

/** The check of every run: what it typed and stored, and whether each run met it. */
function checkRow(name: string, runs: readonly ScaleoutResult[]): ResultRow {
  const total = (pick: (result: ScaleoutResult) => number) => sum(runs.map(pick));
  return resultRow(
    name,
    `after each run: each editor = the stored text (a fresh client per instance, loaded from the store)${runs.length > 1 ? `, ${runs.length} runs together` : ''}`,
    {
      ours: `${total((r) => r.check.typed)} typed, ${total((r) => r.check.storedLength)} stored; editors differing ${total((r) => r.check.editorsDiffering)}, with lost keystrokes ${total((r) => r.check.editorsWithLostKeystrokes)}; readers disagreeing ${total((r) => r.check.readersDisagreeing)}${runs.every((r) => r.check.unloaded) ? '' : '; the document stayed loaded (read from memory, not the store)'}`,
      reference: 'n/a',
    },
    {
      label: 'every keystroke stored once, every editor = stored',
      met: runs.every((result) => result.check.ok),
    },
  );
}

/** With several runs: each run's p99 (all pairs; cross-instance pairs) and the CPU other processes took. */
function perRunRow(name: string, runs: readonly ScaleoutResult[]): ResultRow[] {
  if (runs.length < 2) return [];
  const ofRun = (result: ScaleoutResult) => {
    const cross = result.instances.length > 1 ? ` (cross ${formatMs(result.crossInstance.p99Ms)})` : '';
    return `${formatMs(result.all.p99Ms)}${cross}; ${Math.round(result.otherProcessesCpuPercent)} %`;
  };
  return [
    resultRow(name, "latency p99 in each run; other processes' CPU in its window", {
      ours: runs.map(ofRun).join(' · '),
      reference: 'n/a',
    }),
  ];
}

function rowsOf(plan: ScaleoutPlan, configurations: readonly Configuration[]): ResultRow[] {
  const reference = medianOf(configurations[0]!.runs);
  return configurations.flatMap(({ label, runs }) => {
    const median = runs.length > 1 ? ` (median of ${runs.length} runs)` : '';
    const name = `10. scale-out N=${plan.editors}, R=${plan.rate}/s, ${label}${median}`;
    const result = medianOf(runs);
    return [
      ...latencyRows(name, result, reference),
      ...perRunRow(name, runs),
      ...costRows(name, result, reference),
      checkRow(name, runs),
    ];
  });
}

function progress(label: string, result: ScaleoutResult): void {
  const cross =
    result.instances.length > 1 ? `, cross-instance p99 ${formatMs(result.crossInstance.p99Ms)}` : '';
  const cpu = result.instances.map((instance) => micros(instance.cpuPerInsertUs)).join(' + ');
  process.stderr.write(
    `  ${label}: p50 ${formatMs(result.all.p50Ms)}, p99 ${formatMs(result.all.p99Ms)}${cross}, CPU/insert ${cpu}, check ${result.check.ok ? 'ok' : 'FAILED'}\n`,
  );
}

/**
 * The three configurations of the header, `plan.repeats` times (the order
 * rotating), against one PostgreSQL and one Redis started here (and stopped
 * at the end, also on failure). Throws when PostgreSQL or Redis is not
 * installed.
 */
export async function scaleoutScenario(): Promise<ResultRow[]> {
  const plan = scaleoutPlan();
  process.stderr.write(
    `  ${plan.editors} editors, ${plan.rate} inserts/s in all, window ${plan.measureMs / 1000} s, ${plan.repeats} run(s)\n`,
  );
  const initialState = oneParagraphState();
  const services = await startScaleoutServices();
  try {
    const runners: { label: string; run: (repeat: number) => Promise<ScaleoutResult> }[] = [
      { label: 'embedded (SQLite, one process, no Redis)', run: () => embedded(plan, initialState) },
      {
        label: '1 instance (PostgreSQL + Redis)',
        run: (repeat) => instances(1, repeat, services, plan, initialState),
      },
      {
        label: '2 instances (PostgreSQL + Redis)',
        run: (repeat) => instances(2, repeat, services, plan, initialState),
      },
    ];
    const configurations: Configuration[] = runners.map(({ label }) => ({ label, runs: [] }));
    for (let repeat = 0; repeat < plan.repeats; repeat++) {
      for (let step = 0; step < runners.length; step++) {
        const index = (step + repeat) % runners.length;
        const result = await runners[index]!.run(repeat);
        progress(`run ${repeat + 1}, ${runners[index]!.label}`, result);
        configurations[index]!.runs.push(result);
      }
    }
    return rowsOf(plan, configurations);
  } finally {
    await services.stop();
  }
}
