/**
 * `pnpm soak` (tsx tests/durability/soak.ts): the long durability run.
 *
 * 1. Memory soak: 100 stock y-websocket clients across 20 documents type and
 *    move their cursors for SOAK_MINUTES (default 10). Each document starts
 *    with one empty paragraph (ServerUnderTest.createDocuments); its clients
 *    type into that paragraph's text node (`modelText`). The server's heap after
 *    a full GC is sampled every 30 s; after the warm-up (the first fifth) it
 *    may grow only as the documents do (Yjs keeps an item per edit); at the
 *    end every client of a document must hold the same text as a fresh
 *    client, and once everyone has left no document may stay loaded and the
 *    heap must be back near its baseline.
 * 2. Kill -9: SOAK_KILL_CYCLES (default 200) SIGKILL restarts with 10 typing
 *    clients (tests/durability/crashCycles.ts).
 * Exits with 1 when a check fails.
 */
import * as Y from 'yjs';
import { ServerUnderTest } from '../bench/serverUnderTest';
import { type CollabClient, connectClient } from '../support/collabClient';
import { modelText, modelTextString } from '../support/modelText';
import { relayOnlyOwnPresence } from '../support/ownPresence';
import { seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';
import { type CrashCycleReport, runCrashCycles } from './crashCycles';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const KILL_CYCLES = Number(process.env.SOAK_KILL_CYCLES ?? 200);
const DOCUMENTS = 20;
const CLIENTS_PER_DOCUMENT = 5;
const SAMPLE_EVERY_MS = 30_000;
const WORDS = ['migration', 'partnership', 'return', 'readmission', 'asylum', 'visa', 'border', 'capacity'];

/**
 * What a Y.Doc itself keeps per edit of this workload (an item, and its
 * tombstone once deleted): about 310 bytes of heap measured in-process for
 * 50,000 edits. Heap growth beyond this per stored edit would be a leak.
 */
const DOCUMENT_BYTES_PER_EDIT_LIMIT = 400;

let editsMade = 0;
const failures: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

interface SoakClient {
  documentId: string;
  client: CollabClient;
  timer?: NodeJS.Timeout;
}

/** One person: a word or a deletion every 300–900 ms, a cursor move every second (once synced). */
function startEditing(person: SoakClient, random: () => number): void {
  const text = modelText(person.client.doc);
  const awareness = person.client.provider.awareness;
  let lastCursorAt = 0;
  const step = () => {
    const length = text.length;
    if (length > 2_000 && random() < 0.5) text.delete(Math.floor(random() * (length - 40)), 20);
    else text.insert(Math.floor(random() * (length + 1)), `${WORDS[Math.floor(random() * WORDS.length)]} `);
    editsMade++;
    if (Date.now() - lastCursorAt >= 1000) {
      lastCursorAt = Date.now();
      awareness.setLocalStateField('cursor', { index: Math.floor(random() * (text.length + 1)) });
    }
    person.timer = setTimeout(step, 300 + random() * 600);
  };
  step();
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface MemorySample {
  heapBytes: number;
  /** Edits the clients had made when the sample was taken. */
  edits: number;
}

async function sampleMemory(server: ServerUnderTest, minutes: number): Promise<MemorySample[]> {
  const heap: MemorySample[] = [];
  const endAt = Date.now() + minutes * 60_000;
  while (Date.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_EVERY_MS, endAt - Date.now())));
    const edits = editsMade;
    const stats = await server.statsAfterGc();
    heap.push({ heapBytes: stats.heapUsedBytes, edits });
    console.log(
      `  ${((heap.length * SAMPLE_EVERY_MS) / 60_000).toFixed(1)} min: heap ${megabytes(stats.heapUsedBytes)}, RSS ${megabytes(stats.rssBytes)}, ` +
        `${stats.openDocuments} documents open, event-loop p99 ${stats.eventLoopP99Ms.toFixed(1)} ms`,
    );
  }
  return heap;
}

async function checkConvergence(server: ServerUnderTest, people: SoakClient[]): Promise<void> {
  const byDocument = new Map<string, SoakClient[]>();
  for (const person of people)
    byDocument.set(person.documentId, [...(byDocument.get(person.documentId) ?? []), person]);
  let converged = 0;
  for (const [documentId, members] of byDocument) {
    const fresh = relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, server.cookie));
    const textOf = (client: CollabClient) => modelTextString(client.doc);
    const agree = () =>
      fresh.provider.synced && members.every((member) => textOf(member.client) === textOf(fresh));
    const ok = await waitFor(agree, { timeoutMs: 30_000, what: `convergence of ${documentId}` }).catch(
      () => false,
    );
    if (ok) converged++;
    fresh.destroy();
  }
  check(converged === byDocument.size, `every client converged (${converged}/${byDocument.size} documents)`);
}

async function memorySoak(): Promise<void> {
  console.log(
    `memory soak: ${DOCUMENTS * CLIENTS_PER_DOCUMENT} clients on ${DOCUMENTS} documents for ${MINUTES} min`,
  );
  const server = await ServerUnderTest.start('draftroom', { roomUnloadDelayMs: 2_000 });
  process.setMaxListeners(DOCUMENTS * CLIENTS_PER_DOCUMENT + 50);
  const documentIds = await server.createDocuments(DOCUMENTS, 'Soak');
  const baseline = await server.statsAfterGc();
  const people: SoakClient[] = documentIds.flatMap((documentId) =>
    Array.from({ length: CLIENTS_PER_DOCUMENT }, () => ({
      documentId,
      client: relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, server.cookie, new Y.Doc())),
    })),
  );
  await waitFor(() => people.every((person) => person.client.provider.synced), {
    timeoutMs: 60_000,
    what: 'all synced',
  });
  const random = seededRandom(2024);
  for (const person of people) startEditing(person, random);

  const samples = await sampleMemory(server, MINUTES);
  const warmUp = Math.max(1, Math.ceil(samples.length / 5));
  const afterWarmUp = samples[warmUp - 1] ?? { heapBytes: baseline.heapUsedBytes, edits: 0 };
  const last = samples.at(-1) ?? afterWarmUp;
  // The documents grow with every edit (Yjs keeps tombstones); anything else must stay flat.
  const bytesPerEdit = (last.heapBytes - afterWarmUp.heapBytes) / Math.max(1, last.edits - afterWarmUp.edits);
  check(
    bytesPerEdit <= DOCUMENT_BYTES_PER_EDIT_LIMIT,
    `heap after warm-up grows only with the documents (${megabytes(afterWarmUp.heapBytes)} → ${megabytes(last.heapBytes)} over ${last.edits - afterWarmUp.edits} edits = ${bytesPerEdit.toFixed(0)} bytes per edit; a Y.Doc keeps ~310)`,
  );

  for (const person of people) clearTimeout(person.timer);
  await checkConvergence(server, people);
  for (const person of people) person.client.destroy();
  const unloaded = await waitFor(async () => (await server.stats()).openDocuments === 0, {
    timeoutMs: 30_000,
    what: 'every document unloaded',
  }).catch(() => false);
  const after = await server.statsAfterGc();
  check(unloaded === true, `nothing left loaded after everyone left (${after.openDocuments} open)`);
  check(
    after.heapUsedBytes <= baseline.heapUsedBytes + 5 * 1024 * 1024,
    `heap back near the baseline once everyone left (baseline ${megabytes(baseline.heapUsedBytes)}, after ${megabytes(after.heapUsedBytes)})`,
  );
  await server.stop();
}

function reportCrashCycles(report: CrashCycleReport): void {
  check(
    report.receivedButNotStored.length === 0,
    `received tokens stored at every kill (${report.receivedChecked} checked)`,
  );
  check(
    report.finalMissing.length + report.finalDuplicated.length + report.finalUnexpected.length === 0,
    `all ${report.tokensTyped} typed tokens present exactly once (${report.unstoredAtKills} were only on clients at kills)`,
  );
  check(
    report.clientsAgree && report.freshClientAgrees && report.storedAgrees,
    'clients, a fresh client and SQLite agree',
  );
  check(report.integrityProblems.length === 0, 'integrity_check ok after every kill');
}

await memorySoak();
if (KILL_CYCLES > 0) {
  console.log(`kill -9: ${KILL_CYCLES} cycles with 10 clients`);
  reportCrashCycles(
    await runCrashCycles({
      cycles: KILL_CYCLES,
      clients: 10,
      seed: 4242,
      typingIntervalMs: [60, 180],
      log: (line) => console.log(`  ${line}`),
    }),
  );
}
console.log(failures.length === 0 ? 'soak passed' : `soak FAILED: ${failures.length} check(s)`);
process.exit(failures.length === 0 ? 0 : 1);
