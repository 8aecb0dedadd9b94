/**
 * A Yjs client id belongs to the person who first wrote content under it
 * (collab/clientIdOwners.ts, document_client_ids). A drafter sending
 * hand-made updates over a raw socket cannot write under another person's id
 * or the server's: refused with 4400, nothing stored or relayed, and the owner
 * keeps typing. Honest clients — a provider that reconnects with its Y.Doc,
 * several tabs of one person — are never refused; ownership survives the room
 * unloading and the server restarting.
 */
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SERVER_CLIENT_OWNER } from '../../server/src/collab/clientIdOwners';
import { characterAt, lastUnitOf, storedDigest, storedOwners } from '../support/clientIds';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { noticeOf, plain } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import { openRawSocket, type RawCollabSocket, syncUpdateMessage } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, versionsAs } from '../support/versionsApi';
import { waitFor } from '../support/waitFor';

/** The clause the victim types in, and the one honest barrier edits go to. */
const FREE = 4;
const BARRIER = 10;
/** A client id the hostile drafter may use as its own. */
const OWN_GHOST = 700_001;

describe('Yjs client ids belong to the people who write them', () => {
  let server: TestServer;
  let documentId: string;
  let hostileCookie: string;
  let victimCookie: string;
  let penCookie: string;
  let observerCookie: string;
  let watcher: RawCollabSocket;
  let editor: CollabClient;
  let victim: CollabClient;
  const opened: { close(): void }[] = [];
  let barriers = 0;

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    hostileCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    victimCookie = (await server.signIn(DEMO.czechDrafter)).cookie;
    penCookie = (await server.signIn(DEMO.penHolder)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
    await connectAll();
  });

  afterAll(async () => {
    closeAll();
    await server.dispose();
  });

  /** The watcher (an observer's raw socket), an honest editor for barriers, and the victim's provider. */
  async function connectAll(): Promise<void> {
    await connectWatchers();
    victim = await provider(victimCookie);
  }

  async function connectWatchers(): Promise<void> {
    watcher = await rawSocket(observerCookie);
    await watcher.requestFullState();
    editor = await provider((await server.signIn(DEMO.secretariat)).cookie);
  }

  /** Closes every socket and provider opened so far, except `keep`'s. */
  function closeAll(keep?: CollabClient): void {
    const keeping = opened.filter((socket) => keep && socket === keepers.get(keep));
    for (const socket of opened.splice(0)) if (!keeping.includes(socket)) socket.close();
    opened.push(...keeping);
  }

  async function rawSocket(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    opened.push(socket);
    return socket;
  }

  /** Closers of providers, by client. */
  const keepers = new Map<CollabClient, { close(): void }>();

  async function provider(cookie: string, doc?: Y.Doc): Promise<CollabClient> {
    const client = await connectWellBehaved(server.wsUrl, documentId, cookie, doc);
    // The Y.Doc outlives its provider, as a page's does.
    const closer = { close: () => client.provider.destroy() };
    keepers.set(client, closer);
    opened.push(closer);
    return client;
  }

  /** Types `words` at the start of clause `index` in `client`'s document; waits until the watcher has them. */
  async function typeAndRelay(client: CollabClient, words: string, index = FREE): Promise<void> {
    clauseParagraphText(client.doc, index).insert(0, words);
    await waitFor(() => contentOf(watcher.doc).includes(words), { what: `"${words}" relayed` });
  }

  async function barrier(): Promise<void> {
    await typeAndRelay(editor, `[barrier-${++barriers}] `, BARRIER);
  }

  /** The watcher, the victim, the editor and a freshly connected client all hold the same document. */
  async function expectConverged(): Promise<void> {
    const fresh = await rawSocket(observerCookie);
    await fresh.requestFullState();
    for (const client of [victim, editor]) {
      await waitFor(() => contentOf(client.doc) === contentOf(fresh.doc), { what: 'clients converged' });
    }
    expect(contentOf(watcher.doc)).toBe(contentOf(fresh.doc));
    expect(Y.encodeStateVector(watcher.doc)).toEqual(Y.encodeStateVector(fresh.doc));
    fresh.close();
  }

  /** Sends `update` from a fresh raw socket of `cookie`: refused with 4400 for `reason`, nothing stored or relayed. */
  async function expectRefused(update: Uint8Array, reason: RegExp, cookie = hostileCookie): Promise<void> {
    await barrier();
    const before = storedDigest(server, documentId);
    const relayedBefore = watcher.syncUpdates.length;
    const socket = await rawSocket(cookie);
    await socket.requestFullState();
    socket.send(syncUpdateMessage(update));
    expect(await socket.closed).toBe(CloseCode.MalformedMessage);
    const refused = socket.messages.map(noticeOf).find((notice) => notice?.kind === 'refused');
    expect(refused).toMatchObject({ kind: 'refused', closeCode: CloseCode.MalformedMessage });
    expect(refused && 'reason' in refused ? refused.reason : '').toMatch(reason);
    expect(storedDigest(server, documentId)).toBe(before);
    await barrier();
    // Nothing relayed: the watcher received exactly one update since, the barrier's.
    expect(watcher.syncUpdates.slice(relayedBefore)).toHaveLength(1);
    expect(contentOf(watcher.doc)).not.toContain('FORGED');
  }

  /** Sends `update` from a fresh raw socket of `cookie` and waits until the watcher shows `expected`. */
  async function expectAccepted(update: Uint8Array, expected: string, cookie: string): Promise<void> {
    const socket = await rawSocket(cookie);
    await socket.requestFullState();
    socket.send(syncUpdateMessage(update));
    await waitFor(() => contentOf(watcher.doc).includes(expected), { what: `"${expected}" accepted` });
    expect(socket.closeCode).toBeUndefined();
  }

  const stateOf = (clientId: number) => Y.getState(watcher.doc.store, clientId);

  it('refuses a drafter writing under another person’s id — its next clock, over its last unit, past a gap — and the person types on', async () => {
    await typeAndRelay(victim, 'Victim words ');
    const id = victim.doc.clientID;
    const state = stateOf(id);
    expect(storedOwners(server, documentId).get(id)).toBe(userIdOf(server, DEMO.czechDrafter));
    const another = /client id \d+ belongs to another person/;

    await expectRefused(characterAt(id, state, Y.createID(id, state - 1), '[FORGED]'), another);
    await expectRefused(
      handmadeUpdate([
        {
          client: id,
          clock: state - 1,
          structs: [{ content: { string: ' [FORGED]' }, origin: Y.createID(id, state - 2) }],
        },
      ]),
      another,
    );
    await expectRefused(characterAt(id, state + 5, Y.createID(id, state - 1), '[FORGED]'), another);
    // With a new id of its own in the same update: refused whole, its own id not recorded either.
    await expectRefused(
      handmadeUpdate([
        {
          client: OWN_GHOST,
          clock: 0,
          structs: [{ content: { string: 'mine' }, origin: Y.createID(id, 0) }],
        },
        {
          client: id,
          clock: state,
          structs: [{ content: { string: '[FORGED]' }, origin: Y.createID(id, 1) }],
        },
      ]),
      another,
    );
    expect(storedOwners(server, documentId).has(OWN_GHOST)).toBe(false);
    // Under an id nobody has written under, the same drafter is accepted, and the id becomes theirs.
    const own = handmadeUpdate([
      {
        client: OWN_GHOST,
        clock: 0,
        structs: [{ content: { string: '[own id]' }, origin: Y.createID(id, 0) }],
      },
    ]);
    await expectAccepted(own, '[own id]', hostileCookie);
    expect(storedOwners(server, documentId).get(OWN_GHOST)).toBe(userIdOf(server, DEMO.hungarianDrafter));

    await typeAndRelay(victim, 'and the victim types on ');
    expect(victim.closeCodes).toEqual([]);
    expect(plain(clauseParagraphText(watcher.doc, FREE))).toMatch(
      /^and the victim types on V\[own id\]ictim words /,
    );
    await expectConverged();
  });

  it('refuses anyone writing under the id the server wrote a restored version with — the pen-holder too', async () => {
    const pen = await versionsAs(server, DEMO.penHolder);
    const saved = await pen.saveOk('Before the words to undo');
    await typeAndRelay(victim, 'Words the restore removes ');
    const serverIdsBefore = serverIds();
    expectStatus(await pen.restore(saved.id), 204);
    const restoredWith = await waitFor(
      () => serverIds().find((clientId) => !serverIdsBefore.includes(clientId) && stateOf(clientId) > 0),
      { what: 'the restore relayed under a new server id' },
    );
    expect(contentOf(watcher.doc)).not.toContain('Words the restore removes');
    const origin = lastUnitOf(clauseParagraphText(watcher.doc, FREE));
    const forged = characterAt(restoredWith, stateOf(restoredWith), origin, '[FORGED]');
    await expectRefused(forged, /is the server's own/);
    await expectRefused(forged, /is the server's own/, penCookie);
    await typeAndRelay(victim, 'Typed after the restore ');
    await expectConverged();
  });

  it('lets an honest provider that lost its connection carry on under its id', async () => {
    const id = victim.doc.clientID;
    await typeAndRelay(victim, 'Before the blip ');
    victim.provider.disconnect();
    clauseParagraphText(victim.doc, FREE).insert(0, 'Typed while offline ');
    victim.provider.connect();
    await waitFor(() => contentOf(watcher.doc).includes('Typed while offline'), {
      what: 'offline words sent',
    });
    await typeAndRelay(victim, 'After the blip ');
    expect(victim.doc.clientID).toBe(id);
    expect(victim.closeCodes).not.toContain(CloseCode.MalformedMessage);
    await expectConverged();
  });

  it('accepts two tabs of one person, each under its own id, both theirs', async () => {
    const tabs = [await provider(victimCookie), await provider(victimCookie)];
    await typeAndRelay(tabs[0] as CollabClient, 'From the first tab ');
    await typeAndRelay(tabs[1] as CollabClient, 'From the second tab ');
    const owners = storedOwners(server, documentId);
    const czech = userIdOf(server, DEMO.czechDrafter);
    for (const tab of tabs) {
      expect(owners.get(tab.doc.clientID)).toBe(czech);
      expect(tab.closeCodes).toEqual([]);
    }
    await expectConverged();
  });

  it('keeps ownership when the room unloads and across a restart; the owner’s provider carries on after it', async () => {
    const victimDoc = victim.doc;
    const id = victimDoc.clientID;
    closeAll();
    await waitFor(() => !server.server.collab.rooms.get(documentId), { what: 'room unloaded' });

    // Loaded again from the compacted state: the victim's id is still theirs.
    await connectWatchers();
    const forged = () => characterAt(id, stateOf(id), Y.createID(id, stateOf(id) - 1), '[FORGED]');
    await expectRefused(forged(), /belongs to another person/);

    // The victim's page is still open: its provider, with the same Y.Doc, rides through the restart.
    victim = await provider(victimCookie, victimDoc);
    await server.restart();
    await waitFor(() => victim.provider.wsconnected && victim.provider.synced, {
      what: 'victim reconnected',
    });
    closeAll(victim);
    await connectWatchers();
    await expectRefused(forged(), /belongs to another person/);
    await typeAndRelay(victim, 'Typed after the restart ');
    expect(victim.doc.clientID).toBe(id);
    expect(storedOwners(server, documentId).get(id)).toBe(userIdOf(server, DEMO.czechDrafter));
    await expectConverged();
  });

  function serverIds(): number[] {
    return [...storedOwners(server, documentId)]
      .filter(([, owner]) => owner === SERVER_CLIENT_OWNER)
      .map(([clientId]) => clientId);
  }
});
