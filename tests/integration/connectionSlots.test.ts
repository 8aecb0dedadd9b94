import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CollabServer } from '../../server/src/collab/collabServer';
import { type ConnectionSlots, MemoryConnectionSlots } from '../../server/src/collab/connectionSlots';
import { createLogger } from '../../server/src/logger';
import { sqliteRecordStores } from '../../server/src/store/recordStores';
import { attemptRefusedUpgrade, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const LIMIT = 2;

/** Sends a WebSocket upgrade request (with `key` as Sec-WebSocket-Key) and resolves with the status line of the answer. */
function rawUpgrade(port: number, documentId: string, cookie: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /collab/${documentId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
          `Cookie: ${cookie}\r\n\r\n`,
      );
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
  });
}

/** Memory slots whose takes wait until the test opens the gate. */
class GatedSlots implements ConnectionSlots {
  readonly limit = LIMIT;
  readonly inner = new MemoryConnectionSlots(LIMIT);
  waiting = 0;
  granted = 0;
  open: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });

  async take(userId: string, connectionId: string): Promise<boolean> {
    this.waiting++;
    await this.gate;
    const taken = await this.inner.take(userId, connectionId);
    if (taken) this.granted++;
    return taken;
  }
  release(userId: string, connectionId: string): Promise<void> {
    return this.inner.release(userId, connectionId);
  }
  heldHere(userId: string): number {
    return this.inner.heldHere(userId);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('connection slots of the collaboration server (maxConnectionsPerUser: 2)', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({ maxConnectionsPerUser: LIMIT });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('opens exactly the limit of 12 upgrades made at once; the others get 429', async () => {
    const { cookie } = await server.signIn(DEMO.czechDrafter);
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () => openRawSocket(server.wsUrl, documentId, cookie)),
    );
    const opened = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    expect(opened).toHaveLength(LIMIT);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(String(attempt.reason)).toMatch(/429/);
    }
    expect(server.server.collab.connectionsOf(userIdOf(server, DEMO.czechDrafter))).toBe(LIMIT);
    await closeAll(opened);
  });

  it('gives back the slot of an upgrade the WebSocket handshake refuses after the slot was taken', async () => {
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const userId = userIdOf(server, DEMO.hungarianDrafter);
    for (let i = 0; i < 5; i++) {
      expect(await rawUpgrade(server.server.port, documentId, cookie, 'not-a-key')).toMatch(
        /^HTTP\/1\.1 400/,
      );
    }
    await waitFor(() => server.server.collab.connectionsOf(userId) === 0, {
      what: 'the refused upgrades’ slots free',
    });
    const open = [
      await openRawSocket(server.wsUrl, documentId, cookie),
      await openRawSocket(server.wsUrl, documentId, cookie),
    ];
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${documentId}`, { cookie });
    expect(refused).toMatchObject({ status: 429, opened: false, messages: 0 });
    await closeAll(open);
    await waitFor(() => server.server.collab.connectionsOf(userId) === 0, { what: 'the slots to be free' });
  });

  it('gives back a slot granted after the connection failed (a slow take: Redis)', async () => {
    const slots = new GatedSlots();
    const collab = new CollabServer(
      server.server.sessions,
      sqliteRecordStores(server.server.db).documents,
      server.server.collab.rooms,
      server.server.audit,
      createLogger('silent'),
      { maxMessageBytes: 1 << 20, publicOrigin: server.url, maxConnectionsPerUser: LIMIT, slots },
    );
    const upgrades: Socket[] = [];
    const http: Server = createServer();
    http.on('upgrade', (request, socket: Socket, head) => {
      upgrades.push(socket);
      collab.handleUpgrade(request, socket, head);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const { cookie } = await server.signIn(DEMO.observer);
      const userId = userIdOf(server, DEMO.observer);
      const client = new WebSocket(`ws://127.0.0.1:${port}/collab/${documentId}`, { headers: { cookie } });
      client.on('error', () => {});
      await waitFor(() => slots.waiting === 1, { what: 'the take to wait' });
      // The connection fails while the take waits (a reset, a timeout): the server's socket is destroyed.
      upgrades[0]?.destroy();
      client.terminate();
      slots.open();
      await waitFor(() => slots.granted === 1, { what: 'the late grant' });
      await waitFor(() => slots.heldHere(userId) === 0, { what: 'the late slot given back' });
    } finally {
      http.closeAllConnections();
      for (const socket of upgrades) socket.destroy();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

async function closeAll(sockets: RawCollabSocket[]): Promise<void> {
  for (const socket of sockets) socket.close();
  await Promise.all(sockets.map((socket) => socket.closed));
}
