import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { loadStoredDoc, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import {
  expectationOf,
  FUZZ_KINDS,
  type FuzzKind,
  FuzzSocket,
  fuzzMessage,
  Rng,
  validMessages,
} from '../support/securityFuzz';
import { rawUpgrade, ServerProcess } from '../support/securityProcess';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/**
 * Protocol fuzzing against a live server, with two well-behaved drafters
 * editing alongside.
 *
 * Why the document must end up holding exactly the control edits: the bulk
 * of the fuzz runs as an **observer**. Every message an observer sends that
 * would change the document is refused (4403) whatever it decodes to — so a
 * bit flip that happens to produce a *valid* update cannot legitimately
 * change the text. A smaller stream runs as a **drafter** (to exercise the
 * editor's path too) but skips every message that is a well-framed sync
 * update whose payload decodes as a Yjs update (`mayEdit`): only those could
 * legitimately change the document. Either way, nothing but the control
 * clients' tokens may reach the stored document.
 */
const SEED = 0x5eed_2026;
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_CONNECTIONS = 8;
const OBSERVER_WORKERS = 4;
const OBSERVER_MESSAGES_PER_WORKER = 1_300;
const DRAFTER_WORKERS = 2;
const DRAFTER_MESSAGES_PER_WORKER = 800;
const CLOSE_CODES = new Set<number>(Object.values(CloseCode));

interface Stats {
  sent: number;
  skippedMayEdit: number;
  byKind: Map<FuzzKind, number>;
  byTopLevelType: Map<number, number>;
  closes: Map<number, number>;
  stayedOpen: number;
  violations: string[];
}

describe('protocol fuzzing against a live server', () => {
  let server: TestServer;
  let documentId: string;
  let hu: CollabClient;
  let cz: CollabClient;
  let seededClients: number[];
  let pool: Uint8Array[];
  const opened: RawCollabSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxConnectionsPerUser: MAX_CONNECTIONS,
      // Every fuzz message is followed by a QueryAwareness (the barrier): not what is tested here.
      collabPresenceAnswersBurst: 1_000_000,
    });
    documentId = server.actionPlanId();
    hu = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    cz = await connectWellBehaved(server.wsUrl, documentId, (await server.signIn(DEMO.czechDrafter)).cookie);
    hu.provider.awareness.setLocalStateField('typing', 'hu');
    cz.provider.awareness.setLocalStateField('typing', 'cz');
    // Relayed, not only applied: a relay still pending when the fuzz sockets join would name both
    // control ids and count as an extra presence-query reply.
    await waitFor(
      () =>
        hu.provider.awareness.getStates().get(cz.doc.clientID)?.typing === 'cz' &&
        cz.provider.awareness.getStates().get(hu.doc.clientID)?.typing === 'hu',
      {
        what: 'control presence relayed',
      },
    );
    const base = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    seededClients = [...Y.decodeStateVector(Y.encodeStateVector(base)).keys()];
    pool = validMessages(base, new Rng(SEED));
    base.destroy();
  });
  afterAll(async () => {
    for (const socket of opened) socket.close();
    hu?.destroy();
    cz?.destroy();
    await server?.dispose();
  });

  it('survives thousands of malformed messages; the controls converge; only their edits are stored', async () => {
    const started = Date.now();
    const stats: Stats = {
      sent: 0,
      skippedMayEdit: 0,
      byKind: new Map(),
      byTopLevelType: new Map(),
      closes: new Map(),
      stayedOpen: 0,
      violations: [],
    };
    const url = `${server.wsUrl}/collab/${documentId}`;
    const marker = [hu.doc.clientID, cz.doc.clientID];
    const observerCookie = (await server.signIn(DEMO.observer)).cookie;
    const drafterCookie = (await server.signIn(DEMO.secretariat)).cookie;
    const tokens: string[] = [];
    const controlEdit = () => {
      const n = tokens.length / 2;
      tokens.push(`<hu-${n}>`, `<cz-${n}>`);
      clauseParagraphText(hu.doc, 0).insert(0, `<hu-${n}>`);
      clauseParagraphText(cz.doc, 1).insert(0, `<cz-${n}>`);
    };
    const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

    async function worker(index: number, cookie: string, count: number, role: 'observer' | 'drafter') {
      const rng = new Rng(SEED + index + 1);
      let socket = await FuzzSocket.open(url, cookie, marker);
      let sent = 0;
      for (let n = index; sent < count; n++) {
        const kind =
          rng.next() < 0.5 ? (FUZZ_KINDS[n % FUZZ_KINDS.length] as FuzzKind) : rng.pick(FUZZ_KINDS);
        const message = fuzzMessage(kind, n, rng, pool, MAX_MESSAGE_BYTES);
        const expected = expectationOf(message, MAX_MESSAGE_BYTES);
        if (role === 'drafter' && expected.mayEdit) {
          stats.skippedMayEdit++;
          continue;
        }
        await socket.exchange(message, expected.queryReplies);
        sent++;
        stats.sent++;
        bump(stats.byKind, kind);
        if (index === 0 && sent % 50 === 0) controlEdit();
        if (
          typeof message !== 'string' &&
          message.length > 0 &&
          message[0] !== undefined &&
          message[0] < 0x80
        ) {
          bump(stats.byTopLevelType, message[0]);
        }
        const code = socket.closeCode;
        const what = `${role} ${kind} [${typeof message === 'string' ? 'text' : [...message.slice(0, 12)]}]`;
        if (code === undefined) {
          stats.stayedOpen++;
          if (typeof expected.closeCode === 'number')
            stats.violations.push(`${what}: not closed, expected ${expected.closeCode}`);
          continue;
        }
        bump(stats.closes, code);
        if (!CLOSE_CODES.has(code)) stats.violations.push(`${what}: closed with ${code}, not a CloseCode`);
        if (
          expected.closeCode === null ||
          (typeof expected.closeCode === 'number' && expected.closeCode !== code)
        ) {
          stats.violations.push(`${what}: closed with ${code}, expected ${expected.closeCode}`);
        }
        socket = await FuzzSocket.open(url, cookie, marker);
      }
      socket.close();
    }

    await Promise.all([
      ...Array.from({ length: OBSERVER_WORKERS }, (_, i) =>
        worker(i, observerCookie, OBSERVER_MESSAGES_PER_WORKER, 'observer'),
      ),
      ...Array.from({ length: DRAFTER_WORKERS }, (_, i) =>
        worker(OBSERVER_WORKERS + i, drafterCookie, DRAFTER_MESSAGES_PER_WORKER, 'drafter'),
      ),
    ]);
    controlEdit();

    const summary = {
      seed: SEED,
      messagesSent: stats.sent,
      socketsClosedByCode: Object.fromEntries([...stats.closes].sort(([a], [b]) => a - b)),
      socketsClosed: [...stats.closes.values()].reduce((a, b) => a + b, 0),
      messagesLeavingTheSocketOpen: stats.stayedOpen,
      drafterMessagesSkippedAsPossibleEdits: stats.skippedMayEdit,
      byKind: Object.fromEntries(stats.byKind),
      controlTokens: tokens.length,
      seconds: (Date.now() - started) / 1000,
    };
    console.log(`fuzz summary: ${JSON.stringify(summary, null, 2)}`);

    expect(stats.violations.slice(0, 20)).toEqual([]);
    expect(stats.sent).toBeGreaterThanOrEqual(5_000);
    for (const kind of FUZZ_KINDS) expect(stats.byKind.get(kind), kind).toBeGreaterThan(20);
    for (let type = 0; type <= 10; type++)
      expect(stats.byTopLevelType.get(type), `type ${type}`).toBeGreaterThan(0);
    expect([...stats.closes.keys()].every((code) => CLOSE_CODES.has(code))).toBe(true);
    expect(stats.closes.get(CloseCode.MalformedMessage)).toBeGreaterThan(100);
    expect(stats.closes.get(CloseCode.UnknownMessageType)).toBeGreaterThan(100);
    expect(stats.closes.get(CloseCode.MessageTooBig)).toBeGreaterThan(10);
    expect(stats.closes.get(CloseCode.Forbidden)).toBeGreaterThan(10);

    // The process is up, the controls were never disconnected, they converge with all their tokens.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(hu.closeCodes).toEqual([]);
    expect(cz.closeCodes).toEqual([]);
    await waitFor(
      () =>
        contentOf(hu.doc) === contentOf(cz.doc) && tokens.every((token) => contentOf(hu.doc).includes(token)),
      { what: 'the control clients to converge' },
    );
    for (const token of tokens) expect(contentOf(hu.doc).split(token).length - 1, token).toBe(1);

    // The stored document is exactly what the controls have, written by nobody else.
    const stored = await waitFor(
      () => {
        const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
        return contentOf(doc) === contentOf(hu.doc) ? doc : undefined;
      },
      { what: 'the stored document to hold the control edits' },
    );
    const writers = [...Y.decodeStateVector(Y.encodeStateVector(stored)).keys()];
    expect(
      writers.filter((client) => ![...seededClients, hu.doc.clientID, cz.doc.clientID].includes(client)),
    ).toEqual([]);
    expect(stored.getMap('meta').size).toBe(0);
    expect(contentOf(stored)).not.toMatch(/\{fuzz-/);
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(hu.doc));
    stored.destroy();

    // No connection was leaked: the observer can still open its full allowance of sockets.
    const observerSockets = await waitFor(
      async () => {
        const sockets = await Promise.allSettled(
          Array.from({ length: MAX_CONNECTIONS }, () =>
            openRawSocket(server.wsUrl, documentId, observerCookie),
          ),
        );
        const ok = sockets.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        opened.push(...ok);
        if (ok.length === MAX_CONNECTIONS) return ok;
        for (const socket of ok) socket.close();
        await Promise.all(ok.map((socket) => socket.closed));
        return undefined;
      },
      { what: `${MAX_CONNECTIONS} observer connections at once`, timeoutMs: 5_000 },
    );
    expect(observerSockets).toHaveLength(MAX_CONNECTIONS);
  });
});

/**
 * The upgrade path is decoded before anything is authenticated, so any
 * client on the network can send these. The server runs in its own process
 * (restarted if a case killed it), so each path is judged on its own.
 */
describe('malformed upgrade requests against the server process', () => {
  const server = new ServerProcess();

  beforeEach(async () => {
    await server.ensureRunning();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const PATHS = [
    '/collab/no-such-document',
    '/collab/%',
    '/collab/%E0%A4%A',
    '/collab/abc%ZZ',
    '/collab/%C0%AF',
    '/elsewhere/x%',
    `/collab/${'a'.repeat(5_000)}`,
  ];

  it.each(PATHS.map((path) => [path.slice(0, 40), path]))(
    'answers an upgrade to %s with a 4xx and stays up',
    async (_label, path) => {
      const response = await rawUpgrade(server.port, path);
      const health = await server.healthStatus();
      expect(response, server.tail()).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(health, server.tail()).toBe(200);
      expect(server.exitCode, server.tail()).toBeUndefined();
    },
  );
});
