/**
 * Scenario 7, "burst" (issue 16): one client sends 10,000 single-character
 * updates back to back (no flow-control window: every update is on the
 * socket before the first one is answered), to 10 observers. Reports the
 * server's CPU time per update and the time from the first send until every
 * observer has all of them, for both servers in the same run. This is the
 * shape that made one event-loop turn carry thousands of updates, and
 * Y.mergeUpdates over them cost quadratic time.
 */
import { oneParagraphState } from '../support/modelText';
import { type ResultRow, resultRow } from './report';
import type { BenchPlan } from './scenarios';
import { bothServers, compare, type ReplayOutcome, replayThroughServer } from './scenarios';
import { formatBytes, formatMs } from './stats';
import { replayOneWriter } from './traceReplay';
import { type EditingTrace, updatesOfTrace } from './traces';

const KEYSTROKES = 10_000;

/** 10,000 one-character transactions typed at the end of the text ("a", "b", … repeating). */
function burstTrace(): EditingTrace {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let endContent = '';
  const txns: EditingTrace['txns'] = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    const letter = letters[i % letters.length]!;
    txns.push({ patches: [[i, 0, letter]] });
    endContent += letter;
  }
  return { name: 'burst', startContent: '', endContent, txns };
}

const micros = (ms: number) => `${Math.round((ms * 1000) / KEYSTROKES)} µs`;

function burstRows(r: Record<'draftroom' | 'reference', ReplayOutcome>): ResultRow[] {
  const name = `7. burst: ${KEYSTROKES} single-character updates back to back, 10 observers`;
  const [ours, ref] = [r.draftroom.replay, r.reference.replay];
  const yesNo = (value: boolean) => (value ? 'yes' : 'NO');
  return [
    resultRow(
      name,
      'time until every observer has every update',
      compare(ours.totalMs, ref.totalMs, formatMs),
    ),
    resultRow(name, 'server CPU per update (all work)', {
      ...compare(ours.server.cpuMs, ref.server.cpuMs, micros),
    }),
    resultRow(
      name,
      'server peak RSS',
      compare(ours.server.peakRssBytes, ref.server.peakRssBytes, formatBytes),
    ),
    resultRow(name, 'every observer text = the 10,000 characters', {
      ours: yesNo(ours.observersCorrect),
      reference: yesNo(ref.observersCorrect),
    }),
    resultRow(name, 'text reloaded from SQLite after kill -9 + restart', {
      ours: yesNo(r.draftroom.reloadedCorrect === true),
      reference: 'n/a (no storage)',
    }),
  ];
}

export async function burstScenario(_plan: BenchPlan): Promise<ResultRow[]> {
  const trace = burstTrace();
  const initialState = oneParagraphState();
  const { updates } = updatesOfTrace(trace, 1, initialState);
  const results = await bothServers(0, (kind) =>
    replayThroughServer(kind, trace, initialState, (server, documentId) =>
      replayOneWriter(server, documentId, trace, updates, initialState, { observers: 10 }),
    ),
  );
  return burstRows(results);
}
