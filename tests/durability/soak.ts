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
 * 2. Dead peers (issue 12): on the real server (`ServerProcess`) with a 1 s
 *    heartbeat, 2 missed pongs and 10 connections per user, 50 sockets of
 *    5 users take every slot of those users, announce a presence, and freeze
 *    (their TCP socket is paused: pings go unanswered) while 6 clients keep
 *    editing; three rounds. Each round the heartbeat must terminate exactly
 *    those 50, the slots must be free again within (missed pongs + 1) ×
 *    interval (each user opens 10 new connections; the time is printed),
 *    their presence must disappear at the editors; the editors must stay
 *    connected and converge; after the rounds the server's heap, external
 *    memory and RSS after a full GC must be back near the baseline.
 * 3. Slow readers (issue 12): with the production send-buffer limit (16 MiB)
 *    and close timeout (5 s), 6 readers pause their sockets (never read)
 *    while 4 writers append 32 inserts of 256–512 KiB each and one client
 *    asks for the whole document again the moment each answer arrives. Each
 *    reader must be closed with 4408 (the server logs at most the limit plus
 *    one message waiting for it) and then destroyed, the asker closed with
 *    4429 after its burst of sync answers, the writers served throughout and
 *    converged; once everyone left, the heap and external memory after a
 *    full GC must be back at the baseline.
 *    Both phases run the server with LOG_LEVEL=debug (its log tells which
 *    connection was closed how) and an inspector on a loopback port (a full
 *    GC on demand), sample its RSS every second from /proc and print it with
 *    the peaks (the kernel's high-water mark) between the phase's moments.
 * 4. Kill -9: SOAK_KILL_CYCLES (default 200) SIGKILL restarts with 10 typing
 *    clients (tests/durability/crashCycles.ts).
 * SOAK_PHASES (default `memory,dead-peer,slow-reader,kill`) selects phases,
 * e.g. SOAK_PHASES=dead-peer,slow-reader runs only the two issue-12 phases.
 * Exits with 1 when a check fails.
 */
import { CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { ServerUnderTest } from '../bench/serverUnderTest';
import { type CollabClient, clauseParagraphText, connectClient } from '../support/collabClient';
import { modelText, modelTextString } from '../support/modelText';
import { relayOnlyOwnPresence } from '../support/ownPresence';
import {
  attemptRefusedUpgrade,
  awarenessMessage,
  openRawSocket,
  pauseReading,
  type RawCollabSocket,
  resumeReading,
} from '../support/rawCollab';
import { ServerProcess } from '../support/serverProcess';
import { DEMO } from '../support/testServer';
import { seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';
import { type CrashCycleReport, runCrashCycles } from './crashCycles';
import {
  describeRss,
  INSPECTABLE_NODE_OPTIONS,
  megabytes,
  openSyncFlooder,
  RssSampler,
  rssBytes,
  ServerInspector,
  ServerLog,
  serverPid,
} from './soakSupport';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const KILL_CYCLES = Number(process.env.SOAK_KILL_CYCLES ?? 200);
const ALL_PHASES = ['memory', 'dead-peer', 'slow-reader', 'kill'] as const;
type Phase = (typeof ALL_PHASES)[number];
const PHASES = (process.env.SOAK_PHASES ?? ALL_PHASES.join(','))
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
const unknownPhases = PHASES.filter((name) => !(ALL_PHASES as readonly string[]).includes(name));
if (unknownPhases.length > 0) {
  console.error(
    `SOAK_PHASES: unknown phase(s) ${unknownPhases.join(', ')} (known: ${ALL_PHASES.join(', ')})`,
  );
  process.exit(2);
}
const runs = (phase: Phase) => PHASES.includes(phase);
const MiB = 1024 * 1024;
const KiB = 1024;
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

async function checkConvergence(
  server: { wsUrl: string; cookie: string },
  people: SoakClient[],
): Promise<void> {
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

/** How far above its baseline the server's heap, or its external memory, after a full GC may be at the end of a phase (as in the memory soak). */
const HEAP_MARGIN_BYTES = 5 * MiB;

/** Heap and external memory (Buffers: socket queues, updates) after a full GC, against the phase's baseline. */
function checkMemoryAfterGc(
  when: string,
  baseline: { heapUsedBytes: number; externalBytes: number },
  after: { heapUsedBytes: number; externalBytes: number },
): void {
  check(
    after.heapUsedBytes <= baseline.heapUsedBytes + HEAP_MARGIN_BYTES &&
      after.externalBytes <= baseline.externalBytes + HEAP_MARGIN_BYTES,
    `after ${when}, the server's memory after a full GC back near its baseline: heap ${megabytes(baseline.heapUsedBytes)} → ` +
      `${megabytes(after.heapUsedBytes)}, external (Buffers) ${megabytes(baseline.externalBytes)} → ${megabytes(after.externalBytes)} ` +
      `(allowed +${megabytes(HEAP_MARGIN_BYTES)} each)`,
  );
}

/** The soak's NODE_OPTIONS plus an inspector on a free loopback port (ServerInspector: forced GC, heap used). */
function inspectable(): string {
  return [process.env.NODE_OPTIONS, INSPECTABLE_NODE_OPTIONS].filter(Boolean).join(' ');
}

/** Dead-peer phase settings: a short heartbeat so that the phase takes seconds, not minutes. */
const DEAD_PEER = {
  heartbeatIntervalMs: 1000,
  missedPongs: 2,
  connectionsPerUser: 10,
  editors: 6,
  /** Freeze rounds: a leak per dead socket would add up round after round. */
  rounds: 3,
  /**
   * How far above its baseline (editors only) the RSS may be after the rounds
   * and a full GC. Without the GC it stays where V8 and malloc grew to.
   */
  rssMarginBytes: 8 * MiB,
};
/** Users whose every slot a frozen socket takes (5 users × 10 connections = 50 frozen sockets). */
const FROZEN_USERS = [
  DEMO.hungarianDrafter,
  DEMO.czechDrafter,
  DEMO.secretariat,
  DEMO.commenter,
  DEMO.observer,
];

/** Resumes and drops raw sockets whose reading was paused (their client side never saw the server's end). */
function discard(sockets: RawCollabSocket[]): void {
  for (const socket of sockets) {
    resumeReading(socket.ws);
    socket.ws.terminate();
    socket.doc.destroy();
  }
}

/** What a phase started: its servers, and what stops its clients should it fail half-way. */
interface PhaseResources {
  servers: ServerProcess[];
  onFailure: (() => void)[];
}

/** Runs `phase`; a thrown error (a missed deadline) is a failed check, not a crash, and the next phase still runs. */
async function runPhase(name: string, phase: (resources: PhaseResources) => Promise<void>): Promise<void> {
  const resources: PhaseResources = { servers: [], onFailure: [] };
  try {
    await phase(resources);
  } catch (error) {
    check(false, `${name}: ${(error as Error).message}`);
    for (const stop of resources.onFailure) stop();
  } finally {
    for (const server of resources.servers) await server.dispose();
  }
}

interface DeadPeerSetup {
  server: ServerProcess;
  log: ServerLog;
  documentId: string;
  cookieOf: (email: string) => string;
  editors: SoakClient[];
  rss: RssSampler;
}

interface DeadPeerRound {
  /** Status of one more connection of each user while the frozen sockets still answered (429: every slot held). */
  furtherStatuses: number[];
  firstFreeMs: number | undefined;
  allFreeMs: number | undefined;
  freed: number;
  terminations: number;
  closedFrozen: number;
  presenceGoneMs: number | undefined;
  editsWhileFrozen: number;
  rssWithFrozen: number;
  rssAfter: number;
}

/** One round: every slot of FROZEN_USERS taken by a socket that announces a presence, then freezes. */
async function freezeRound(setup: DeadPeerSetup, round: number): Promise<DeadPeerRound> {
  const { server, log, documentId, cookieOf, editors, rss } = setup;
  const { heartbeatIntervalMs, missedPongs, connectionsPerUser } = DEAD_PEER;
  const frozenCount = FROZEN_USERS.length * connectionsPerUser;
  const logAtStart = log.length;
  const frozen: { socket: RawCollabSocket; clientId: number; connection: number }[] = [];
  for (let i = 0; i < frozenCount; i++) {
    const email = FROZEN_USERS[i % FROZEN_USERS.length] ?? '';
    const from = log.length;
    const socket = await openRawSocket(server.wsUrl, documentId, cookieOf(email));
    const clientId = 880_000 + round * 1000 + i;
    socket.send(awarenessMessage([{ clientId, clock: 1, state: { cursor: { index: i } } }]));
    frozen.push({ socket, clientId, connection: await log.openedConnection(from) });
  }
  const sees = (editor: SoakClient, clientId: number) =>
    editor.client.provider.awareness.getStates().has(clientId);
  await waitFor(() => editors.every((editor) => frozen.every(({ clientId }) => sees(editor, clientId))), {
    what: 'the editors see the presence of every socket about to freeze',
    timeoutMs: 15_000,
  });
  const furtherStatuses = (
    await Promise.all(
      FROZEN_USERS.map((email) =>
        attemptRefusedUpgrade(`${server.wsUrl}/collab/${documentId}`, { cookie: cookieOf(email) }).catch(
          () => ({
            status: 101,
          }),
        ),
      ),
    )
  ).map((attempt) => attempt.status);
  const rssWithFrozen = rss.mark(`round ${round}: ${frozenCount} open`);

  const editsAtFreeze = editsMade;
  const logAtFreeze = log.length;
  const frozenAt = performance.now();
  for (const { socket } of frozen) pauseReading(socket.ws);

  // The slots come back: each user opens `connectionsPerUser` new (healthy) connections.
  const fresh = new Map<string, RawCollabSocket[]>(FROZEN_USERS.map((email) => [email, []]));
  let firstFreeMs: number | undefined;
  let allFreeMs: number | undefined;
  await waitFor(
    async () => {
      for (const email of FROZEN_USERS) {
        const sockets = fresh.get(email) ?? [];
        while (sockets.length < connectionsPerUser) {
          const socket = await openRawSocket(server.wsUrl, documentId, cookieOf(email)).catch(
            () => undefined,
          );
          if (!socket) break;
          firstFreeMs ??= performance.now() - frozenAt;
          sockets.push(socket);
        }
      }
      return FROZEN_USERS.every((email) => fresh.get(email)?.length === connectionsPerUser);
    },
    {
      what: 'every slot of the frozen sockets free again',
      timeoutMs: (missedPongs + 1) * heartbeatIntervalMs + 10_000,
      intervalMs: 50,
    },
  ).then(
    () => {
      allFreeMs = performance.now() - frozenAt;
    },
    () => undefined,
  );
  const freedSockets = [...fresh.values()].flat();

  const terminatedMsg = 'socket stopped answering pings; terminated';
  await waitFor(
    () =>
      log.since(logAtFreeze, terminatedMsg).length >= frozenCount &&
      frozen.every(({ connection }) => log.closed(connection)),
    { what: 'every frozen connection closed by the heartbeat', timeoutMs: 5000 },
  ).catch(() => undefined);
  const presenceGoneMs = await waitFor(
    () => editors.every((editor) => frozen.every(({ clientId }) => !sees(editor, clientId))),
    { what: 'the frozen presence gone at every editor', timeoutMs: 5000 },
  ).then(
    () => performance.now() - frozenAt,
    () => undefined,
  );
  const result: DeadPeerRound = {
    furtherStatuses,
    firstFreeMs,
    allFreeMs,
    freed: freedSockets.length,
    terminations: log.since(logAtFreeze, terminatedMsg).length,
    closedFrozen: frozen.filter(({ connection }) => log.closed(connection)).length,
    presenceGoneMs,
    editsWhileFrozen: editsMade - editsAtFreeze,
    rssWithFrozen,
    rssAfter: 0,
  };

  for (const socket of freedSockets) socket.close();
  discard(frozen.map(({ socket }) => socket));
  // Every socket of the round released by the server (the next round needs the slots again).
  await waitFor(
    () => log.since(logAtStart, 'connection closed').length >= frozen.length + freedSockets.length,
    { what: 'every socket of the round released', timeoutMs: 10_000 },
  );
  result.rssAfter = rss.mark(`round ${round}: all released`);
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(0)} ms`);
  console.log(
    `  round ${round}: ${frozenCount} sockets froze; slots free again: first ${ms(firstFreeMs)}, all ${result.freed}/${frozenCount} ${ms(allFreeMs)}; ` +
      `${result.terminations} terminated by the heartbeat; presence gone ${ms(presenceGoneMs)}; ` +
      `RSS with them ${megabytes(rssWithFrozen)}, once released ${megabytes(result.rssAfter)}`,
  );
  return result;
}

/**
 * Issue 12: sockets that stop answering (a stopped process, a sleeping
 * laptop) are found by the heartbeat and terminated; their slots, presence
 * and memory are released while others keep editing.
 */
async function deadPeerPhase({ servers, onFailure }: PhaseResources): Promise<void> {
  const { heartbeatIntervalMs, missedPongs, connectionsPerUser, editors: editorCount, rounds } = DEAD_PEER;
  const frozenCount = FROZEN_USERS.length * connectionsPerUser;
  console.log(
    `dead peers: ${rounds} rounds of ${frozenCount} sockets of ${FROZEN_USERS.length} users (${connectionsPerUser} each, the per-user limit) ` +
      `freezing while ${editorCount} clients edit; heartbeat every ${heartbeatIntervalMs} ms, dead after ${missedPongs} missed pongs ` +
      `(so ${missedPongs * heartbeatIntervalMs}–${(missedPongs + 1) * heartbeatIntervalMs} ms after a socket stopped answering)`,
  );
  const server = await ServerProcess.start({
    env: {
      HEARTBEAT_INTERVAL_MS: String(heartbeatIntervalMs),
      HEARTBEAT_MISSED_PONGS: String(missedPongs),
      MAX_CONNECTIONS_PER_USER: String(connectionsPerUser),
      LOG_LEVEL: 'debug',
      NODE_OPTIONS: inspectable(),
    },
  });
  servers.push(server);
  const log = new ServerLog(server);
  const pid = serverPid(server);
  const { cookie } = await server.signIn(DEMO.penHolder);
  const documentId = await server.documentIdByTitle(cookie, 'Action Plan');
  const cookies = new Map<string, string>();
  for (const email of FROZEN_USERS) cookies.set(email, (await server.signIn(email)).cookie);

  const editors: SoakClient[] = Array.from({ length: editorCount }, () => ({
    documentId,
    client: relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, cookie)),
  }));
  await waitFor(() => editors.every((editor) => editor.client.provider.synced), {
    what: 'the editors synced',
    timeoutMs: 30_000,
  });
  onFailure.push(() => {
    for (const editor of editors) {
      clearTimeout(editor.timer);
      editor.client.destroy();
    }
  });
  const random = seededRandom(1212);
  for (const editor of editors) startEditing(editor, random);
  const inspector = await ServerInspector.connect(server);
  const memoryBaseline = await inspector.memoryAfterGc();
  const rss = new RssSampler(pid);
  const coldBaseline = rss.mark('editors only');
  const setup: DeadPeerSetup = {
    server,
    log,
    documentId,
    cookieOf: (email) => cookies.get(email) ?? '',
    editors,
    rss,
  };

  const results: DeadPeerRound[] = [];
  for (let round = 1; round <= rounds; round++) results.push(await freezeRound(setup, round));

  const list = (values: (number | undefined)[]) =>
    values.map((value) => (value === undefined ? '—' : value.toFixed(0))).join(', ');
  check(
    results.every((result) => result.furtherStatuses.every((status) => status === 429)),
    `before each freeze every slot was held: one more connection of each user refused (${[...new Set(results.flatMap((r) => r.furtherStatuses))].join(', ')})`,
  );
  const bound = (missedPongs + 1) * heartbeatIntervalMs + 2000;
  check(
    results.every(
      (result) => result.freed === frozenCount && result.allFreeMs !== undefined && result.allFreeMs <= bound,
    ),
    `all ${frozenCount} slots free again within ${bound} ms in every round: ${list(results.map((r) => r.allFreeMs))} ms after the freeze`,
  );
  check(
    results.every(
      (result) =>
        result.firstFreeMs !== undefined && result.firstFreeMs >= missedPongs * heartbeatIntervalMs - 50,
    ),
    `no socket dropped before it missed ${missedPongs} pings (first slot free ${list(results.map((r) => r.firstFreeMs))} ms after the freeze)`,
  );
  check(
    results.every((result) => result.terminations === frozenCount && result.closedFrozen === frozenCount),
    `the heartbeat terminated exactly the frozen sockets (${list(results.map((r) => r.terminations))} terminations logged per round)`,
  );
  check(
    results.every((result) => result.presenceGoneMs !== undefined),
    `the frozen sockets' presence disappeared at every editor (${list(results.map((r) => r.presenceGoneMs))} ms after the freeze)`,
  );
  check(
    editors.every((editor) => editor.client.provider.wsconnected && editor.client.closeCodes.length === 0) &&
      results.every((result) => result.editsWhileFrozen > 0),
    `the editors stayed connected and kept editing (${list(results.map((r) => r.editsWhileFrozen))} edits while the sockets were frozen)`,
  );

  const memoryAfter = await inspector.memoryAfterGc();
  const rssAfterGc = rss.mark('after a full GC');
  inspector.close();
  checkMemoryAfterGc(`${rounds * frozenCount} dead sockets`, memoryBaseline, memoryAfter);
  for (const editor of editors) clearTimeout(editor.timer);
  await checkConvergence({ wsUrl: server.wsUrl, cookie }, editors);
  for (const editor of editors) editor.client.destroy();
  const summary = rss.stop();
  for (const line of describeRss(summary)) console.log(`  ${line}`);
  check(
    rssAfterGc <= coldBaseline + DEAD_PEER.rssMarginBytes,
    `server RSS after a full GC back near its cold baseline (editors only: ${megabytes(coldBaseline)}, after ` +
      `${megabytes(rssAfterGc)}; allowed +${megabytes(DEAD_PEER.rssMarginBytes)}; peak of the phase ${megabytes(summary.peak)})`,
  );
  await server.stop();
}

/** Slow-reader phase settings: the production send-buffer limit and close timeout. */
const SLOW_READERS = {
  maxSendBufferBytes: 16 * MiB,
  closeTimeoutMs: 5000,
  syncAnswersBurst: 10,
  readers: 6,
  writers: 4,
  writesPerWriter: 32,
  chunkBytes: [256 * KiB, 512 * KiB] as const,
  /** Pause between two inserts of one writer: 384 KiB / 300 ms ≈ 1.25 MiB/s, under the 2 MiB/s per-connection budget. */
  writeEveryMs: 300,
  /** The whole-document asker starts once this much was written (its answers then stay well under the limit). */
  flooderAfterBytes: 4 * MiB,
};
const READER_USERS = [
  DEMO.observer,
  DEMO.commenter,
  DEMO.secretariat,
  DEMO.hungarianDrafter,
  DEMO.czechDrafter,
];

/** Same state (state vectors) everywhere. */
function sameState(docs: Y.Doc[]): boolean {
  const vectors = docs.map((doc) => Buffer.from(Y.encodeStateVector(doc)));
  return vectors.every((vector) => vector.equals(vectors[0]!));
}

/**
 * Issue 12: readers that do not read cost at most the send-buffer limit each
 * before they are closed (4408) and destroyed (close timeout); a socket
 * asking for the whole document over and over is closed (4429); the writers
 * are served throughout.
 */
async function slowReaderPhase({ servers, onFailure }: PhaseResources): Promise<void> {
  const settings = SLOW_READERS;
  const totalWrites = settings.writers * settings.writesPerWriter;
  console.log(
    `slow readers: ${settings.readers} paused readers, ${settings.writers} writers × ${settings.writesPerWriter} inserts of ` +
      `${settings.chunkBytes[0] / KiB}–${settings.chunkBytes[1] / KiB} KiB, one whole-document asker; ` +
      `send buffer ${megabytes(settings.maxSendBufferBytes)}, close timeout ${settings.closeTimeoutMs} ms, ${settings.syncAnswersBurst} sync answers at once`,
  );
  const server = await ServerProcess.start({
    env: {
      MAX_SEND_BUFFER_BYTES: String(settings.maxSendBufferBytes),
      COLLAB_CLOSE_TIMEOUT_MS: String(settings.closeTimeoutMs),
      COLLAB_SYNC_ANSWERS_BURST: String(settings.syncAnswersBurst),
      ROOM_UNLOAD_DELAY_MS: '1000',
      LOG_LEVEL: 'debug',
      NODE_OPTIONS: inspectable(),
    },
  });
  servers.push(server);
  const log = new ServerLog(server);
  const pid = serverPid(server);
  const { cookie } = await server.signIn(DEMO.penHolder);
  const documentId = await server.documentIdByTitle(cookie, 'Action Plan');
  const cookies = new Map<string, string>();
  for (const email of READER_USERS) cookies.set(email, (await server.signIn(email)).cookie);
  const cookieOf = (email: string) => cookies.get(email) ?? '';

  const writers = Array.from({ length: settings.writers }, () =>
    relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, cookie)),
  );
  await waitFor(() => writers.every((writer) => writer.provider.synced), {
    what: 'the writers synced',
    timeoutMs: 30_000,
  });
  // Writer w appends to the first paragraph of clause w.
  const expectedLengths = writers.map((writer, w) => clauseParagraphText(writer.doc, w).length);
  const inspector = await ServerInspector.connect(server);
  const memoryBaseline = await inspector.memoryAfterGc();
  const baseline = rssBytes(pid);
  const rss = new RssSampler(pid);
  const logAtStart = log.length;

  const readers: { socket: RawCollabSocket; connection: number }[] = [];
  for (let i = 0; i < settings.readers; i++) {
    const from = log.length;
    const socket = await openRawSocket(
      server.wsUrl,
      documentId,
      cookieOf(READER_USERS[i % READER_USERS.length] ?? ''),
    );
    const connection = await log.openedConnection(from);
    await socket.requestFullState();
    pauseReading(socket.ws);
    readers.push({ socket, connection });
  }

  const random = seededRandom(5150);
  let bytesWritten = 0;
  let writesDone = 0;
  const timers: NodeJS.Timeout[] = [];
  onFailure.push(() => {
    for (const timer of timers) clearTimeout(timer);
    for (const writer of writers) writer.destroy();
  });
  const write = (w: number, n: number) => {
    const writer = writers[w]!;
    const [least, most] = settings.chunkBytes;
    const size = least + Math.floor(random() * (most - least + 1));
    const marker = `[w${w} ${n}]`;
    const text = clauseParagraphText(writer.doc, w);
    text.insert(text.length, marker + 'x'.repeat(size - marker.length));
    expectedLengths[w]! += size;
    bytesWritten += size;
    writesDone++;
    if (n + 1 < settings.writesPerWriter)
      timers[w] = setTimeout(() => write(w, n + 1), settings.writeEveryMs);
  };
  const writingFrom = performance.now();
  rss.mark('writing');
  for (let w = 0; w < settings.writers; w++) write(w, 0);

  await waitFor(() => bytesWritten >= settings.flooderAfterBytes, {
    what: 'the first megabytes written',
    timeoutMs: 60_000,
  });
  const flooderFrom = log.length;
  rss.mark('asker');
  const floodStarted = performance.now();
  const flooder = await openSyncFlooder(server.wsUrl, documentId, cookieOf(DEMO.commenter));
  const flooderConnection = await log.openedConnection(flooderFrom);
  let flooderCode: number | undefined;
  void flooder.closed.then((code) => {
    flooderCode = code;
  });
  await waitFor(() => flooderCode !== undefined, { what: 'the asker closed', timeoutMs: 30_000 }).catch(
    () => undefined,
  );
  const floodMs = performance.now() - floodStarted;
  rss.mark('asker-closed');
  const refusal = log
    .since(flooderFrom, 'refused a message; closing the connection')
    .find((entry) => entry.connection === flooderConnection);
  // The sync-answer budget is the user's: the asker's user already spent one answer per paused reader of theirs.
  const askerReaders = Array.from(
    { length: settings.readers },
    (_, i) => READER_USERS[i % READER_USERS.length],
  ).filter((email) => email === DEMO.commenter).length;
  const askerBurst = settings.syncAnswersBurst - askerReaders;
  check(
    flooderCode === CloseCode.RateLimited &&
      refusal?.closeCode === CloseCode.RateLimited &&
      flooder.answers === askerBurst,
    `the whole-document asker was closed with ${flooderCode ?? 'nothing'} after ${flooder.answers} answers ` +
      `(${megabytes(flooder.answerBytes)}) in ${floodMs.toFixed(0)} ms (expected 4429 after ${askerBurst})`,
  );

  await waitFor(() => writesDone === totalWrites, {
    what: 'every insert made',
    timeoutMs: totalWrites * settings.writeEveryMs + 60_000,
  });
  const writingMs = performance.now() - writingFrom;
  rss.mark('written');
  console.log(
    `  ${totalWrites} inserts, ${megabytes(bytesWritten)} written in ${(writingMs / 1000).toFixed(1)} s; ` +
      `each reader was sent at most what fits in its buffer, not ${megabytes(bytesWritten)}`,
  );

  const readersClosed = await waitFor(() => readers.every(({ connection }) => log.closed(connection)), {
    what: 'every slow reader closed',
    timeoutMs: settings.closeTimeoutMs + 60_000,
    intervalMs: 50,
  }).then(
    () => true,
    () => false,
  );
  const fellBehind = log.since(logAtStart, 'connection fell behind; closing it') as (ReturnType<
    ServerLog['since']
  >[number] & { bufferedBytes?: number })[];
  const outcomes = readers.map(({ connection }) => {
    const closing = fellBehind.find((entry) => entry.connection === connection);
    const closed = log.closed(connection);
    return {
      closing,
      closed,
      destroyedAfterMs:
        closing?.time !== undefined && closed?.time !== undefined ? closed.time - closing.time : undefined,
    };
  });
  const delays = outcomes.map((outcome) => outcome.destroyedAfterMs ?? Number.NaN);
  const buffered = outcomes.map((outcome) => outcome.closing?.bufferedBytes ?? Number.NaN);
  check(
    readersClosed && outcomes.every((outcome) => outcome.closing && outcome.closed),
    `every slow reader was closed with 4408 (${outcomes.filter((o) => o.closing).length}/${settings.readers}) and then released ` +
      `(server-side close codes ${[...new Set(outcomes.map((o) => o.closed?.code))].join(', ')}: destroyed ` +
      `${Math.min(...delays)}–${Math.max(...delays)} ms after the 4408 close; close timeout ${settings.closeTimeoutMs} ms)`,
  );
  // The server logs what waited for the reader when it gave up on it: the limit plus at most one message.
  const queueBound = settings.maxSendBufferBytes + 2 * settings.chunkBytes[1];
  check(
    buffered.every((bytes) => bytes <= queueBound),
    `each slow reader's queue stayed bounded: ${megabytes(Math.min(...buffered))}–${megabytes(Math.max(...buffered))} waiting ` +
      `when it was closed (limit ${megabytes(settings.maxSendBufferBytes)} plus one message; without the limit ` +
      `${megabytes(bytesWritten)} each, minus what the kernel's socket buffers hold)`,
  );
  const rssReadersGone = rss.mark('readers-gone');

  const fresh = relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, cookie));
  const converged = await waitFor(
    () =>
      fresh.provider.synced &&
      sameState([...writers.map((writer) => writer.doc), fresh.doc]) &&
      [...writers, fresh].every((client) =>
        expectedLengths.every((length, w) => clauseParagraphText(client.doc, w).length === length),
      ),
    { what: 'writers and a fresh client converged', timeoutMs: 120_000, intervalMs: 100 },
  ).then(
    () => true,
    () => false,
  );
  rss.mark('converged');
  check(
    converged && writers.every((writer) => writer.closeCodes.length === 0 && writer.provider.wsconnected),
    `the writers were served throughout (never closed) and converged with a fresh client (${megabytes(bytesWritten)} of inserts in the document)`,
  );

  for (const timer of timers) clearTimeout(timer);
  for (const writer of writers) writer.destroy();
  fresh.destroy();
  discard(readers.map(({ socket }) => socket));
  flooder.ws.terminate();
  rss.mark('left');
  const unloaded = await waitFor(
    () => log.since(logAtStart, 'document unloaded').some((entry) => entry.documentId === documentId),
    { what: 'the document unloaded once everyone left', timeoutMs: 30_000 },
  ).then(
    () => true,
    () => false,
  );
  const rssEveryoneLeft = rss.mark('unloaded');
  const memoryAfter = await inspector.memoryAfterGc();
  const rssAfterGc = rss.mark('after a full GC');
  inspector.close();
  const summary = rss.stop();
  for (const line of describeRss(summary)) console.log(`  ${line}`);
  const readersGoneAt = summary.marks.findIndex((mark) => mark.label === 'readers-gone');
  const peakOf = (marks: typeof summary.marks) => Math.max(...marks.map((mark) => mark.peakBefore));
  const peakWithReaders = peakOf(summary.marks.slice(0, readersGoneAt + 1));
  const peakAt = (label: string) =>
    summary.marks.find((mark) => mark.label === label)?.peakBefore ?? Number.NaN;
  const vs = (bytes: number) =>
    `${megabytes(bytes)} (${bytes >= baseline ? '+' : ''}${megabytes(bytes - baseline)})`;
  console.log(
    `  RSS against the baseline ${megabytes(baseline)} (${settings.writers} writers synced): ` +
      `peak while the slow readers were connected ${vs(peakWithReaders)}; ` +
      `with the slow readers gone ${vs(rssReadersGone)} (writers connected, ${megabytes(bytesWritten)} of inserts loaded); ` +
      `peak during a fresh client's sync ${vs(peakAt('converged'))}; ` +
      `peak while the document unloaded (last-leave version checkpoint, compaction) ${vs(peakAt('unloaded'))}; ` +
      `after it unloaded ${vs(rssEveryoneLeft)}, then after a full GC ${vs(rssAfterGc)}`,
  );
  checkMemoryAfterGc('everyone left', memoryBaseline, memoryAfter);
  check(unloaded, 'the document unloaded once everyone left');
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

if (runs('memory')) await memorySoak();
if (runs('dead-peer')) await runPhase('dead peers', deadPeerPhase);
if (runs('slow-reader')) await runPhase('slow readers', slowReaderPhase);
if (runs('kill') && KILL_CYCLES > 0) {
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
