import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionService } from '../../server/src/auth/sessionService';
import { CollabServer } from '../../server/src/collab/collabServer';
import { MemoryConnectionSlots } from '../../server/src/collab/connectionSlots';
import { createLogger } from '../../server/src/logger';
import { type RecordStores, sqliteRecordStores } from '../../server/src/store/recordStores';
import type { AsyncSessionRepository } from '../../server/src/store/sessions';
import { attemptRefusedUpgrade, openRawSocket } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/**
 * The upgrade's session lookup is asynchronous (the record store may be
 * PostgreSQL): a store that fails refuses the upgrade with 503, and a
 * connection that goes away while the lookup waits leaves nothing behind —
 * no connection slot, no socket, no room.
 */

/** The real session store, whose `findSession` can be made to wait for the test or to fail. */
class FaultySessions {
  readonly repository: AsyncSessionRepository;
  /** Lookups waiting for `release`. */
  waiting = 0;
  /** Lookups answered (after waiting, or failed). */
  answered = 0;
  failWith: Error | undefined;
  private gate: Promise<void> | undefined;
  private open: () => void = () => {};

  constructor(inner: AsyncSessionRepository) {
    this.repository = {
      ...inner,
      findSession: async (tokenHash, now) => {
        try {
          if (this.gate) {
            this.waiting++;
            await this.gate;
          }
          if (this.failWith) throw this.failWith;
          return await inner.findSession(tokenHash, now);
        } finally {
          this.answered++;
        }
      },
    };
  }

  /** From now on, lookups wait until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.gate = undefined;
    this.open();
  }
}

/** Memory slots that count their takes. */
class CountedSlots extends MemoryConnectionSlots {
  takes = 0;

  override take(userId: string, connectionId: string): Promise<boolean> {
    this.takes++;
    return super.take(userId, connectionId);
  }
}

/** Sends an upgrade request on a raw TCP socket (the answer is not read). */
function sendUpgrade(port: number, documentId: string, cookie: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /collab/${documentId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
          `Cookie: ${cookie}\r\n\r\n`,
      );
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('the upgrade while the session store answers', () => {
  let server: TestServer;
  let documentId: string;
  let records: RecordStores;
  let sessions: FaultySessions;
  let slots: CountedSlots;
  let collab: CollabServer;
  let http: Server;
  let port: number;
  /** The server side of every upgrade request, and when the server was done with it. */
  let upgrades: Socket[];
  let handled: Promise<void>[];

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    records = sqliteRecordStores(server.server.db);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  beforeEach(async () => {
    sessions = new FaultySessions(records.sessions);
    slots = new CountedSlots(20);
    // Its own room registry is not needed: the server's stays unused unless an upgrade is accepted.
    collab = new CollabServer(
      new SessionService(sessions.repository, records.users, 12),
      records.documents,
      server.server.collab.rooms,
      server.server.audit,
      createLogger('silent'),
      { maxMessageBytes: 1 << 20, publicOrigin: server.url, maxConnectionsPerUser: 20, slots },
    );
    upgrades = [];
    handled = [];
    http = createServer();
    http.on('upgrade', (request, socket: Socket, head) => {
      upgrades.push(socket);
      handled.push(collab.handleUpgrade(request, socket, head));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });
  afterEach(async () => {
    sessions.release();
    http.closeAllConnections();
    for (const socket of upgrades) socket.destroy();
    await new Promise((resolve) => http.close(resolve));
  });

  it('refuses with 503 when the session store fails; no slot is held and the socket is closed', async () => {
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const userId = userIdOf(server, DEMO.hungarianDrafter);
    sessions.failWith = new Error('connection terminated unexpectedly');
    const refused = await attemptRefusedUpgrade(`ws://127.0.0.1:${port}/collab/${documentId}`, { cookie });
    expect(refused).toMatchObject({ status: 503, opened: false, messages: 0 });
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'service_unavailable' });
    expect(slots.takes).toBe(0);
    await waitFor(() => upgrades.every((socket) => socket.destroyed), { what: 'the refused socket closed' });

    // Once the store answers again, the same session is admitted.
    sessions.failWith = undefined;
    const admitted = await openRawSocket(`ws://127.0.0.1:${port}`, documentId, cookie);
    expect(slots.heldHere(userId)).toBe(1);
    admitted.close();
    await waitFor(() => slots.heldHere(userId) === 0, { what: 'the admitted socket’s slot given back' });
  });

  it('a connection reset while the lookup waits: nothing is answered, no slot is taken', async () => {
    const { cookie } = await server.signIn(DEMO.czechDrafter);
    const userId = userIdOf(server, DEMO.czechDrafter);
    sessions.hold();
    const client = await sendUpgrade(port, documentId, cookie);
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    client.on('error', () => {});
    await waitFor(() => sessions.waiting === 1, { what: 'the lookup to wait' });
    // The connection fails while the lookup waits (a reset, a timeout): the server's socket is destroyed.
    upgrades[0]?.destroy();
    sessions.release();
    await handled[0];
    // The lookup answered "signed in" after the socket was gone: no slot may be taken for it.
    expect(sessions.answered).toBe(1);
    expect(slots.takes).toBe(0);
    expect(slots.heldHere(userId)).toBe(0);
    expect(received).toHaveLength(0);
    expect(server.server.collab.rooms.get(documentId)?.connections.size ?? 0).toBe(0);
    client.destroy();
  });

  it('a client that hangs up while the lookup waits leaves no socket and no slot behind', async () => {
    const { cookie } = await server.signIn(DEMO.observer);
    const userId = userIdOf(server, DEMO.observer);
    sessions.hold();
    const client = await sendUpgrade(port, documentId, cookie);
    client.on('error', () => {});
    await waitFor(() => sessions.waiting === 1, { what: 'the lookup to wait' });
    client.end(); // FIN: the server's socket is half-open, not yet destroyed
    await waitFor(() => upgrades[0]?.readableEnded === true, { what: 'the hang-up to reach the server' });
    sessions.release();
    await handled[0];
    await waitFor(() => upgrades[0]?.destroyed === true, { what: 'the server’s socket destroyed' });
    await waitFor(() => slots.heldHere(userId) === 0, { what: 'no slot held' });
    expect(server.server.collab.rooms.get(documentId)?.connections.size ?? 0).toBe(0);
    client.destroy();
  });
});
