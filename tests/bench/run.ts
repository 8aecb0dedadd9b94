/**
 * `pnpm bench`: our collaboration server side by side with the reference
 * y-websocket server (@y/websocket-server 0.1.1), same machine, same `ws`,
 * alternating, each in its own process; this process is the load generator.
 * Prints a Markdown table (also written to BENCH_OUT when set).
 *
 *   BENCH_QUICK=1            a smoke run of every scenario in about a minute and a half
 *   BENCH_ONLY=fanout,trace  only some scenarios (fanout, trace, concurrent, load, documents, burst, amendments, clauses, compare, scaleout)
 *   BENCH_SCALEOUT_EDITORS / _RATE / _MS / _REPEAT  the scale-out scenario's editors, inserts/s in all, window, runs (scaleoutScenario.ts)
 *   BENCH_FANOUT=200x500,500x200  only these fan-out configurations (editors x inserts per second)
 *   BENCH_REPEAT=5           each fan-out configuration 5 times, alternating; the report gives medians and each run's p99 ratio
 *   BENCH_FANOUT_MS=30000    a fan-out measuring window of 30 s (default 8 s; 3 s quick)
 *   BENCH_CPU_PROF=1         servers record a CPU profile, written (path printed) before each stop or kill
 *   BENCH_CPU_PROF_US=100    the profiles' sampling interval in µs (default 1,000)
 *   BENCH_TSX=1              servers run under `--import tsx` instead of bundled (serverBundles.ts), as before 30 Nov
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { amendmentAcceptScenario } from './amendmentAccept';
import { burstScenario } from './burst';
import { fanoutScenario } from './fanoutScenario';
import { markdownTable, type ResultRow } from './report';
import { scaleoutScenario } from './scaleoutScenario';
import {
  type BenchPlan,
  coldLoadScenario,
  concurrentScenario,
  manyDocumentsScenario,
  traceScenario,
} from './scenarios';
import { clauseLockScenario, compareScenario } from './serverSideCosts';

const FULL: BenchPlan = {
  fanout: [
    { editors: 50, rate: 100 },
    { editors: 50, rate: 500 },
    { editors: 200, rate: 100 },
    { editors: 200, rate: 500 },
    { editors: 500, rate: 100 },
    { editors: 500, rate: 200 },
    { editors: 500, rate: 500 },
  ],
  fanoutTiming: { warmupMs: 2_000, measureMs: 8_000, drainMs: 4_000 },
  fanoutRepeats: 1,
  traceLimit: undefined,
  concurrentLimit: undefined,
  coldLoadSamples: 10,
  documents: 1_000,
};

const QUICK: BenchPlan = {
  fanout: [
    { editors: 50, rate: 100 },
    { editors: 200, rate: 500 },
  ],
  fanoutTiming: { warmupMs: 1_000, measureMs: 3_000, drainMs: 2_000 },
  fanoutRepeats: 1,
  traceLimit: 20_000,
  concurrentLimit: 5_000,
  coldLoadSamples: 3,
  documents: 100,
};

const SCENARIOS: Record<string, (plan: BenchPlan) => Promise<ResultRow[]>> = {
  fanout: fanoutScenario,
  trace: traceScenario,
  concurrent: concurrentScenario,
  load: coldLoadScenario,
  documents: manyDocumentsScenario,
  burst: burstScenario,
  amendments: amendmentAcceptScenario,
  // In-process costs of Draftroom's own work (no reference counterpart).
  clauses: clauseLockScenario,
  compare: compareScenario,
  // Issue 15: one instance vs two on PostgreSQL + Redis, beside the embedded single process.
  scaleout: scaleoutScenario,
};

function machine(): string {
  const cpu = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM`,
    `node ${process.version}, ${process.platform}`,
    `load average at start: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  ].join('\n');
}

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const fanoutOverride = process.env.BENCH_FANOUT?.split(',').map((pair) => {
  const [editors, rate] = pair.split('x').map(Number);
  return { editors: editors ?? 50, rate: rate ?? 100 };
});
const base = quick ? QUICK : FULL;
const plan: BenchPlan = {
  ...base,
  ...(fanoutOverride ? { fanout: fanoutOverride } : {}),
  fanoutRepeats: Number(process.env.BENCH_REPEAT ?? base.fanoutRepeats),
  fanoutTiming: {
    ...base.fanoutTiming,
    measureMs: Number(process.env.BENCH_FANOUT_MS ?? base.fanoutTiming.measureMs),
  },
};
const started = performance.now();
const header = `${machine()}\nmode: ${quick ? 'quick (BENCH_QUICK=1)' : 'full'}`;
process.stderr.write(`${header}\n`);
const rows: ResultRow[] = [];
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue;
  const scenarioStarted = performance.now();
  process.stderr.write(`running ${name}…\n`);
  rows.push(...(await scenario(plan)));
  process.stderr.write(`  ${name} took ${((performance.now() - scenarioStarted) / 1000).toFixed(0)} s\n`);
}
const footer = `bench took ${((performance.now() - started) / 1000).toFixed(0)} s; load average at end: ${loadavg()
  .map((load) => load.toFixed(2))
  .join(' ')}`;
const output = `${header}\n\n${markdownTable(rows)}\n\n${footer}\n`;
process.stdout.write(output);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, output);
