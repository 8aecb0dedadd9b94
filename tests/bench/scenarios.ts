/** The five bench scenarios, each run against both servers and turned into report rows. */
import { rmSync } from 'node:fs';
import { oneParagraphState } from '../support/modelText';
import { bytesOnDisk, runColdLoad, runReferenceLoad, timeProviderSync } from './coldLoad';
import type { FanoutConfig } from './fanout';
import { runManyDocuments } from './manyDocuments';
import { type ResultRow, resultRow } from './report';
import { type ServerKind, ServerUnderTest } from './serverUnderTest';
import { formatBytes, formatMs, formatRatio } from './stats';
import { type ReplayResult, replayOneWriter, replayTwoWriters } from './traceReplay';
import { type EditingTrace, editCount, loadTrace, measureFloor, updatesOfTrace } from './traces';

export interface BenchPlan {
  fanout: { editors: number; rate: number }[];
  fanoutTiming: Omit<FanoutConfig, 'editors' | 'rate'>;
  /** Alternating runs of each fan-out configuration; the report gives their medians (BENCH_REPEAT). */
  fanoutRepeats: number;
  /** Transactions of each trace to replay (undefined: all). */
  traceLimit: number | undefined;
  concurrentLimit: number | undefined;
  coldLoadSamples: number;
  documents: number;
}

const KINDS: ServerKind[] = ['draftroom', 'reference'];

/** Both servers, alternating which goes first. */
export async function bothServers<T>(
  turn: number,
  run: (kind: ServerKind) => Promise<T>,
): Promise<Record<ServerKind, T>> {
  const order = turn % 2 === 0 ? KINDS : [...KINDS].reverse();
  const results: Partial<Record<ServerKind, T>> = {};
  for (const kind of order) results[kind] = await run(kind);
  return results as Record<ServerKind, T>;
}

export function compare(ours: number, reference: number, format: (value: number) => string) {
  return { ours: format(ours), reference: format(reference), ratio: formatRatio(ours, reference) };
}

const yesNo = (value: boolean) => (value ? 'yes' : 'NO');

export interface ReplayOutcome {
  replay: ReplayResult;
  /** Text after kill -9 and a restart, synced by a fresh client (ours only). */
  reloadedCorrect: boolean | undefined;
  bytesOnDisk: number | undefined;
}

export async function replayThroughServer(
  kind: ServerKind,
  trace: EditingTrace,
  initialState: Uint8Array,
  replay: (server: ServerUnderTest, documentId: string) => Promise<ReplayResult>,
): Promise<ReplayOutcome> {
  const server = await ServerUnderTest.start(kind);
  const [documentId] = await server.createDocuments(1, `Replay ${trace.name}`, initialState);
  const result = await replay(server, documentId!);
  if (kind === 'reference') {
    await server.stop();
    return { replay: result, reloadedCorrect: undefined, bytesOnDisk: undefined };
  }
  const bytes = bytesOnDisk(server.dataDir);
  await server.kill();
  const restarted = await ServerUnderTest.start('draftroom', { dataDir: server.dataDir });
  const { text } = await timeProviderSync(restarted.wsUrl, documentId!, restarted.cookie);
  await restarted.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
  return { replay: result, reloadedCorrect: text === trace.endContent, bytesOnDisk: bytes };
}

/** Observers of the one-writer trace replays: issue 16's method ("one writer as fast as it can send, two observers"). */
const TRACE_OBSERVERS = 2;

function replayRows(
  name: string,
  floorMs: number,
  r: Record<ServerKind, ReplayOutcome>,
  { observers, targets = true }: { observers: number; targets?: boolean },
): ResultRow[] {
  const [ours, ref] = [r.draftroom, r.reference];
  const overFloor = (o: ReplayOutcome) => `${(o.replay.totalMs / floorMs).toFixed(1)}× floor`;
  return [
    resultRow(name, 'floor: same edits on a bare Y.Doc in-process', {
      ours: formatMs(floorMs),
      reference: formatMs(floorMs),
    }),
    resultRow(
      name,
      `total time through the server to ${observers} observers`,
      compare(ours.replay.totalMs, ref.replay.totalMs, formatMs),
      // Issue 16's target: at most 3× the bare floor, and faster than the reference in the same run.
      targets
        ? {
            label: '≤ 3× floor and < ref',
            met: ours.replay.totalMs <= 3 * floorMs && ours.replay.totalMs < ref.replay.totalMs,
          }
        : undefined,
    ),
    resultRow(name, 'time ÷ floor', { ours: overFloor(ours), reference: overFloor(ref) }),
    resultRow(
      name,
      'server CPU during the replay',
      compare(ours.replay.server.cpuMs, ref.replay.server.cpuMs, formatMs),
    ),
    resultRow(
      name,
      'server peak RSS',
      compare(ours.replay.server.peakRssBytes, ref.replay.server.peakRssBytes, formatBytes),
      targets
        ? {
            label: '≤ 1.2× ref',
            met: ours.replay.server.peakRssBytes <= 1.2 * ref.replay.server.peakRssBytes,
          }
        : undefined,
    ),
    resultRow(name, 'every observer (and writer) text = endContent', {
      ours: yesNo(ours.replay.observersCorrect && ours.replay.writersCorrect),
      reference: yesNo(ref.replay.observersCorrect && ref.replay.writersCorrect),
    }),
    resultRow(name, 'text reloaded from SQLite after kill -9 + restart = endContent', {
      ours: yesNo(ours.reloadedCorrect === true),
      reference: 'n/a (no storage)',
    }),
    resultRow(name, 'bytes on disk after the replay (db + WAL)', {
      ours: formatBytes(ours.bytesOnDisk ?? Number.NaN),
      reference: 'n/a (no storage)',
    }),
  ];
}

export async function traceScenario(plan: BenchPlan): Promise<ResultRow[]> {
  const trace = loadTrace('automerge-paper', plan.traceLimit);
  // Both servers' documents start as this state; the writer's updates are typed into its paragraph.
  const initialState = oneParagraphState();
  const floor = measureFloor(trace, initialState);
  if (!floor.correct) throw new Error('the floor replay does not reach endContent');
  const { updates } = updatesOfTrace(trace, 1, initialState);
  const results = await bothServers(0, (kind) =>
    replayThroughServer(kind, trace, initialState, (server, documentId) =>
      replayOneWriter(server, documentId, trace, updates, initialState, { observers: TRACE_OBSERVERS }),
    ),
  );
  return replayRows(`2. trace automerge-paper (${editCount(trace)} edits), 1 writer`, floor.ms, results, {
    observers: TRACE_OBSERVERS,
  });
}

/**
 * friendsforever, a two-person trace: replayed by one writer as fast as it
 * can send to two observers (issue 16's method and targets, as automerge-paper),
 * then by two writers who each wait for the other's preceding edits, to 10
 * observers (informational: bound by round trips between the writers).
 */
export async function concurrentScenario(plan: BenchPlan): Promise<ResultRow[]> {
  const trace = loadTrace('friendsforever_flat', plan.concurrentLimit);
  const initialState = oneParagraphState();
  const floor = measureFloor(trace, initialState);
  if (!floor.correct) throw new Error('the floor replay does not reach endContent');
  const { updates } = updatesOfTrace(trace, 1, initialState);
  const oneWriter = await bothServers(1, (kind) =>
    replayThroughServer(kind, trace, initialState, (server, documentId) =>
      replayOneWriter(server, documentId, trace, updates, initialState, { observers: TRACE_OBSERVERS }),
    ),
  );
  const twoWriters = await bothServers(0, (kind) =>
    replayThroughServer(kind, trace, initialState, (server, documentId) =>
      replayTwoWriters(server, documentId, trace),
    ),
  );
  const name = `3. trace friendsforever (${editCount(trace)} edits)`;
  return [
    ...replayRows(`${name}, 1 writer`, floor.ms, oneWriter, { observers: TRACE_OBSERVERS }),
    ...replayRows(`${name}, 2 writers (waiting for each other)`, floor.ms, twoWriters, {
      observers: 10,
      targets: false,
    }),
  ];
}

export async function coldLoadScenario(plan: BenchPlan): Promise<ResultRow[]> {
  const trace = loadTrace('automerge-paper', plan.traceLimit);
  // The same document on both: this initial state, then the trace typed into its paragraph.
  const initialState = oneParagraphState();
  const ours = await runColdLoad(trace, plan.coldLoadSamples, initialState);
  const reference = await runReferenceLoad(trace, plan.coldLoadSamples, initialState);
  const name = `4. load automerge-paper (${plan.coldLoadSamples} samples)`;
  const na = 'n/a (no storage)';
  const correct = ours.uncompacted.correct && ours.compacted.correct && ours.warm.correct;
  const compactedShare = ours.bytesCompacted - ours.bytesBaseline;
  const vacuumedShare = ours.bytesVacuumed - ours.bytesBaseline;
  return [
    resultRow(
      name,
      `cold, ${editCount(trace)} updates stored (not compacted), fresh process: p50 / max`,
      {
        ours: `${formatMs(ours.uncompacted.p50Ms)} / ${formatMs(ours.uncompacted.maxMs)}`,
        reference: na,
      },
      { label: '< 1.5 s', met: ours.uncompacted.maxMs < 1500 },
    ),
    resultRow(
      name,
      'after compaction, not in memory (running server): p50 / max',
      {
        ours: `${formatMs(ours.compacted.p50Ms)} / ${formatMs(ours.compacted.maxMs)}`,
        reference: na,
      },
      { label: '< 100 ms', met: ours.compacted.maxMs < 100 },
    ),
    resultRow(name, 'warm (document in memory): p50', compare(ours.warm.p50Ms, reference.p50Ms, formatMs)),
    resultRow(name, 'warm (document in memory): max', compare(ours.warm.maxMs, reference.maxMs, formatMs)),
    resultRow(name, 'synced text = endContent', {
      ours: yesNo(correct),
      reference: yesNo(reference.correct),
    }),
    resultRow(name, 'encoded state (Y.encodeStateAsUpdate)', {
      ours: formatBytes(ours.encodedStateBytes),
      reference: na,
    }),
    resultRow(name, 'on disk: seeded demo database before the document', {
      ours: formatBytes(ours.bytesBaseline),
      reference: na,
    }),
    resultRow(name, 'on disk with the full history (db + WAL)', {
      ours: formatBytes(ours.bytesUncompacted),
      reference: na,
    }),
    resultRow(
      name,
      'on disk after compaction, minus the demo baseline',
      {
        ours: `${formatBytes(compactedShare)} = ${(compactedShare / ours.encodedStateBytes).toFixed(1)}× state (${ours.freePagesAfterCompaction} free pages)`,
        reference: na,
      },
      { label: '≤ 1.5× state', met: compactedShare <= 1.5 * ours.encodedStateBytes },
    ),
    resultRow(name, 'same after VACUUM (what-if, not done by the server)', {
      ours: `${formatBytes(vacuumedShare)} = ${(vacuumedShare / ours.encodedStateBytes).toFixed(1)}× state; largest: ${ours.largestTables.map((t) => `${t.name} ${formatBytes(t.bytes)}`).join(', ')}`,
      reference: na,
    }),
  ];
}

export async function manyDocumentsScenario(plan: BenchPlan): Promise<ResultRow[]> {
  const r = await bothServers(0, (kind) => runManyDocuments(kind, plan.documents));
  const [ours, ref] = [r.draftroom, r.reference];
  const name = `5. ${plan.documents} documents × 2 clients`;
  const delta = (after: number, before: number) => `${formatBytes(after - before)} (${formatBytes(after)})`;
  return [
    resultRow(
      name,
      'heap per open document (with its 2 clients)',
      compare(ours.heapPerDocumentBytes, ref.heapPerDocumentBytes, formatBytes),
    ),
    resultRow(
      name,
      'RSS per open document (with its 2 clients)',
      compare(ours.rssPerDocumentBytes, ref.rssPerDocumentBytes, formatBytes),
    ),
    resultRow(name, 'heap after all left, Δ baseline (total)', {
      ours: delta(ours.afterLeaving.heapUsedBytes, ours.baseline.heapUsedBytes),
      reference: delta(ref.afterLeaving.heapUsedBytes, ref.baseline.heapUsedBytes),
    }),
    resultRow(name, 'RSS after all left, Δ baseline (total)', {
      ours: delta(ours.afterLeaving.rssBytes, ours.baseline.rssBytes),
      reference: delta(ref.afterLeaving.rssBytes, ref.baseline.rssBytes),
    }),
    resultRow(name, 'documents still loaded after all left', {
      ours: `${ours.stillLoaded}`,
      reference: `${ref.stillLoaded}`,
    }),
    resultRow(name, 'every reader got its paragraph / dropped connections', {
      ours: `${yesNo(ours.delivered)} / ${ours.droppedConnections}`,
      reference: `${yesNo(ref.delivered)} / ${ref.droppedConnections}`,
    }),
  ];
}
