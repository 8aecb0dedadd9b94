/**
 * Scenarios 2 and 3: a real editing trace replayed through a server to its
 * observers, as fast as the server takes it.
 *
 * One writer (both traces; issue 16's method: "one writer as fast as it can
 * send, two observers"): sends the updates a y-websocket client produces
 * while typing the trace (computed beforehand with the same Y client id)
 * back to back, without waiting for anything, to two
 * observers. The burst scenario uses the same replay with 10 observers.
 * Two writers (friendsforever, informational): each a real client with a
 * replica, typing its share of the trace and waiting for the other's edits
 * that precede its next one — bound by round trips, not by the server.
 * The time runs from the first send to the last observer's receipt of the
 * last update; observers keep the updates and build their text afterwards.
 * The document starts as the one-paragraph state on both servers; every
 * client types into its text node (`modelText`), the only place the server
 * lets text go.
 */
import { CONTENT_FIELD, NodeName } from '@draftroom/shared';
import * as Y from 'yjs';
import { modelText, modelTextString } from '../support/modelText';
import { pause, waitUntil } from './loadMeter';
import { closeClients, openClients, ProtocolClient } from './protocolClient';
import { wallClockMs } from './servers/probe';
import type { ServerUnderTest } from './serverUnderTest';
import { applyTxn, docWithState, type EditingTrace, splitBetweenTwoWriters } from './traces';
import { insertedRanges } from './updateIds';
import { UpdateLog } from './updateLog';

/** Observers of the two-writer replay (and the default of the one-writer replay). */
const OBSERVERS = 10;
const COMPLETION_TIMEOUT_MS = 300_000;

export interface ReplayResult {
  totalMs: number;
  server: { cpuMs: number; peakRssBytes: number };
  /** Every observer's text equals the trace's endContent. */
  observersCorrect: boolean;
  /** Every writer's own text equals endContent too (two-writer replay). */
  writersCorrect: boolean;
  updatesSent: number;
}

interface Observer {
  client: ProtocolClient;
  log: UpdateLog;
  /** Per Y client id, the end of the inserted clock range received so far. */
  clocks: Map<number, number>;
}

/**
 * A writer's end mark: a new paragraph holding '.', appended to the content
 * after the trace's paragraph (so `modelText` stays the trace's text). Once a
 * writer's final clock arrived, all its earlier updates did too (one socket,
 * in order).
 */
function typeEndMark(doc: Y.Doc): void {
  const content = doc.getXmlFragment(CONTENT_FIELD);
  const paragraph = new Y.XmlElement(NodeName.paragraph);
  paragraph.insert(0, [new Y.XmlText('.')]);
  content.insert(content.length, [paragraph]);
}

async function openObservers(
  server: ServerUnderTest,
  documentId: string,
  count = OBSERVERS,
): Promise<Observer[]> {
  const observers: Observer[] = [];
  await openClients(count, () => {
    const log = new UpdateLog();
    const clocks = new Map<number, number>();
    const client = new ProtocolClient({
      url: server.collabUrl(documentId),
      cookie: server.cookie,
      onUpdate: (update) => {
        log.append(update);
        for (const range of insertedRanges(update)) {
          const end = range.clock + range.length;
          if (end > (clocks.get(range.client) ?? 0)) clocks.set(range.client, end);
        }
      },
    });
    observers.push({ client, log, clocks });
    return client;
  });
  return observers;
}

async function serverUsage(server: ServerUnderTest, cpuAtStart: number, wallAtStart: number) {
  const cpuMs = server.cpuMs() - cpuAtStart;
  const window = await server.windowStats(wallAtStart, wallClockMs());
  return { cpuMs, peakRssBytes: window.peakRssBytes };
}

function observersHaveText(observers: readonly Observer[], expected: string): boolean {
  return observers.every(({ log }) => {
    const doc = new Y.Doc();
    log.replayInto(doc);
    const correct = modelTextString(doc) === expected;
    doc.destroy();
    return correct;
  });
}

async function awaitObservers(
  observers: readonly Observer[],
  finalClocks: Map<number, number>,
): Promise<void> {
  const done = await waitUntil(
    () =>
      observers.every(({ clocks }) =>
        [...finalClocks].every(([client, clock]) => (clocks.get(client) ?? 0) >= clock),
      ),
    COMPLETION_TIMEOUT_MS,
    2,
  );
  if (!done) throw new Error('observers did not receive every update in time');
}

export interface OneWriterOptions {
  /** Observers receiving the replay (default 10). */
  observers?: number;
}

/**
 * One writer replays `updates` (typed into the document that starts as
 * `initialState`) to `options.observers` observers: all of them back to
 * back, without waiting for anything (ProtocolClient.sendUpdates), then the
 * end mark.
 */
export async function replayOneWriter(
  server: ServerUnderTest,
  documentId: string,
  trace: EditingTrace,
  updates: readonly Uint8Array[],
  initialState: Uint8Array,
  { observers: observerCount = OBSERVERS }: OneWriterOptions = {},
): Promise<ReplayResult> {
  const { sentinel, writerId, finalClock } = withSentinel(updates, initialState);
  const observers = await openObservers(server, documentId, observerCount);
  const [writer] = await openClients(
    1,
    () => new ProtocolClient({ url: server.collabUrl(documentId), cookie: server.cookie }),
  );
  const cpuAtStart = server.cpuMs();
  const wallAtStart = wallClockMs();
  const started = performance.now();
  writer!.sendUpdates(updates);
  writer!.sendUpdate(sentinel);
  await awaitObservers(observers, new Map([[writerId, finalClock]]));
  const totalMs = performance.now() - started;
  const stats = await serverUsage(server, cpuAtStart, wallAtStart);
  await closeClients([writer!, ...observers.map((o) => o.client)]);
  return {
    totalMs,
    server: stats,
    observersCorrect: observersHaveText(observers, trace.endContent),
    writersCorrect: true,
    updatesSent: updates.length,
  };
}

/**
 * A last update (the end mark: a paragraph of its own) that marks the end of
 * `updates` (typed into the document that starts as `initialState`), and the
 * writer's clock once it arrived.
 */
function withSentinel(updates: readonly Uint8Array[], initialState: Uint8Array) {
  let writerId = 0;
  let clock = 0;
  for (const update of updates) {
    for (const range of insertedRanges(update)) {
      writerId = range.client;
      clock = Math.max(clock, range.clock + range.length);
    }
  }
  const doc = docWithState(initialState, writerId);
  // A placeholder history of the writer's length (never sent: the end mark
  // refers only to the initial paragraph) so the end mark gets the next clock.
  doc.transact(() => modelText(doc).insert(0, ' '.repeat(clock)));
  let sentinel: Uint8Array = new Uint8Array();
  doc.on('update', (update: Uint8Array) => {
    sentinel = update;
  });
  typeEndMark(doc);
  const finalClock = Y.getState(doc.store, writerId);
  doc.destroy();
  return { sentinel, writerId, finalClock };
}

/**
 * What a writer must have seen before typing each transaction: the other
 * writer's clock (its inserted characters so far) and the text length before
 * the transaction — together they tell apart the other's delete-only edits,
 * which do not advance its clock.
 */
interface CausalNeed {
  otherClock: number;
  lengthBefore: number;
}

function causalNeeds(writerOf: readonly number[], trace: EditingTrace): CausalNeed[] {
  const inserted = [0, 0];
  let length = trace.startContent.length;
  return trace.txns.map((txn, i) => {
    const writer = writerOf[i]!;
    const need = { otherClock: inserted[1 - writer]!, lengthBefore: length };
    for (const [, deleted, text] of txn.patches) {
      inserted[writer]! += text.length;
      length += text.length - deleted;
    }
    return need;
  });
}

const WRITER_CLIENT_IDS = [1001, 1002];

/** One of the two writers: a replica that applies what it receives and types its share. */
class TraceWriter {
  readonly doc = new Y.Doc();
  readonly client: ProtocolClient;
  sent = 0;
  private wake: (() => void) | undefined;

  constructor(
    readonly index: number,
    server: ServerUnderTest,
    documentId: string,
  ) {
    this.doc.clientID = WRITER_CLIENT_IDS[index]!;
    this.client = new ProtocolClient({
      url: server.collabUrl(documentId),
      cookie: server.cookie,
      doc: this.doc,
      onUpdate: (update) => {
        Y.applyUpdate(this.doc, update, 'remote');
        this.wake?.();
      },
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      this.client.sendUpdate(update);
      this.sent++;
    });
  }

  /** Types the end mark (a paragraph of its own); returns this writer's final clock. */
  finish(): number {
    typeEndMark(this.doc);
    return Y.getState(this.doc.store, this.doc.clientID);
  }

  private otherClock(): number {
    return Y.getState(this.doc.store, WRITER_CLIENT_IDS[1 - this.index]!);
  }

  /** Types its share into the initial paragraph's text node (synced from the server before). */
  async type(trace: EditingTrace, writerOf: readonly number[], needs: readonly CausalNeed[]): Promise<void> {
    const text = modelText(this.doc);
    let sinceYield = 0;
    for (let i = 0; i < trace.txns.length; i++) {
      if (writerOf[i] !== this.index) continue;
      const need = needs[i]!;
      while (this.otherClock() < need.otherClock || text.length !== need.lengthBefore) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      applyTxn(text, trace.txns[i]!.patches);
      if (++sinceYield % 50 === 0) await pause(0);
    }
  }
}

export async function replayTwoWriters(
  server: ServerUnderTest,
  documentId: string,
  trace: EditingTrace,
): Promise<ReplayResult> {
  const writerOf = splitBetweenTwoWriters(trace);
  const needs = causalNeeds(writerOf, trace);
  const observers = await openObservers(server, documentId);
  const writers = [0, 1].map((index) => new TraceWriter(index, server, documentId));
  await Promise.all(writers.map((writer) => writer.client.whenSynced()));
  const cpuAtStart = server.cpuMs();
  const wallAtStart = wallClockMs();
  const started = performance.now();
  await Promise.all(writers.map((writer) => writer.type(trace, writerOf, needs)));
  const updatesSent = writers.reduce((sum, writer) => sum + writer.sent, 0);
  const finalClocks = new Map(writers.map((writer) => [writer.doc.clientID, writer.finish()]));
  await awaitObservers(observers, finalClocks);
  const totalMs = performance.now() - started;
  const stats = await serverUsage(server, cpuAtStart, wallAtStart);
  await waitUntil(() => writers.every((w) => modelText(w.doc).length === trace.endContent.length), 10_000);
  const writersCorrect = writers.every((w) => modelTextString(w.doc) === trace.endContent);
  await closeClients([...writers.map((w) => w.client), ...observers.map((o) => o.client)]);
  return {
    totalMs,
    server: stats,
    observersCorrect: observersHaveText(observers, trace.endContent),
    writersCorrect,
    updatesSent,
  };
}
