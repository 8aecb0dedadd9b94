/**
 * One run of the scale-out scenario: N editors on one document, spread evenly
 * over one or more server instances (editor i on instance i mod k), typing R
 * inserts per second in total (each editor in turn, as the fan-out scenario:
 * each appends to its own run of the initial paragraph's text node, so the
 * generator needs no live replica per editor). No presence is sent: the
 * figures are those of the text.
 *
 * Latency is measured on one clock (this process) for every (insert, other
 * editor) pair, split into pairs on the same instance and pairs across
 * instances (the sender's instance and the receiver's differ: the update went
 * sender → instance A → PostgreSQL commit → Redis → instance B → receiver).
 * Server CPU per insert is each instance's process CPU time from the window's
 * start until every measured insert was received, divided by the inserts
 * measured (the fan-out scenario's method); PostgreSQL's (postmaster and
 * backends) and Redis's likewise when a meter for them is given.
 *
 * Then the run checks correctness: each editor applies every update it
 * received (kept during the run, applied only after it, so the load
 * generator's CPU does not skew the figures), the editors disconnect, every
 * instance unloads the document, and a fresh client per instance loads it
 * from the store: every editor's text must equal the stored text, which
 * holds every keystroke typed (each editor's own clock) exactly once.
 */
import * as Y from 'yjs';
import { modelText, modelTextString } from '../support/modelText';
import { type LoadGeneratorStats, LoadMeter, pause, waitUntil } from './loadMeter';
import { machineBusyMs } from './machineLoad';
import { openClients, ProtocolClient } from './protocolClient';
import { PairLedger } from './scaleoutLedger';
import { wallClockMs } from './servers/probe';
import type { ServerUnderTest } from './serverUnderTest';
import type { LatencyHistogram } from './stats';
import { docWithState } from './traces';
import { insertedRanges } from './updateIds';

/** How long the check waits for every insert to reach every editor before comparing texts. */
const CHECK_DELIVERY_TIMEOUT_MS = 60_000;

export interface ScaleoutConfig {
  editors: number;
  /** Inserts per second, all editors together. */
  rate: number;
  warmupMs: number;
  measureMs: number;
  /** How long to wait after the window for measured inserts still on their way. */
  drainMs: number;
}

/** A process whose CPU time the run reports beside the instances' (PostgreSQL, Redis). */
export interface CpuMeter {
  label: string;
  /** CPU time used so far, in ms. */
  cpuMs(): number;
}

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  /** (insert, receiver) pairs measured, missing ones included. */
  pairs: number;
  /** Pairs whose receipt never came, % of `pairs`. */
  missingPercent: number;
}

export interface InstanceFigures {
  editors: number;
  cpuPercent: number;
  cpuPerInsertUs: number;
  peakRssBytes: number;
  eventLoopP99Ms: number;
}

export interface ServiceFigures {
  label: string;
  cpuPercent: number;
  cpuPerInsertUs: number;
}

/** What the run found when it compared every editor's text with the stored document's. */
export interface ConvergenceCheck {
  /** Inserts the editors typed (warm-up and window). */
  typed: number;
  /** Characters of the stored text read by a fresh client (the initial paragraph is empty). */
  storedLength: number;
  /** Fresh clients (one per instance) that read a text other than the first one's. */
  readersDisagreeing: number;
  /** Editors whose text differs from the stored one after applying all they received. */
  editorsDiffering: number;
  /** Editors some of whose keystrokes the store does not hold. */
  editorsWithLostKeystrokes: number;
  /** Every instance unloaded the document (within 30 s) before the fresh clients read it. */
  unloaded: boolean;
  ok: boolean;
}

export interface ScaleoutResult {
  all: LatencyFigures;
  sameInstance: LatencyFigures;
  crossInstance: LatencyFigures;
  /** Send → receipt by the last of the other editors, p99. */
  allReceivedP99Ms: number;
  insertsMeasured: number;
  instances: InstanceFigures[];
  services: ServiceFigures[];
  loadGenerator: LoadGeneratorStats;
  /** CPU other processes on the machine used during the window, % of one core. */
  otherProcessesCpuPercent: number;
  droppedConnections: number;
  check: ConvergenceCheck;
}

interface Editor {
  client: ProtocolClient;
  instance: number;
  /** The initial paragraph's text node in the editor's own copy (its runs only, until the check). */
  text: Y.XmlText;
  /** Every update received, applied to `client.doc` only after the run. */
  received: Uint8Array[];
}

function openEditor(
  server: ServerUnderTest,
  instance: number,
  documentId: string,
  initialState: Uint8Array,
  ledger: PairLedger,
): Editor {
  const received: Uint8Array[] = [];
  const client: ProtocolClient = new ProtocolClient({
    url: server.collabUrl(documentId),
    cookie: server.cookie,
    doc: docWithState(initialState),
    onUpdate: (update, at) => {
      received.push(update.slice());
      for (const range of insertedRanges(update)) {
        if (range.client === client.doc.clientID) continue;
        for (let i = 0; i < range.length; i++)
          ledger.received(`${range.client}:${range.clock + i}`, instance, at);
      }
    },
  });
  client.doc.on('update', (update: Uint8Array) => client.sendUpdate(update));
  return { client, instance, text: modelText(client.doc), received };
}

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function figuresOf(histogram: LatencyHistogram): LatencyFigures {
  return {
    p50Ms: histogram.percentile(50),
    p99Ms: histogram.percentile(99),
    pairs: histogram.count,
    missingPercent: histogram.count ? (histogram.missingCount / histogram.count) * 100 : 0,
  };
}

/** Polls (every 100 ms) until no instance holds the document open, or `timeoutMs` passed. */
async function untilUnloaded(servers: readonly ServerUnderTest[], timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const open = await Promise.all(servers.map(async (server) => (await server.stats()).openDocuments));
    if (open.every((count) => count === 0)) return true;
    if (performance.now() > deadline) return false;
    await pause(100);
  }
}

/** The text a fresh client reads through `server`, and its document (for the editors' clocks). */
async function readStored(server: ServerUnderTest, documentId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const reader = new ProtocolClient({
    url: server.collabUrl(documentId),
    cookie: server.cookie,
    doc,
    onUpdate: (update) => Y.applyUpdate(doc, update),
  });
  await reader.whenSynced();
  reader.close();
  await reader.closed();
  return doc;
}

/**
 * The check of the header: editors disconnected, the document unloaded
 * everywhere (its next load comes from the store), one fresh client per instance.
 */
async function checkConvergence(
  servers: readonly ServerUnderTest[],
  documentId: string,
  editors: readonly Editor[],
  typed: number,
): Promise<ConvergenceCheck> {
  for (const editor of editors) editor.client.terminate();
  const unloaded = await untilUnloaded(servers, 30_000);
  const readers = await Promise.all(servers.map((server) => readStored(server, documentId)));
  const stored = modelTextString(readers[0]!);
  const readersDisagreeing = readers.filter((doc) => modelTextString(doc) !== stored).length;
  let editorsDiffering = 0;
  let editorsWithLostKeystrokes = 0;
  for (const editor of editors) {
    const doc = editor.client.doc;
    const ownClock = Y.getState(doc.store, doc.clientID);
    if (Y.getState(readers[0]!.store, doc.clientID) !== ownClock) editorsWithLostKeystrokes++;
    if (editor.received.length) Y.applyUpdate(doc, Y.mergeUpdates(editor.received));
    if (modelTextString(doc) !== stored) editorsDiffering++;
  }
  const ok =
    unloaded &&
    stored.length === typed &&
    readersDisagreeing === 0 &&
    editorsDiffering === 0 &&
    editorsWithLostKeystrokes === 0;
  return {
    typed,
    storedLength: stored.length,
    readersDisagreeing,
    editorsDiffering,
    editorsWithLostKeystrokes,
    unloaded,
    ok,
  };
}

/** CPU readings of every measured process at one moment. */
interface CpuReading {
  instances: number[];
  services: number[];
}

function readCpu(servers: readonly ServerUnderTest[], meters: readonly CpuMeter[]): CpuReading {
  return {
    instances: servers.map((server) => server.cpuMs()),
    services: meters.map((meter) => meter.cpuMs()),
  };
}

/**
 * Runs the load of the header against `servers` (one or more instances
 * serving `documentId`, which starts as `initialState`, an empty paragraph)
 * and checks convergence afterwards. Resolves with the figures; rejects only
 * when the editors cannot connect.
 */
export async function runScaleout(
  servers: readonly ServerUnderTest[],
  documentId: string,
  initialState: Uint8Array,
  config: ScaleoutConfig,
  meters: readonly CpuMeter[] = [],
): Promise<ScaleoutResult> {
  const editorsOn = servers.map(
    (_, instance) =>
      Math.floor(config.editors / servers.length) + (instance < config.editors % servers.length ? 1 : 0),
  );
  const ledger = new PairLedger(editorsOn);
  const editors: Editor[] = [];
  await openClients(config.editors, (index) => {
    const instance = index % servers.length;
    const editor = openEditor(servers[instance]!, instance, documentId, initialState, ledger);
    editors.push(editor);
    return editor.client;
  });
  const meter = new LoadMeter();
  let inserts = 0;
  let measuredInserts = 0;
  let measuring = false;
  let cpuAtStart: CpuReading = readCpu(servers, meters);
  let machineAtStart = 0;
  let generatorAtStart = 0;
  let wallAtStart = 0;

  const started = performance.now();
  const windowStart = started + config.warmupMs;
  const windowEnd = windowStart + config.measureMs;
  for (let now = started; now < windowEnd; now = performance.now()) {
    if (!measuring && now >= windowStart) {
      measuring = true;
      cpuAtStart = readCpu(servers, meters);
      machineAtStart = machineBusyMs();
      generatorAtStart = ownCpuMs();
      wallAtStart = wallClockMs();
      meter.start();
    }
    for (; inserts < Math.floor(((now - started) / 1000) * config.rate); inserts++) {
      const editor = editors[inserts % editors.length]!;
      const { doc } = editor.client;
      ledger.sent(
        `${doc.clientID}:${Y.getState(doc.store, doc.clientID)}`,
        editor.instance,
        measuring,
        performance.now(),
      );
      if (measuring) measuredInserts++;
      editor.text.insert(editor.text.length, 'x');
    }
    await pause(2);
  }
  const cpuAtEnd = readCpu(servers, meters);
  const wallAtEnd = wallClockMs();
  const windowMs = wallAtEnd - wallAtStart;
  const machineInWindow = machineBusyMs() - machineAtStart;
  const generatorInWindow = ownCpuMs() - generatorAtStart;
  const loadGenerator = meter.stop();
  await waitUntil(() => ledger.pendingMeasured === 0, config.drainMs);
  const cpuDrained = readCpu(servers, meters);
  // The check needs every insert, the warm-up's too: a starved machine may take long to deliver them all.
  await waitUntil(() => ledger.pending === 0, CHECK_DELIVERY_TIMEOUT_MS);
  const windows = await Promise.all(servers.map((server) => server.windowStats(wallAtStart, wallAtEnd)));
  const dropped = editors.filter((editor) => editor.client.dropped).length;
  ledger.close();
  const check = await checkConvergence(servers, documentId, editors, inserts);

  const perInsertUs = (ms: number) => (ms / Math.max(1, measuredInserts)) * 1000;
  const instances = servers.map((server, i) => ({
    editors: editorsOn[i]!,
    cpuPercent: ((cpuAtEnd.instances[i]! - cpuAtStart.instances[i]!) / windowMs) * 100,
    cpuPerInsertUs: perInsertUs(cpuDrained.instances[i]! - cpuAtStart.instances[i]!),
    peakRssBytes: server.peakRssBytes(),
    eventLoopP99Ms: windows[i]!.samples > 0 ? windows[i]!.eventLoopP99Ms : Number.POSITIVE_INFINITY,
  }));
  const services = meters.map((meter, i) => ({
    label: meter.label,
    cpuPercent: ((cpuAtEnd.services[i]! - cpuAtStart.services[i]!) / windowMs) * 100,
    cpuPerInsertUs: perInsertUs(cpuDrained.services[i]! - cpuAtStart.services[i]!),
  }));
  const measuredCpu = [...cpuAtEnd.instances, ...cpuAtEnd.services].reduce(
    (sum, value, i) => sum + value - ([...cpuAtStart.instances, ...cpuAtStart.services][i] ?? 0),
    0,
  );
  return {
    all: figuresOf(ledger.all),
    sameInstance: figuresOf(ledger.same),
    crossInstance: figuresOf(ledger.cross),
    allReceivedP99Ms: ledger.allReceived.percentile(99),
    insertsMeasured: measuredInserts,
    instances,
    services,
    loadGenerator,
    otherProcessesCpuPercent: Math.max(
      0,
      ((machineInWindow - measuredCpu - generatorInWindow) / windowMs) * 100,
    ),
    droppedConnections: dropped,
    check,
  };
}
