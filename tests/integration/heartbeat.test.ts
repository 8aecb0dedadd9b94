import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { type CollabClient, connectSynced } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import {
  attemptRefusedUpgrade,
  awarenessMessage,
  openRawSocket,
  pauseReading,
  type RawCollabSocket,
  resumeReading,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const HEARTBEAT_INTERVAL_MS = 100;
const HEARTBEAT_MISSED_PONGS = 2;

/** Issue 12, item 1: a socket that stops answering pings is terminated; its slot, presence and room are released. */
describe('heartbeat: dead peers are noticed', () => {
  let server: TestServer;
  let documentId: string;
  const url = () => `${server.wsUrl}/collab/${documentId}`;
  const userIdOf = (email: string) => server.server.repositories.users.findByEmail(email)?.profile.id ?? '';

  beforeAll(async () => {
    server = await startTestServer({
      maxConnectionsPerUser: 3,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      heartbeatMissedPongs: HEARTBEAT_MISSED_PONGS,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  /** Closes raw sockets whose reading was paused (their client side never saw the server's end). */
  function discard(sockets: RawCollabSocket[]): void {
    for (const socket of sockets) {
      resumeReading(socket.ws);
      socket.ws.terminate();
    }
  }

  it('frees the slots and the presence of three frozen sockets: the refused 4th connection is then accepted', async () => {
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const observer = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    const frozen = await Promise.all([0, 1, 2].map(() => openRawSocket(server.wsUrl, documentId, cookie)));
    frozen.forEach((socket, index) => {
      socket.send(awarenessMessage([{ clientId: 770_000 + index, clock: 1, state: { cursor: index } }]));
    });
    const states = () => observer.provider.awareness.getStates();
    await waitFor(() => frozen.every((_socket, index) => states().has(770_000 + index)), {
      what: 'the observer sees the three sockets’ presence',
    });
    // While they answer pings, the three sockets hold the user's three slots.
    expect((await attemptRefusedUpgrade(url(), { cookie })).status).toBe(429);
    expect(server.server.collab.connectionsOf(userIdOf(DEMO.hungarianDrafter))).toBe(3);

    const frozenAt = performance.now();
    for (const socket of frozen) pauseReading(socket.ws);
    const fourth = await waitFor(
      () => openRawSocket(server.wsUrl, documentId, cookie).catch(() => undefined),
      { what: 'a freed connection slot', timeoutMs: 5000, intervalMs: 20 },
    );
    const freedAfterMs = Math.round(performance.now() - frozenAt);
    await waitFor(() => frozen.every((_socket, index) => !states().has(770_000 + index)), {
      what: 'the frozen sockets’ presence removed at the observer',
      timeoutMs: 2000,
    });
    // All three were terminated, not only the first: the user now holds the 4th socket alone.
    await waitFor(() => server.server.collab.connectionsOf(userIdOf(DEMO.hungarianDrafter)) === 1, {
      what: 'the three dead slots freed',
      timeoutMs: 2000,
    });
    // Declared dead after missing HEARTBEAT_MISSED_PONGS pings: at most one interval more, and some scheduling slack.
    expect(freedAfterMs).toBeGreaterThanOrEqual(HEARTBEAT_MISSED_PONGS * HEARTBEAT_INTERVAL_MS - 20);
    expect(freedAfterMs).toBeLessThan(2000);
    console.info(`heartbeat: a dead slot was free ${freedAfterMs} ms after its socket froze`);
    expect(observer.provider.wsconnected).toBe(true);
    fourth.close();
    observer.destroy();
    discard(frozen);
  });

  it('keeps a healthy y-websocket provider connected across many heartbeat intervals', async () => {
    const client: CollabClient = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    const socket = client.provider.ws as unknown as WebSocket;
    let pings = 0;
    socket.on('ping', () => {
      pings++;
    });
    await waitFor(() => pings >= 20, { what: '20 pings answered', timeoutMs: 10_000 });
    expect(client.provider.wsconnected).toBe(true);
    expect(client.provider.ws).toBe(socket as unknown as typeof client.provider.ws);
    expect(client.closeCodes).toEqual([]);
    client.destroy();
  });

  it('terminates a socket that never reads but sends unsolicited pongs: only a pong echoing its ping counts', async () => {
    const { cookie } = await server.signIn(DEMO.commenter);
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    const room = server.server.collab.rooms.get(documentId);
    const connection = [...(room?.connections ?? [])].find((c) => c.user.email === DEMO.commenter);
    expect(connection).toBeDefined();
    pauseReading(socket.ws); // the pings never reach it: it cannot echo them
    const forgedPongs = setInterval(() => socket.ws.pong(), HEARTBEAT_INTERVAL_MS / 4);
    try {
      await waitFor(() => !room?.connections.has(connection as never), {
        what: 'the socket sending unsolicited pongs terminated',
        timeoutMs: (HEARTBEAT_MISSED_PONGS + 1) * HEARTBEAT_INTERVAL_MS + 2000,
      });
    } finally {
      clearInterval(forgedPongs);
    }
    expect(server.server.collab.connectionsOf(userIdOf(DEMO.commenter))).toBe(0);
    discard([socket]);
  });

  it('unloads a room whose only client froze', async () => {
    await waitFor(() => server.server.collab.rooms.get(documentId) === undefined, {
      what: 'the room unloaded after the earlier tests',
    });
    const { cookie } = await server.signIn(DEMO.czechDrafter);
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    expect(server.server.collab.rooms.get(documentId)?.connections.size).toBe(1);
    pauseReading(socket.ws);
    await waitFor(() => server.server.collab.rooms.get(documentId) === undefined, {
      what: 'the frozen client’s room unloaded',
      timeoutMs: 3000,
    });
    expect(server.server.collab.connectionsOf(userIdOf(DEMO.czechDrafter))).toBe(0);
    discard([socket]);
  });
});
