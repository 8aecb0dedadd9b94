/**
 * Scenario 1, fan-out: N editors on one document, R inserts per second in
 * total spread over them, presence (a cursor move) at 1/s per editor.
 * Latency is measured on one clock (this process): the writer stamps each
 * insert by its (client id, clock) when sending; every other client stamps
 * its receipt of that id.
 *
 * Each editor inserts at the end of its own run of text in the paragraph of
 * the document's initial state (every editor holds that state, the same on
 * both servers, and types into its text node, `modelText`): a valid Yjs
 * update whose origin only it created (or the text node itself), so the
 * generator needs no replica of the document per editor (500 replicas would
 * saturate this process, not the server); the server still decodes,
 * integrates, stores and relays each one.
 */
import * as Y from 'yjs';
import { modelText } from '../support/modelText';
import { type LoadGeneratorStats, LoadMeter, pause, waitUntil } from './loadMeter';
import { machineBusyMs } from './machineLoad';
import { openClients, ProtocolClient } from './protocolClient';
import type { CommitStats } from './servers/commitLog';
import { wallClockMs } from './servers/probe';
import type { ServerUnderTest } from './serverUnderTest';
import { LatencyHistogram } from './stats';
import { docWithState } from './traces';
import { insertedRanges } from './updateIds';

export interface FanoutConfig {
  editors: number;
  /** Inserts per second, all editors together. */
  rate: number;
  warmupMs: number;
  measureMs: number;
  /** How long to wait after the window for measured inserts still on their way. */
  drainMs: number;
}

export interface FanoutResult {
  /** Send → receipt by one other client, over every (insert, receiver) pair. */
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  /** Send → receipt by the last of the other clients. */
  allReceivedP99Ms: number;
  /** Receipts still missing after the drain, % of expected. */
  undeliveredPercent: number;
  insertsMeasured: number;
  serverCpuPercent: number;
  serverCpuPerInsertUs: number;
  serverPeakRssBytes: number;
  serverEventLoopP99Ms: number;
  /** CPU other processes on the machine used during the window, % of one core. */
  otherProcessesCpuPercent: number;
  droppedConnections: number;
  /** Messages each client received per second during the window. */
  updateMessagesPerClientPerSecond: number;
  presenceMessagesPerClientPerSecond: number;
  loadGenerator: LoadGeneratorStats;
  /** Our server's SQLite commits in the window (undefined for the reference, which stores nothing). */
  commits: CommitStats | undefined;
}

interface SentInsert {
  sentAt: number;
  waiting: number;
  measured: boolean;
}

/** Every measured insert, until each other client has received it. */
class DeliveryLedger {
  private readonly inFlight = new Map<string, SentInsert>();
  readonly delivery = new LatencyHistogram();
  readonly allReceived = new LatencyHistogram();
  pendingMeasured = 0;

  sent(key: string, receivers: number, measured: boolean, at: number): void {
    this.inFlight.set(key, { sentAt: at, waiting: receivers, measured });
    if (measured) this.pendingMeasured++;
  }

  received(key: string, at: number): void {
    const entry = this.inFlight.get(key);
    if (!entry) return;
    if (entry.measured) this.delivery.record(at - entry.sentAt);
    if (--entry.waiting > 0) return;
    this.inFlight.delete(key);
    if (!entry.measured) return;
    this.allReceived.record(at - entry.sentAt);
    this.pendingMeasured--;
  }

  /** Counts what never arrived as infinitely late. */
  close(): void {
    for (const entry of this.inFlight.values()) {
      if (!entry.measured) continue;
      this.delivery.recordMissing(entry.waiting);
      this.allReceived.recordMissing();
    }
    this.inFlight.clear();
  }
}

interface Editor {
  client: ProtocolClient;
  /** The initial paragraph's text node in the editor's own copy (its runs only). */
  text: Y.XmlText;
}

function openEditor(
  server: ServerUnderTest,
  documentId: string,
  initialState: Uint8Array,
  ledger: DeliveryLedger,
): ProtocolClient {
  const client: ProtocolClient = new ProtocolClient({
    url: server.collabUrl(documentId),
    cookie: server.cookie,
    doc: docWithState(initialState),
    onUpdate: (update, at) => {
      for (const range of insertedRanges(update)) {
        // The reference echoes an update to its sender too; that is no propagation.
        if (range.client === client.doc.clientID) continue;
        for (let i = 0; i < range.length; i++) ledger.received(`${range.client}:${range.clock + i}`, at);
      }
    },
  });
  client.doc.on('update', (update: Uint8Array) => client.sendUpdate(update));
  return client;
}

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function totals(clients: readonly ProtocolClient[]): { updates: number; presence: number } {
  let updates = 0;
  let presence = 0;
  for (const client of clients) {
    updates += client.updatesReceived;
    presence += client.awarenessReceived;
  }
  return { updates, presence };
}

export async function runFanout(
  server: ServerUnderTest,
  documentId: string,
  initialState: Uint8Array,
  config: FanoutConfig,
): Promise<FanoutResult> {
  const ledger = new DeliveryLedger();
  const editors = await openClients(config.editors, () =>
    openEditor(server, documentId, initialState, ledger),
  );
  const typing: Editor[] = editors.map((client) => ({ client, text: modelText(client.doc) }));
  const meter = new LoadMeter();
  const receivers = config.editors - 1;
  let inserts = 0;
  let presenceSent = 0;
  let measuredInserts = 0;
  let measuring = false;
  let cpuAtWindowStart = 0;
  let machineAtWindowStart = 0;
  let generatorCpuAtWindowStart = 0;
  let wallAtWindowStart = 0;
  let atWindowStart = totals(editors);

  const started = performance.now();
  const windowStart = started + config.warmupMs;
  const windowEnd = windowStart + config.measureMs;
  for (let now = started; now < windowEnd; now = performance.now()) {
    if (!measuring && now >= windowStart) {
      measuring = true;
      cpuAtWindowStart = server.cpuMs();
      machineAtWindowStart = machineBusyMs();
      generatorCpuAtWindowStart = ownCpuMs();
      wallAtWindowStart = wallClockMs();
      meter.start();
      atWindowStart = totals(editors);
    }
    const elapsedSeconds = (now - started) / 1000;
    for (; inserts < Math.floor(elapsedSeconds * config.rate); inserts++) {
      const { client: editor, text } = typing[inserts % typing.length]!;
      const clock = Y.getState(editor.doc.store, editor.doc.clientID);
      ledger.sent(`${editor.doc.clientID}:${clock}`, receivers, measuring, performance.now());
      if (measuring) measuredInserts++;
      text.insert(text.length, 'x');
    }
    for (; presenceSent < Math.floor(elapsedSeconds * config.editors); presenceSent++) {
      const index = presenceSent % editors.length;
      editors[index]!.sendPresence({
        cursor: { anchor: presenceSent, head: presenceSent },
        name: `E${index}`,
      });
    }
    await pause(2);
  }
  const cpuInWindow = server.cpuMs() - cpuAtWindowStart;
  const otherCpu =
    machineBusyMs() - machineAtWindowStart - cpuInWindow - (ownCpuMs() - generatorCpuAtWindowStart);
  const wallAtWindowEnd = wallClockMs();
  const atWindowEnd = totals(editors);
  const loadGenerator = meter.stop();
  await waitUntil(() => ledger.pendingMeasured === 0, config.drainMs);
  const cpuUntilDrained = server.cpuMs() - cpuAtWindowStart;
  const window = await server.windowStats(wallAtWindowStart, wallAtWindowEnd);
  const commits =
    server.kind === 'draftroom'
      ? await server.request<CommitStats>('commits', { from: wallAtWindowStart, to: wallAtWindowEnd })
      : undefined;
  const dropped = editors.filter((editor) => editor.dropped).length;
  ledger.close();
  for (const editor of editors) editor.terminate();

  const seconds = config.measureMs / 1000;
  const expectedDeliveries = measuredInserts * receivers;
  return {
    deliveryP50Ms: ledger.delivery.percentile(50),
    deliveryP99Ms: ledger.delivery.percentile(99),
    allReceivedP99Ms: ledger.allReceived.percentile(99),
    undeliveredPercent: expectedDeliveries ? (ledger.delivery.missingCount / expectedDeliveries) * 100 : 0,
    insertsMeasured: measuredInserts,
    serverCpuPercent: (cpuInWindow / (wallAtWindowEnd - wallAtWindowStart)) * 100,
    serverCpuPerInsertUs: (cpuUntilDrained / Math.max(1, measuredInserts)) * 1000,
    serverPeakRssBytes: server.peakRssBytes(),
    // No sample in the window: the loop never got to run a timer in it.
    serverEventLoopP99Ms: window.samples > 0 ? window.eventLoopP99Ms : Number.POSITIVE_INFINITY,
    otherProcessesCpuPercent: Math.max(0, (otherCpu / (wallAtWindowEnd - wallAtWindowStart)) * 100),
    droppedConnections: dropped,
    updateMessagesPerClientPerSecond:
      (atWindowEnd.updates - atWindowStart.updates) / config.editors / seconds,
    presenceMessagesPerClientPerSecond:
      (atWindowEnd.presence - atWindowStart.presence) / config.editors / seconds,
    loadGenerator,
    commits,
  };
}
