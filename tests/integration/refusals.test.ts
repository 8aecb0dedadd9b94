import { CloseCode, MessageType } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashPassword } from '../../server/src/auth/passwords';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import {
  attemptRefusedUpgrade,
  awarenessMessage,
  openRawSocket,
  type RawCollabSocket,
  seededBytes,
  storedSnapshot,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const MAX_MESSAGE_BYTES = 64 * 1024;

describe('refused WebSocket upgrades', () => {
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer();
    cookie = (await server.signIn(DEMO.penHolder)).cookie;
  });
  afterAll(async () => {
    await server.dispose();
  });

  const collabUrl = (documentId: string) => `${server.wsUrl}/collab/${documentId}`;

  it('refuses an upgrade without a session cookie with HTTP 401 and sends no WebSocket message', async () => {
    const refused = await attemptRefusedUpgrade(collabUrl(server.actionPlanId()), {});
    expect(refused).toMatchObject({ status: 401, opened: false, messages: 0 });
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'unauthorized' });
  });

  it('refuses an unknown or expired session token with HTTP 401', async () => {
    const refused = await attemptRefusedUpgrade(collabUrl(server.actionPlanId()), {
      cookie: 'draftroom_session=not-a-real-session-token',
    });
    expect(refused).toMatchObject({ status: 401, opened: false, messages: 0 });
  });

  it('refuses an unknown document id with HTTP 404', async () => {
    const refused = await attemptRefusedUpgrade(collabUrl('no-such-document'), { cookie });
    expect(refused).toMatchObject({ status: 404, opened: false, messages: 0 });
  });

  it('refuses a path that is not a collaboration socket, or an invalid id, with HTTP 404', async () => {
    expect(
      (await attemptRefusedUpgrade(`${server.wsUrl}/elsewhere/${server.actionPlanId()}`, { cookie })).status,
    ).toBe(404);
    expect((await attemptRefusedUpgrade(collabUrl('bad%20id!'), { cookie })).status).toBe(404);
  });

  it('refuses a signed-in user without access to the document with HTTP 404, like an unknown one', async () => {
    const { repositories } = server.server;
    const outsider = repositories.participants.create({
      code: 'ZZ',
      name: 'Outside State',
      kind: 'state',
      color: '#123456',
    });
    repositories.users.create({
      email: 'outsider@zz.example',
      name: 'Olaf Outsider',
      participantId: outsider.id,
      passwordHash: await hashPassword('outsider-password-1'),
      isAdmin: false,
    });
    const outsiderCookie = (await server.signIn('outsider@zz.example', 'outsider-password-1')).cookie;
    const refused = await attemptRefusedUpgrade(collabUrl(server.actionPlanId()), { cookie: outsiderCookie });
    expect(refused).toMatchObject({ status: 404, opened: false, messages: 0 });
  });

  it('refuses a user whose explicit document role is "none" with HTTP 404', async () => {
    const { repositories } = server.server;
    const user = repositories.users.findByEmail(DEMO.czechDrafter);
    if (!user) throw new Error('no demo user');
    const czechCookie = (await server.signIn(DEMO.czechDrafter)).cookie;
    repositories.documents.setUserRole(server.actionPlanId(), user.profile.id, 'none');
    const refused = await attemptRefusedUpgrade(collabUrl(server.actionPlanId()), { cookie: czechCookie });
    expect(refused).toMatchObject({ status: 404, opened: false, messages: 0 });
  });

  it('refuses a foreign Origin with HTTP 403', async () => {
    const refused = await attemptRefusedUpgrade(collabUrl(server.actionPlanId()), {
      cookie,
      origin: 'https://evil.example',
    });
    expect(refused).toMatchObject({ status: 403, opened: false, messages: 0 });
    // The app's own origin is accepted.
    const own = await openRawSocket(server.wsUrl, server.actionPlanId(), cookie, { origin: server.url });
    own.close();
  });
});

describe('malformed and forbidden messages on an open connection', () => {
  let server: TestServer;
  let documentId: string;
  let penHolderCookie: string;
  let observerCookie: string;
  /** Well-behaved editors that keep working while others misbehave. */
  let editor: CollabClient;
  let peer: CollabClient;
  /** A raw observer socket mirroring everything the server broadcasts. */
  let watcher: RawCollabSocket;
  const opened: { destroy(): void }[] = [];
  let barrierCount = 0;

  beforeAll(async () => {
    server = await startTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES });
    documentId = server.actionPlanId();
    penHolderCookie = (await server.signIn(DEMO.penHolder)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
    editor = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    peer = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    opened.push(editor, peer);
    watcher = await openRawSocket(server.wsUrl, documentId, observerCookie);
    await watcher.requestFullState();
    opened.push({ destroy: () => watcher.close() });
  });
  afterAll(async () => {
    for (const client of opened) client.destroy();
    await server.dispose();
  });

  async function rawSocket(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    opened.push({ destroy: () => socket.close() });
    return socket;
  }

  /**
   * The well-behaved editor types a fresh token; waits until the peer and the
   * watcher have it. Returns the token. Everything the watcher got before it
   * came before the barrier.
   */
  async function barrier(): Promise<string> {
    const token = `[barrier-${++barrierCount}]`;
    clauseParagraphText(editor.doc, 0).insert(0, token);
    await waitFor(
      () =>
        contentOf(peer.doc) === contentOf(editor.doc) &&
        contentOf(watcher.doc) === contentOf(editor.doc) &&
        contentOf(editor.doc).includes(token),
      { what: `barrier ${token}` },
    );
    return token;
  }

  /** Sends `bad` on a fresh pen-holder socket; checks the close code, and that nothing was stored or relayed. */
  async function expectRefused(bad: Uint8Array | string, expectedCode: number, cookie = penHolderCookie) {
    await barrier();
    const before = storedSnapshot(server.server.repositories.documentStorage, documentId);
    const relayedBefore = watcher.syncUpdates.length;
    const socket = await rawSocket(cookie);
    socket.send(bad);
    expect(await socket.closed).toBe(expectedCode);
    expect(storedSnapshot(server.server.repositories.documentStorage, documentId)).toEqual(before);

    const token = await barrier();
    // The watcher received exactly one document update since: the barrier's.
    const relayed = watcher.syncUpdates.slice(relayedBefore);
    expect(relayed).toHaveLength(1);
    expect(contentOf(watcher.doc)).toContain(token);
    expect(editor.closeCodes).toEqual([]);
    expect(peer.closeCodes).toEqual([]);
  }

  /** A real update from the pen-holder's point of view: inserts `text` in the first clause. */
  function insertUpdate(text: string): Uint8Array {
    return updateFrom(watcher.doc, (doc) => clauseParagraphText(doc, 0).insert(0, text));
  }

  it('closes on a text frame with MalformedMessage', async () => {
    await expectRefused('{"type":"sync"}', CloseCode.MalformedMessage);
  });

  it('closes on a truncated sync update with MalformedMessage', async () => {
    const message = syncUpdateMessage(insertUpdate('[truncated]'));
    await expectRefused(message.slice(0, Math.floor(message.length / 2)), CloseCode.MalformedMessage);
  });

  it('closes on an unknown top-level message type with UnknownMessageType', async () => {
    await expectRefused(Uint8Array.from([99, 0, 1, 2]), CloseCode.UnknownMessageType);
    await expectRefused(Uint8Array.from([MessageType.Auth, 0]), CloseCode.UnknownMessageType);
  });

  it('closes on an unknown sync sub-type and on trailing bytes with MalformedMessage', async () => {
    await expectRefused(Uint8Array.from([MessageType.Sync, 7, 0]), CloseCode.MalformedMessage);
    const withTrailing = syncUpdateMessage(insertUpdate('[trailing]'));
    await expectRefused(Uint8Array.from([...withTrailing, 0, 0]), CloseCode.MalformedMessage);
  });

  it('closes on garbage bytes with MalformedMessage', async () => {
    await expectRefused(new Uint8Array(16).fill(0xff), CloseCode.MalformedMessage);
  });

  it('closes on a sync update whose payload is random bytes with MalformedMessage, storing nothing', async () => {
    for (const seed of [1, 2, 5, 22]) {
      await expectRefused(syncUpdateMessage(seededBytes(seed, 64)), CloseCode.MalformedMessage);
    }
  });

  it('closes on a frame larger than maxMessageBytes with MessageTooBig (1009)', async () => {
    const huge = new Uint8Array(100 * 1024);
    huge.set(syncUpdateMessage(insertUpdate('[huge]')));
    await expectRefused(huge, CloseCode.MessageTooBig);
  });

  it('closes an observer that sends an update changing the text with Forbidden, storing nothing', async () => {
    await expectRefused(
      syncUpdateMessage(insertUpdate('[observer-insert]')),
      CloseCode.Forbidden,
      observerCookie,
    );
    const deletion = updateFrom(watcher.doc, (doc) => clauseParagraphText(doc, 0).delete(0, 5));
    await expectRefused(syncUpdateMessage(deletion), CloseCode.Forbidden, observerCookie);
    expect(contentOf(editor.doc)).not.toContain('[observer-insert]');
  });

  it("accepts an observer's empty sync step 2 and updates it already has; it keeps receiving live edits", async () => {
    const observer = await rawSocket(observerCookie);
    await observer.requestFullState();
    observer.send(Uint8Array.from([MessageType.Sync, 1, 2, 0, 0])); // step 2 with an empty update
    // The whole document as the server has it: every struct and deletion is already known.
    observer.send(syncUpdateMessage(Y.encodeStateAsUpdate(watcher.doc)));
    const token = await barrier();
    await waitFor(() => contentOf(observer.doc).includes(token), { what: 'observer receives the live edit' });
    expect(observer.closeCode).toBeUndefined();
    expect(contentOf(observer.doc)).toBe(contentOf(editor.doc));
  });

  it('closes a commenter whose provider sends a text change with Forbidden; its sync alone was fine', async () => {
    const commenter = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.commenter)).cookie,
    );
    opened.push(commenter);
    const token = await barrier();
    await waitFor(() => contentOf(commenter.doc).includes(token), { what: 'commenter receives live edits' });
    expect(commenter.closeCodes).toEqual([]);

    const before = storedSnapshot(server.server.repositories.documentStorage, documentId);
    clauseParagraphText(commenter.doc, 0).insert(0, '[commenter-edit]');
    await waitFor(() => commenter.closeCodes.length > 0, { what: 'commenter closed' });
    expect(commenter.closeCodes).toEqual([CloseCode.Forbidden]);
    expect(storedSnapshot(server.server.repositories.documentStorage, documentId)).toEqual(before);
    await barrier();
    expect(contentOf(peer.doc)).not.toContain('[commenter-edit]');
  });

  /** Waits until the server has handled everything `socket` sent: it answers a query, or it closed. */
  async function handled(socket: RawCollabSocket): Promise<void> {
    const before = socket.messages.length;
    socket.send(Uint8Array.from([MessageType.QueryAwareness]));
    await waitFor(() => socket.closeCode !== undefined || socket.messages.length > before, {
      what: 'server handled the messages',
    });
  }

  it('accepts a presence update for the client id a connection announced first', async () => {
    const socket = await rawSocket(penHolderCookie);
    socket.send(awarenessMessage([{ clientId: 424242, clock: 1, state: { cursor: 'mine' } }]));
    socket.send(awarenessMessage([{ clientId: 424242, clock: 2, state: { cursor: 'still mine' } }]));
    await waitFor(() => peer.provider.awareness.getStates().get(424242)?.cursor === 'still mine', {
      what: 'peer sees the raw client presence',
    });
    await handled(socket);
    expect(socket.closeCode).toBeUndefined();
    socket.close();
    await waitFor(() => !peer.provider.awareness.getStates().has(424242), {
      what: 'presence removed on leave',
    });
  });

  it('ignores presence entries for another client id: the connection stays, nobody sees them', async () => {
    const socket = await rawSocket(penHolderCookie);
    socket.send(awarenessMessage([{ clientId: 515151, clock: 1, state: {} }]));
    socket.send(awarenessMessage([{ clientId: 515152, clock: 1, state: { name: 'someone else' } }]));
    socket.send(
      awarenessMessage([
        { clientId: 616161, clock: 1, state: {} },
        { clientId: 515151, clock: 2, state: { cursor: 'own, relayed with others' } },
      ]),
    );
    await waitFor(
      () => peer.provider.awareness.getStates().get(515151)?.cursor === 'own, relayed with others',
      {
        what: 'the own entry of a multi-client update applied',
      },
    );
    await handled(socket);
    await barrier();
    expect(socket.closeCode).toBeUndefined();
    expect(peer.provider.awareness.getStates().has(515152)).toBe(false);
    expect(peer.provider.awareness.getStates().has(616161)).toBe(false);
    socket.close();
  });

  it("cannot take over or remove another connection's presence", async () => {
    // The editor's connection announced its awareness client id when it connected.
    editor.provider.awareness.setLocalStateField('cursor', 'editor-cursor');
    await waitFor(
      () => peer.provider.awareness.getStates().get(editor.doc.clientID)?.cursor === 'editor-cursor',
      {
        what: "peer sees the editor's presence",
      },
    );
    const socket = await rawSocket(penHolderCookie);
    socket.send(
      awarenessMessage([{ clientId: editor.doc.clientID, clock: 1_000_000, state: { cursor: 'hijacked' } }]),
    );
    socket.send(awarenessMessage([{ clientId: editor.doc.clientID, clock: 1_000_001, state: null }]));
    await handled(socket);
    await barrier();

    const editorAsSeenByPeer = peer.provider.awareness.getStates().get(editor.doc.clientID);
    expect(editorAsSeenByPeer?.cursor).toBe('editor-cursor');
    expect((editorAsSeenByPeer?.user as { name?: string } | undefined)?.name).toBe('László Kovács');
    socket.close();
    await barrier();
    expect(peer.provider.awareness.getStates().get(editor.doc.clientID)?.cursor).toBe('editor-cursor');
  });

  it('is still healthy after all of it', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', dependencies: { sqlite: 'up' } });
    await barrier();
  });
});
