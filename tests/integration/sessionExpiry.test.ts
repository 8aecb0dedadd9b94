import { createHash } from 'node:crypto';
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsSocket } from '../../server/src/collab/wsSocket';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { openRawSocket, pauseReading, syncUpdateMessage, tcpOf, updateFrom } from '../support/rawCollab';
import { api } from '../support/securityHarness';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { storedContent } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

const SESSION_SECONDS = 3;

/** The SHA-256 the sessions table stores of the session token in `cookie`. */
function tokenHashOf(session: SignedIn): string {
  const token = /draftroom_session=([^;]+)/.exec(session.cookie)?.[1] ?? '';
  return createHash('sha256').update(decodeURIComponent(token)).digest('hex');
}

/** Issue 12, item 5: a socket lives no longer than its session. */
describe('session expiry ends collaboration sockets', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({ sessionTtlHours: SESSION_SECONDS / 3600, sessionSweepIntervalMs: 200 });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const sessionRow = (session: SignedIn) =>
    server.server.db
      .prepare('SELECT expires_at FROM sessions WHERE token_hash = ?')
      .get(tokenHashOf(session)) as { expires_at: string } | undefined;

  it('closes a connected provider with 4401 at expiry; nothing sent after it is stored or relayed; the row is swept', async () => {
    const session = await server.signIn(DEMO.hungarianDrafter);
    const expiresAt = Date.parse(sessionRow(session)?.expires_at ?? '');
    const provider: CollabClient = await connectSynced(server.wsUrl, documentId, session.cookie);
    // A second socket of the same session that stops reading: it never sees the close and keeps sending.
    const late = await openRawSocket(server.wsUrl, documentId, session.cookie);
    await late.requestFullState();
    pauseReading(late.ws);

    await waitFor(() => provider.closeCodes.includes(CloseCode.Unauthenticated), {
      what: 'the provider closed with 4401',
      timeoutMs: SESSION_SECONDS * 1000 + 5000,
    });
    const closedAfterExpiryMs = Date.now() - expiresAt;
    console.info(`session expiry: socket closed ${closedAfterExpiryMs} ms after the session expired`);
    expect(closedAfterExpiryMs).toBeGreaterThanOrEqual(-20);
    expect(closedAfterExpiryMs).toBeLessThan(1500);
    expect(provider.closeCodes[0]).toBe(CloseCode.Unauthenticated);

    // Edits after the expiry: the provider's stays local (its reconnect is refused with 401), the raw socket's
    // reaches the server on the connection the server closed (it waits for the close handshake).
    const room = server.server.collab.rooms.get(documentId);
    const lateConnection = await waitFor(
      () => {
        const open = [...(room?.connections ?? [])].filter((c) => c.user.email === DEMO.hungarianDrafter);
        return open.length === 1 ? open[0] : undefined;
      },
      { what: 'only the paused socket’s connection left' },
    );
    expect(lateConnection.closedWith).toBe(CloseCode.Unauthenticated);
    const accepted = lateConnection.socket;
    if (!(accepted instanceof WsSocket)) throw new Error('the server accepted the socket over ws');
    const tcp = tcpOf(accepted.ws);
    const readBefore = tcp.bytesRead;
    clauseParagraphText(provider.doc, 0).insert(0, '[provider after expiry]');
    const lateEdit = syncUpdateMessage(
      updateFrom(late.doc, (doc) => clauseParagraphText(doc, 0).insert(0, '[raw after expiry]')),
    );
    late.send(lateEdit);
    await waitFor(() => tcp.bytesRead >= readBefore + lateEdit.length, {
      what: 'the late edit reached the server',
    });

    // Barrier: a valid session's edit is stored and relayed to a fresh observer after those.
    const observer = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    const editor = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    clauseParagraphText(editor.doc, 1).insert(0, '[valid session]');
    await waitFor(() => contentOf(observer.doc).includes('[valid session]'), {
      what: 'the valid edit relayed',
    });
    await waitFor(() => storedContent(server, documentId).includes('[valid session]'), {
      what: 'the valid edit stored',
    });
    for (const content of [storedContent(server, documentId), contentOf(observer.doc)]) {
      expect(content).not.toContain('after expiry]');
    }
    expect(provider.provider.wsconnected).toBe(false);

    // The sweep deleted the expired row.
    await waitFor(() => sessionRow(session) === undefined, { what: 'the expired session deleted' });
    for (const client of [provider, observer, editor]) client.destroy();
    late.ws.terminate();
  });
});

describe('ended sessions end their sockets', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({ sessionSweepIntervalMs: 200 });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('sign-out closes that session’s sockets with 4401, and only that session’s', async () => {
    const office = await server.signIn(DEMO.hungarianDrafter);
    const hotel = await server.signIn(DEMO.hungarianDrafter);
    const officeClient = await connectSynced(server.wsUrl, documentId, office.cookie);
    const hotelClient = await connectSynced(server.wsUrl, documentId, hotel.cookie);
    expect((await api(server, 'DELETE', '/api/session', { session: office })).status).toBe(204);
    await waitFor(() => officeClient.closeCodes.includes(CloseCode.Unauthenticated), {
      what: 'the signed-out session’s socket closed with 4401',
    });
    clauseParagraphText(hotelClient.doc, 0).insert(0, '[hotel still editing]');
    await waitFor(() => storedContent(server, documentId).includes('[hotel still editing]'), {
      what: 'the other session’s edit stored',
    });
    expect(hotelClient.closeCodes).toEqual([]);
    officeClient.destroy();
    hotelClient.destroy();
  });

  it('a session deleted by any other path (here: straight from the database) is caught by the sweep: 4401', async () => {
    const session = await server.signIn(DEMO.czechDrafter);
    const client = await connectSynced(server.wsUrl, documentId, session.cookie);
    server.server.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHashOf(session));
    await waitFor(() => client.closeCodes.includes(CloseCode.Unauthenticated), {
      what: 'the socket of the deleted session closed with 4401 by the sweep',
    });
    client.destroy();
  });
});
