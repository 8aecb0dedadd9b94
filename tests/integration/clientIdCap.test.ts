/**
 * One person may write under at most MAX_CLIENT_IDS_PER_USER (10,000) Yjs
 * client ids in one document: a connection inventing a new id for every
 * update cannot grow document_client_ids without bound. Past the cap the
 * update is refused whole (4400) and nothing is stored; ids already held stay
 * usable, other people are not affected, and the count survives a restart.
 */
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_CLIENT_IDS_PER_USER } from '../../server/src/collab/clientIdOwners';
import { DEFAULT_UPDATE_LIMITS } from '../../server/src/collab/updateBounds';
import { chainedCharacters, characterAt, lastUnitOf, ownedCount, storedDigest } from '../support/clientIds';
import { clauseParagraphText } from '../support/collabClient';
import { noticeOf } from '../support/negotiationLive';
import { loadStoredDoc, openRawSocket, type RawCollabSocket, syncUpdateMessage } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const CLAUSE = 6;
/** The first of the invented client ids; the n-th is FIRST + n. */
const FIRST = 5_000_000;

describe('the cap on Yjs client ids per person and document', () => {
  let server: TestServer;
  let documentId: string;
  let inventor: string;
  let inventorId: string;
  let other: string;
  const opened: RawCollabSocket[] = [];
  /** The last character of the chain written so far. */
  let chainEnd: Y.ID;
  let invented = 0;

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    inventor = (await server.signIn(DEMO.secretariat)).cookie;
    inventorId = userIdOf(server, DEMO.secretariat);
    other = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    const socket = await synced(inventor);
    chainEnd = lastUnitOf(clauseParagraphText(socket.doc, CLAUSE));
  });

  afterAll(async () => {
    for (const socket of opened) socket.close();
    await server.dispose();
  });

  async function synced(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    opened.push(socket);
    await socket.requestFullState();
    return socket;
  }

  /** The next `count` invented ids, one character each, chained after the last. */
  function nextIds(count: number): { update: Uint8Array; last: Y.ID } {
    const clients = Array.from({ length: count }, (_, i) => FIRST + invented + i);
    return chainedCharacters(clients, chainEnd);
  }

  /** Sends `count` new ids from one socket; waits until they are stored as the inventor's. */
  async function invent(count: number): Promise<void> {
    const socket = await synced(inventor);
    const { update, last } = nextIds(count);
    socket.send(syncUpdateMessage(update));
    invented += count;
    chainEnd = last;
    await waitFor(() => held() === invented, { what: `${invented} invented ids stored` });
    expect(socket.closeCode).toBeUndefined();
    socket.close();
  }

  const held = () => ownedCount(server, documentId, inventorId);

  /** Sends `update` from a fresh socket of `cookie`: refused with 4400 for the cap, nothing stored. */
  async function expectRefused(update: Uint8Array, cookie = inventor): Promise<void> {
    const before = storedDigest(server, documentId);
    const socket = await synced(cookie);
    socket.send(syncUpdateMessage(update));
    expect(await socket.closed).toBe(CloseCode.MalformedMessage);
    const refused = socket.messages.map(noticeOf).find((notice) => notice?.kind === 'refused');
    expect(refused && 'reason' in refused ? refused.reason : '').toMatch(
      new RegExp(
        `too many Yjs client ids of one person in this document .*at most ${MAX_CLIENT_IDS_PER_USER}`,
      ),
    );
    expect(storedDigest(server, documentId)).toBe(before);
  }

  /** The stored document's clock for `client`. */
  function storedState(client: number): number {
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    const state = Y.getState(doc.store, client);
    doc.destroy();
    return state;
  }

  it('accepts ids up to the cap, refuses an update that would pass it whole, and keeps held ids usable', async () => {
    const perUpdate = DEFAULT_UPDATE_LIMITS.maxClients;
    while (invented + perUpdate <= MAX_CLIENT_IDS_PER_USER - 16) await invent(perUpdate);
    const room = MAX_CLIENT_IDS_PER_USER - invented;
    expect(room).toBeGreaterThan(1);

    await expectRefused(nextIds(room + 1).update);
    expect(held()).toBe(invented);
    await invent(room);
    expect(held()).toBe(MAX_CLIENT_IDS_PER_USER);
    await expectRefused(nextIds(1).update);

    // At the cap, writing on under an id already held is accepted.
    const socket = await synced(inventor);
    socket.send(syncUpdateMessage(characterAt(FIRST, 1, Y.createID(FIRST, 0))));
    await waitFor(() => storedState(FIRST) === 2, { what: 'a held id extended' });
    expect(socket.closeCode).toBeUndefined();
    expect(held()).toBe(MAX_CLIENT_IDS_PER_USER);

    // Another person has an allowance of their own.
    const theirs = await synced(other);
    theirs.send(syncUpdateMessage(characterAt(FIRST - 1, 0, chainEnd)));
    await waitFor(() => storedState(FIRST - 1) === 1, { what: 'the other person’s id stored' });
    expect(theirs.closeCode).toBeUndefined();
    expect(ownedCount(server, documentId, userIdOf(server, DEMO.hungarianDrafter))).toBe(1);

    // The count is read back from storage after a restart.
    for (const open of opened.splice(0)) open.close();
    await server.restart();
    await expectRefused(nextIds(1).update);
    expect(held()).toBe(MAX_CLIENT_IDS_PER_USER);
  });
});
