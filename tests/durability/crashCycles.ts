/**
 * Kill -9 cycles: clients type unique tokens while the server is killed with
 * SIGKILL at random moments and restarted. Shared by the `npm test` run
 * (crash.test.ts, 20 cycles) and `pnpm soak` (200 cycles).
 *
 * Right after each kill, before anyone reconnects, the SQLite file must hold
 * every token any client had received from the server (persist before
 * broadcast) exactly once. At the end, after the clients reconnected and went
 * quiet, every token typed — including those typed while the server was down
 * or lost in flight — must be in every copy exactly once.
 */

import { expect } from 'vitest';
import { type CollabClient, connectClient } from '../support/collabClient';
import { modelTextString } from '../support/modelText';
import { relayOnlyOwnPresence } from '../support/ownPresence';
import { ServerProcess } from '../support/serverProcess';
import { readStoredText } from '../support/storedDocument';
import { DEMO } from '../support/testServer';
import { notExactlyOnce, seededRandom, TokenTypist, tokenCounts, tokensIn } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

export interface CrashCycleOptions {
  cycles: number;
  clients: number;
  seed: number;
  /** Pause between two tokens of one client, in ms (default 15–45). */
  typingIntervalMs?: [number, number];
  /** Progress lines (soak). */
  log?: (line: string) => void;
  /** Extra environment for the server (e.g. DATABASE_URL: the cycles against the PostgreSQL store). */
  serverEnv?: Record<string, string>;
  /**
   * Reads the document's stored text (`modelText`) and an integrity verdict (`ok` when sound) while the
   * server is down; default: the SQLite file, with `PRAGMA integrity_check`.
   */
  readStored?: (server: ServerProcess, documentId: string) => Promise<{ text: string; integrity: string }>;
}

export interface CrashCycleReport {
  cycles: number;
  tokensTyped: number;
  /** Received-from-server tokens checked against the SQLite file right after the kills. */
  receivedChecked: number;
  /** Tokens a client had received from the server that SQLite did not hold (exactly once) after a kill. */
  receivedButNotStored: string[];
  /** Tokens typed but not stored at the kill moments: the edits only the clients still had. */
  unstoredAtKills: number;
  /** Integrity-check results other than `ok`, after kills and at the end. */
  integrityProblems: string[];
  /** Typed tokens missing from, or duplicated in, the final text of any copy. */
  finalMissing: string[];
  finalDuplicated: string[];
  /** Tokens in the final text that nobody typed. */
  finalUnexpected: string[];
  clientsAgree: boolean;
  freshClientAgrees: boolean;
  storedAgrees: boolean;
}

interface Run {
  server: ServerProcess;
  readStored: (server: ServerProcess, documentId: string) => Promise<{ text: string; integrity: string }>;
  documentId: string;
  cookie: string;
  typists: TokenTypist[];
  report: CrashCycleReport;
}

async function allSynced(typists: readonly TokenTypist[]): Promise<void> {
  await waitFor(() => typists.every((t) => t.client.provider.wsconnected && t.client.provider.synced), {
    timeoutMs: 30_000,
    what: 'every client reconnected and synced',
  });
}

/** Checks the store of the killed server against what the clients had received. */
async function checkAfterKill(run: Run): Promise<void> {
  const { text, integrity } = await run.readStored(run.server, run.documentId);
  if (integrity !== 'ok') run.report.integrityProblems.push(integrity);
  const stored = tokenCounts(text);
  const received = new Set(run.typists.flatMap((typist) => typist.receivedTokens()));
  run.report.receivedChecked += received.size;
  for (const token of received) if (stored.get(token) !== 1) run.report.receivedButNotStored.push(token);
  for (const typist of run.typists) {
    run.report.unstoredAtKills += typist.typed.filter((token) => !stored.has(token)).length;
  }
}

async function crashOnce(run: Run, random: () => number): Promise<void> {
  // A random moment mid-edit: once the clients have typed a random number of further tokens.
  const typedSoFar = () => run.typists.reduce((sum, typist) => sum + typist.typed.length, 0);
  const killAt = typedSoFar() + 10 + Math.floor(random() * 140);
  await waitFor(() => typedSoFar() >= killAt, { timeoutMs: 30_000, what: 'typing before the kill' });
  await run.server.kill();
  await waitFor(() => run.typists.every((t) => !t.client.provider.wsconnected), {
    what: 'every client saw the server go',
  });
  await checkAfterKill(run);
  await run.server.start();
  await allSynced(run.typists);
}

async function finalCheck(run: Run): Promise<void> {
  const { report, typists } = run;
  for (const typist of typists) typist.stop();
  const typed = typists.flatMap((typist) => typist.typed);
  report.tokensTyped = typed.length;
  const converged = () => {
    const first = typists[0]!.text;
    return typists.every((t) => t.text === first) && notExactlyOnce(first, typed).missing.length === 0;
  };
  await waitFor(converged, { timeoutMs: 30_000, what: 'clients converged on every typed token' }).catch(
    () => false,
  );
  const text = typists[0]!.text;
  report.clientsAgree = typists.every((typist) => typist.text === text);
  const { missing, duplicated } = notExactlyOnce(text, typed);
  report.finalMissing.push(...missing);
  report.finalDuplicated.push(...duplicated);
  const typedSet = new Set(typed);
  report.finalUnexpected.push(...tokensIn(text).filter((token) => !typedSet.has(token)));

  const fresh = relayOnlyOwnPresence(connectClient(run.server.wsUrl, run.documentId, run.cookie));
  await waitFor(() => fresh.provider.synced, { what: 'fresh client synced' });
  report.freshClientAgrees = modelTextString(fresh.doc) === text;
  fresh.destroy();

  await run.server.stop();
  const stored = await run.readStored(run.server, run.documentId);
  report.storedAgrees = stored.text === text;
  if (stored.integrity !== 'ok') report.integrityProblems.push(stored.integrity);
}

function emptyReport(cycles: number): CrashCycleReport {
  return {
    cycles,
    tokensTyped: 0,
    receivedChecked: 0,
    receivedButNotStored: [],
    unstoredAtKills: 0,
    integrityProblems: [],
    finalMissing: [],
    finalDuplicated: [],
    finalUnexpected: [],
    clientsAgree: false,
    freshClientAgrees: false,
    storedAgrees: false,
  };
}

export async function runCrashCycles(options: CrashCycleOptions): Promise<CrashCycleReport> {
  const random = seededRandom(options.seed);
  const server = await ServerProcess.start({ env: options.serverEnv });
  const clients: CollabClient[] = [];
  // Each stock provider listens for the process's exit.
  process.setMaxListeners(Math.max(process.getMaxListeners(), options.clients + 10));
  try {
    const { cookie } = await server.signIn(DEMO.penHolder);
    const documentId = await server.documentIdByTitle(cookie, 'Action Plan');
    for (let i = 0; i < options.clients; i++) {
      clients.push(relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, cookie)));
    }
    const typists = clients.map(
      (client, i) => new TokenTypist(`c${i + 1}`, client, seededRandom(options.seed + i + 1)),
    );
    const readStored =
      options.readStored ??
      (async (stopped: ServerProcess, id: string) => readStoredText(stopped.databaseFile, id));
    const run: Run = { server, readStored, documentId, cookie, typists, report: emptyReport(options.cycles) };
    await allSynced(typists);
    const [minMs, maxMs] = options.typingIntervalMs ?? [15, 45];
    for (const typist of typists) typist.start(minMs, maxMs);
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      await crashOnce(run, random);
      if (cycle % 10 === 0) options.log?.(`kill -9 cycle ${cycle}/${options.cycles}`);
    }
    await finalCheck(run);
    return run.report;
  } finally {
    for (const client of clients) client.destroy();
    await server.dispose();
  }
}

/**
 * Asserts what the kill cycles must show, whichever store: what anyone received was stored when the server
 * died; the kills caught edits in flight (so re-sending was exercised); more than `minTokens` tokens were
 * typed, and after reconnecting every one is in every copy, a fresh load and the store exactly once.
 */
export function expectCrashCyclesHeld(report: CrashCycleReport, minTokens: number): void {
  expect(report.receivedChecked).toBeGreaterThan(0);
  expect(report.receivedButNotStored).toEqual([]);
  expect(report.unstoredAtKills).toBeGreaterThan(0);
  expect(report.tokensTyped).toBeGreaterThan(minTokens);
  expect(report.finalMissing).toEqual([]);
  expect(report.finalDuplicated).toEqual([]);
  expect(report.finalUnexpected).toEqual([]);
  expect(report.clientsAgree).toBe(true);
  expect(report.freshClientAgrees).toBe(true);
  expect(report.storedAgrees).toBe(true);
  expect(report.integrityProblems).toEqual([]);
}
