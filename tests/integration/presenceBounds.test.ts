import { MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PresenceClaims } from '../../server/src/collab/presenceClaims';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { awarenessMessage, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const KiB = 1024;
const userIdOf = (server: TestServer, email: string) =>
  server.server.repositories.users.findByEmail(email)?.profile.id ?? '';

function claimsOf(server: TestServer): PresenceClaims {
  const claims = server.server.collab.rooms.presenceClaims;
  if (!claims) throw new Error('the server has no shared presence claims');
  return claims;
}

/** The awareness states `viewer` sees: client id → its `marker` field and user id. */
function seen(viewer: CollabClient, clientId: number): { marker?: unknown; userId?: unknown } | undefined {
  const state = viewer.provider.awareness.getStates().get(clientId);
  if (!state) return undefined;
  return { marker: state.marker, userId: (state.user as { userId?: string } | undefined)?.userId };
}

/** One socket of `email` announces `clientId`, is seen by `watcher`, and closes (its id released). */
async function announceAndLeave(
  server: TestServer,
  documentId: string,
  cookie: string,
  clientId: number,
  watcher: CollabClient,
): Promise<void> {
  const socket = await openRawSocket(server.wsUrl, documentId, cookie);
  socket.send(awarenessMessage([{ clientId, clock: 1, state: { marker: `id-${clientId}` } }]));
  await waitFor(() => seen(watcher, clientId)?.marker === `id-${clientId}`, {
    what: `presence ${clientId} relayed`,
  });
  socket.close();
  await socket.closed;
  await waitFor(() => seen(watcher, clientId) === undefined, { what: `presence ${clientId} removed` });
}

/** Finding 2: the table of presence ids is bounded per user and in all, and never refuses a client. */
describe('presence ids: bounded bookkeeping', () => {
  const PER_USER = 6;
  let server: TestServer;
  let documentId: string;
  let watcher: CollabClient;
  const sockets: RawCollabSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      maxConnectionsPerUser: 3,
      presenceClaimsPerUser: PER_USER,
      presenceClaimsMax: 1000,
      // Many reconnects: this is about the id table, not the join budget.
      collabPresenceAnswersBurst: 10_000,
    });
    documentId = server.actionPlanId();
    watcher = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    watcher?.destroy();
    await server?.dispose();
  });

  it('an observer reconnecting 30 times with a new id each time holds its newest ids only; its oldest go back to others', async () => {
    const { cookie } = await server.signIn(DEMO.observer);
    const base = 610_000;
    for (let i = 0; i < 30; i++) await announceAndLeave(server, documentId, cookie, base + i, watcher);

    // The observer's first id is no longer reserved: another user may speak for it now.
    const jana = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    sockets.push(jana);
    jana.send(awarenessMessage([{ clientId: base, clock: 1, state: { marker: 'jana' } }]));
    await waitFor(
      () =>
        seen(watcher, base)?.marker === 'jana' &&
        seen(watcher, base)?.userId === userIdOf(server, DEMO.czechDrafter),
      { what: 'the evicted id spoken for by another user' },
    );
    expect(jana.closeCode).toBeUndefined();

    const claims = claimsOf(server);
    const observerId = userIdOf(server, DEMO.observer);
    const janaId = userIdOf(server, DEMO.czechDrafter);
    // Its newest ids are still its own (a reconnecting person keeps theirs) ...
    for (let i = 30 - PER_USER; i < 30; i++) expect(claims.heldByAnotherUser(base + i, janaId)).toBe(true);
    expect(claims.heldByAnotherUser(base + 29 - PER_USER, janaId)).toBe(false);
    // ... and the table holds at most PER_USER of them, plus the watcher's and Jana's.
    expect(claims.idsOf(observerId)).toBe(PER_USER);
    expect(claims.size).toBeLessThanOrEqual(PER_USER + 2);
  });

  it('a failure in the bookkeeping never refuses a client: its presence is relayed and it stays connected', async () => {
    const claims = claimsOf(server);
    const failing = vi.spyOn(claims, 'claim').mockImplementation(() => {
      throw new RangeError('Map maximum size exceeded');
    });
    try {
      const anna = await openRawSocket(
        server.wsUrl,
        documentId,
        (await server.signIn(DEMO.penHolder)).cookie,
      );
      sockets.push(anna);
      anna.send(awarenessMessage([{ clientId: 4242, clock: 1, state: { marker: 'anna-raw' } }]));
      await waitFor(() => seen(watcher, 4242)?.marker === 'anna-raw', { what: 'presence relayed' });
      anna.send(awarenessMessage([{ clientId: 4242, clock: 2, state: { marker: 'anna-moved' } }]));
      await waitFor(() => seen(watcher, 4242)?.marker === 'anna-moved', { what: 'a later change relayed' });
      expect(failing).toHaveBeenCalled();
      expect(anna.closeCode).toBeUndefined();
    } finally {
      failing.mockRestore();
    }
  });
});

describe('presence ids: the global bound forgets released ids first, oldest first', () => {
  const MAX = 6;
  let server: TestServer;
  let documentId: string;
  let watcher: CollabClient;

  beforeAll(async () => {
    server = await startTestServer({
      presenceClaimsPerUser: 4,
      presenceClaimsMax: MAX,
      collabPresenceAnswersBurst: 10_000,
    });
    documentId = server.actionPlanId();
    watcher = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
  });
  afterAll(async () => {
    watcher?.destroy();
    await server?.dispose();
  });

  it('two users’ released ids over the bound: the oldest are forgotten, a connected one is kept, a newcomer is welcome', async () => {
    const claims = claimsOf(server);
    const observer = (await server.signIn(DEMO.observer)).cookie;
    const commenter = (await server.signIn(DEMO.commenter)).cookie;
    // A connected id: never forgotten, however many come after it.
    const connected = await openRawSocket(server.wsUrl, documentId, commenter);
    connected.send(awarenessMessage([{ clientId: 700_999, clock: 1, state: { marker: 'connected' } }]));
    await waitFor(() => seen(watcher, 700_999)?.marker === 'connected', { what: 'the connected id relayed' });
    for (let i = 0; i < 4; i++) await announceAndLeave(server, documentId, observer, 700_000 + i, watcher);
    for (let i = 0; i < 3; i++) await announceAndLeave(server, documentId, commenter, 700_100 + i, watcher);
    expect(claims.size).toBeLessThanOrEqual(MAX);
    const janaId = userIdOf(server, DEMO.czechDrafter);
    expect(claims.heldByAnotherUser(700_999, janaId)).toBe(true);
    expect(claims.heldByAnotherUser(700_000, janaId)).toBe(false); // the oldest released
    expect(claims.heldByAnotherUser(700_102, janaId)).toBe(true); // the newest released

    const jana = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    jana.send(awarenessMessage([{ clientId: 701_000, clock: 1, state: { marker: 'jana' } }]));
    await waitFor(() => seen(watcher, 701_000)?.marker === 'jana', { what: 'a newcomer’s presence relayed' });
    expect(jana.closeCode).toBeUndefined();
    expect(claims.size).toBeLessThanOrEqual(MAX);
    expect(claims.heldByAnotherUser(700_999, janaId)).toBe(true);
    jana.close();
    connected.close();
  });
});

/** Awareness bytes among the frames a raw socket received from index `from` on. */
function awarenessBytes(socket: RawCollabSocket, from = 0): number {
  let bytes = 0;
  for (const frame of socket.messages.slice(from))
    if (frame[0] === MessageType.Awareness) bytes += frame.length;
  return bytes;
}

/** The markers of the awareness entries a raw socket received. */
function markersSeen(socket: RawCollabSocket): Set<unknown> {
  const markers = new Set<unknown>();
  for (const frame of socket.messages) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MessageType.Awareness) continue;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(inner);
    for (let i = 0; i < count; i++) {
      decoding.readVarUint(inner);
      decoding.readVarUint(inner);
      const state = JSON.parse(decoding.readVarString(inner)) as { marker?: unknown } | null;
      if (state?.marker !== undefined) markers.add(state.marker);
    }
  }
  return markers;
}

/** Finding 9: one user's presence cannot push slow readers off; past its rate it is dropped, not closed. */
describe('presence byte rate per user', () => {
  const RATE = 32 * KiB;
  const BURST = 64 * KiB;
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({ presenceBytesPerSecond: RATE, presenceByteBurst: BURST });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('10 sockets changing a 16 KiB state 20×/s: a reader gets at most the rate, others’ presence and the spammer’s edits still flow', async () => {
    const reader = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.observer)).cookie);
    const spamCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    const editor = await connectWellBehaved(server.wsUrl, documentId, spamCookie);
    const jana = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    const spammers = await Promise.all(
      Array.from({ length: 10 }, () => openRawSocket(server.wsUrl, documentId, spamCookie)),
    );
    const pad = 'x'.repeat(16 * KiB - 200);
    const from = reader.messages.length;
    const started = performance.now();
    let rounds = 0;
    const spam = setInterval(() => {
      rounds++;
      spammers.forEach((socket, index) => {
        const state = { marker: `spam-${rounds}`, pad };
        socket.send(awarenessMessage([{ clientId: 990_000 + index, clock: rounds, state }]));
      });
    }, 50);
    try {
      await waitFor(() => rounds >= 20, { what: 'a second of spam' });
      jana.provider.awareness.setLocalStateField('marker', 'jana-during-spam');
      await waitFor(() => markersSeen(reader).has('jana-during-spam'), {
        what: 'another user’s presence relayed during the spam',
      });
      clauseParagraphText(editor.doc, 0).insert(0, '[edit during spam]');
      await waitFor(() => contentOf(jana.doc).includes('[edit during spam]'), {
        what: 'the spammer’s edit reached a peer',
      });
      await waitFor(() => rounds >= 40, { what: 'two seconds of spam' });
    } finally {
      clearInterval(spam);
    }
    const seconds = (performance.now() - started) / 1000;
    const received = awarenessBytes(reader, from);
    const bound = 1.1 * (BURST + RATE * seconds) + 8 * KiB;
    console.info(
      `presence rate: a reader received ${Math.round(received / seconds / KiB)} KiB/s of presence over ${seconds.toFixed(1)} s while one user sent ${Math.round((10 * 16 * rounds) / seconds)} KiB/s (bound ${Math.round(bound / KiB)} KiB in all)`,
    );
    expect(received).toBeLessThan(bound);
    expect(spammers.map((socket) => socket.closeCode)).toEqual(spammers.map(() => undefined));
    expect(reader.closeCode).toBeUndefined();
    expect(editor.closeCodes).toEqual([]);
    for (const socket of spammers) socket.close();
    reader.close();
    editor.destroy();
    jana.destroy();
  });
});
