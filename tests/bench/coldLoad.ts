/**
 * Scenario 4, cold load: the automerge-paper document with its whole update
 * history stored (259,778 rows, not compacted), then after compaction. Each
 * sample starts a fresh server process on the database (killed with SIGKILL
 * after the sample, so nothing compacts behind our back) and times a stock
 * y-websocket provider from construction to its `sync` event.
 * The reference has no storage: its figure is the same sync from memory.
 * The document on both is the same: the one-paragraph initial state, then
 * the trace typed into its text node (`modelText`).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { webSocketWithCookie } from '../support/collabClient';
import { modelText, modelTextString } from '../support/modelText';
import { pause, waitUntil } from './loadMeter';
import { closeClients, openClients, ProtocolClient } from './protocolClient';
import { BENCH_USER, ServerUnderTest, type StartOptions, toBase64 } from './serverUnderTest';
import { applyTxn, docWithState, type EditingTrace } from './traces';

export interface LoadSamples {
  p50Ms: number;
  maxMs: number;
  samplesMs: number[];
  /** The synced text equals endContent in every sample. */
  correct: boolean;
}

export interface ColdLoadResult {
  uncompacted: LoadSamples;
  compacted: LoadSamples;
  /** Sync while the server already holds the document in memory (comparable with the reference). */
  warm: LoadSamples;
  /** The seeded demo database before the document was stored (db + WAL, checkpointed). */
  bytesBaseline: number;
  bytesUncompacted: number;
  /** After compaction and a VACUUM (what `auto_vacuum` or a VACUUM after compaction would give). */
  bytesVacuumed: number;
  /** The largest tables after the VACUUM. */
  largestTables: { name: string; bytes: number }[];
  bytesCompacted: number;
  /** Y.encodeStateAsUpdate of the document. */
  encodedStateBytes: number;
  /** SQLite pages on the free list after compaction (space the file keeps). */
  freePagesAfterCompaction: number;
}

/** Bytes of the database and its WAL in `dataDir`. */
export function bytesOnDisk(dataDir: string): number {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('draftroom.db'))
    .reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
}

/** Connects a stock provider and resolves with the ms from construction to synced, and the text. */
export function timeProviderSync(
  wsUrl: string,
  documentId: string,
  cookie: string,
): Promise<{ ms: number; text: string }> {
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(`${wsUrl}/collab`, documentId, doc, {
    WebSocketPolyfill: webSocketWithCookie(cookie) as never,
    disableBc: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync of ${documentId} within 60 s`)), 60_000);
    provider.once('sync', () => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      const text = modelTextString(doc);
      provider.destroy();
      doc.destroy();
      resolve({ ms, text });
    });
  });
}

function summarize(samples: { ms: number; text: string }[], expected: string): LoadSamples {
  const samplesMs = samples.map((sample) => sample.ms);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    p50Ms: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
    samplesMs,
    correct: samples.every((sample) => sample.text === expected),
  };
}

/**
 * Each sample: a fresh server process (so the document is not in memory),
 * warmed up by syncing a small demo document first — the figure is the load
 * of this document, not the process's first-connection JIT warm-up.
 */
async function sampleColdLoads(
  options: StartOptions,
  documentId: string,
  count: number,
  expected: string,
): Promise<LoadSamples> {
  const samples: { ms: number; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const server = await ServerUnderTest.start('draftroom', options);
    const demoDocument = await server.request<string>('demoDocumentId');
    await timeProviderSync(server.wsUrl, demoDocument, server.cookie);
    samples.push(await timeProviderSync(server.wsUrl, documentId, server.cookie));
    await server.kill();
  }
  return summarize(samples, expected);
}

/**
 * The compacted document, not in memory, in one running server (warmed up on
 * a demo document): load, sync, leave, wait until unloaded, again. Unloading
 * a compacted document writes nothing, so every sample loads the same rows.
 */
async function sampleUnloadedLoads(
  options: StartOptions,
  documentId: string,
  count: number,
  expected: string,
): Promise<LoadSamples> {
  const server = await ServerUnderTest.start('draftroom', { ...options, roomUnloadDelayMs: 0 });
  await timeProviderSync(server.wsUrl, await server.request<string>('demoDocumentId'), server.cookie);
  const samples: { ms: number; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    await waitForUnload(server);
    samples.push(await timeProviderSync(server.wsUrl, documentId, server.cookie));
  }
  await server.kill();
  return summarize(samples, expected);
}

async function waitForUnload(server: ServerUnderTest): Promise<void> {
  const deadline = performance.now() + 30_000;
  while ((await server.stats()).openDocuments > 0) {
    if (performance.now() > deadline) throw new Error('the document was not unloaded');
    await pause(10);
  }
}

/** Opens the document once and lets the server unload it: unloading compacts. Returns the free pages left. */
async function compactThroughUnload(options: StartOptions, documentId: string): Promise<number> {
  const server = await ServerUnderTest.start('draftroom', { ...options, roomUnloadDelayMs: 0 });
  await timeProviderSync(server.wsUrl, documentId, server.cookie);
  await waitForUnload(server);
  // The server gives the freed pages back a chunk per event-loop turn: measure once it is done.
  const deadline = performance.now() + 30_000;
  let freePages = await server.request<number>('freePages');
  while (freePages > 0 && performance.now() < deadline) {
    await pause(50);
    freePages = await server.request<number>('freePages');
  }
  await server.request('checkpoint');
  await server.kill();
  return freePages;
}

/** Syncs from a server that already holds the document in memory (one client stays connected). */
async function sampleWarmLoads(server: ServerUnderTest, documentId: string, count: number, expected: string) {
  const [holder] = await openClients(
    1,
    () => new ProtocolClient({ url: server.collabUrl(documentId), cookie: server.cookie }),
  );
  const samples: { ms: number; text: string }[] = [];
  for (let i = 0; i < count; i++)
    samples.push(await timeProviderSync(server.wsUrl, documentId, server.cookie));
  await closeClients([holder!]);
  return summarize(samples, expected);
}

/** The size of the document's full state as the server encodes it (its sync step 2 to an empty client). */
async function encodedStateOf(server: ServerUnderTest, documentId: string): Promise<number> {
  let size = 0;
  const [probe] = await openClients(
    1,
    () =>
      new ProtocolClient({
        url: server.collabUrl(documentId),
        cookie: server.cookie,
        onUpdate: (update) => {
          size = Math.max(size, update.byteLength);
        },
      }),
  );
  await closeClients([probe!]);
  return size;
}

export async function runColdLoad(
  trace: EditingTrace,
  samples: number,
  initialState: Uint8Array,
): Promise<ColdLoadResult> {
  const seeding = await ServerUnderTest.start('draftroom');
  await seeding.request('checkpoint');
  const bytesBaseline = bytesOnDisk(seeding.dataDir);
  const { documentId } = await seeding.request<{ documentId: string }>('storeTraceHistory', {
    trace: trace.name,
    limit: trace.txns.length,
    email: BENCH_USER.email,
    initialState: toBase64(initialState),
  });
  await seeding.kill();
  const options: StartOptions = { dataDir: seeding.dataDir };
  const bytesUncompacted = bytesOnDisk(seeding.dataDir);
  const uncompacted = await sampleColdLoads(options, documentId, samples, trace.endContent);
  const freePagesAfterCompaction = await compactThroughUnload(options, documentId);
  const bytesCompacted = bytesOnDisk(seeding.dataDir);
  const compacted = await sampleUnloadedLoads(options, documentId, samples, trace.endContent);
  const server = await ServerUnderTest.start('draftroom', options);
  const encodedStateBytes = await encodedStateOf(server, documentId);
  const warm = await sampleWarmLoads(server, documentId, samples, trace.endContent);
  const largestTables = await server.request<{ name: string; bytes: number }[]>('vacuum');
  const bytesVacuumed = bytesOnDisk(seeding.dataDir);
  await server.stop();
  return {
    bytesBaseline,
    bytesVacuumed,
    largestTables,
    uncompacted,
    compacted,
    warm,
    bytesUncompacted,
    bytesCompacted,
    encodedStateBytes,
    freePagesAfterCompaction,
  };
}

/** The reference keeps documents in memory only: the same sync, from memory. */
export async function runReferenceLoad(
  trace: EditingTrace,
  samples: number,
  initialState: Uint8Array,
): Promise<LoadSamples> {
  const server = await ServerUnderTest.start('reference');
  const [documentId] = await server.createDocuments(1, 'Cold load', initialState);
  // The same document as ours holds: the whole editing history, not just its final text.
  const source = docWithState(initialState, 1);
  const text = modelText(source);
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) applyTxn(text, txn.patches);
  const [writer] = await openClients(1, () => new ProtocolClient({ url: server.collabUrl(documentId!) }));
  writer!.sendUpdate(Y.encodeStateAsUpdate(source));
  // The reference echoes every update to its sender too: the echo says it is applied.
  if (!(await waitUntil(() => writer!.updatesReceived > 0, 30_000)))
    throw new Error('reference never applied the state');
  const warm = await sampleWarmLoads(server, documentId!, samples, trace.endContent);
  await closeClients([writer!]);
  await server.stop();
  source.destroy();
  return warm;
}
