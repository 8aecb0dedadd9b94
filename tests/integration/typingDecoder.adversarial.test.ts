import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { apiAs } from '../support/negotiationApi';
import { noticeOf, plain } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import { loadStoredDoc, openRawSocket, type RawCollabSocket, syncUpdateMessage } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const LOCKED = 1;
const FREE = 4;
const BARRIER = 10;
/** The Yjs client id the hand-made keystrokes below are written as. */
const TYPIST = 555_001;

describe('hand-made keystrokes through the fast decoder and the turn encoding', () => {
  let server: TestServer;
  let documentId: string;
  let drafterCookie: string;
  let observerCookie: string;
  let watcher: RawCollabSocket;
  let editor: CollabClient;
  let lockedText: string;
  const opened: { close(): void }[] = [];
  let barriers = 0;

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    drafterCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
    watcher = await rawSocket(observerCookie);
    await watcher.requestFullState();
    const lockedId = readClauses(watcher.doc)[LOCKED]?.id ?? '';
    lockedText = plain(clauseParagraphText(watcher.doc, LOCKED));
    expect((await (await apiAs(server, DEMO.penHolder)).setStatus(lockedId, 'agreed')).status).toBe(200);
    editor = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    opened.push({ close: () => editor.destroy() });
  });

  afterAll(async () => {
    for (const socket of opened) socket.close();
    await server.dispose();
  });

  async function rawSocket(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    opened.push(socket);
    return socket;
  }

  /** A drafter's honest edit of another clause; waits until the watcher has it. */
  async function barrier(): Promise<string> {
    const token = `[barrier-${++barriers}]`;
    clauseParagraphText(editor.doc, BARRIER).insert(0, token);
    await waitFor(() => contentOf(watcher.doc).includes(token), { what: `barrier ${token}` });
    return token;
  }

  /** The watcher (fed only by broadcasts), a fresh client and the stored document all hold the same text. */
  async function expectReplicasEqual(): Promise<void> {
    const fresh = await rawSocket(observerCookie);
    await fresh.requestFullState();
    const stored = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    expect(contentOf(watcher.doc)).toBe(contentOf(fresh.doc));
    expect(contentOf(stored)).toBe(contentOf(fresh.doc));
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(watcher.doc));
    stored.destroy();
    fresh.close();
  }

  /** Sends `update` from a fresh drafter socket; resolves once the watcher has it. */
  async function accepted(update: Uint8Array, expected: string): Promise<void> {
    const socket = await rawSocket(drafterCookie);
    await socket.requestFullState();
    socket.send(syncUpdateMessage(update));
    await waitFor(() => plain(clauseParagraphText(watcher.doc, FREE)).includes(expected), { what: expected });
    expect(socket.closeCode).toBeUndefined();
  }

  /** Sends `update` from a fresh drafter socket; expects `code`, nothing stored, nothing relayed. */
  async function expectRefused(update: Uint8Array, code: number): Promise<void> {
    await barrier();
    const stored = () => server.server.repositories.documentStorage.load(documentId).lastUpdateId;
    const before = stored();
    const relayedBefore = watcher.syncUpdates.length;
    const socket = await rawSocket(drafterCookie);
    await socket.requestFullState();
    socket.send(syncUpdateMessage(update));
    expect(await socket.closed).toBe(code);
    expect(socket.messages.map(noticeOf).find((notice) => notice?.kind === 'refused')).toMatchObject({
      closeCode: code,
    });
    expect(stored()).toBe(before);
    await barrier();
    expect(watcher.syncUpdates.slice(relayedBefore)).toHaveLength(1);
    expect(plain(clauseParagraphText(watcher.doc, LOCKED))).toBe(lockedText);
    await expectReplicasEqual();
  }

  const id = (clock: number) => Y.createID(TYPIST, clock);
  const keystroke = (clock: number, string: string, origin?: Y.ID, rightOrigin?: Y.ID) =>
    handmadeUpdate([{ client: TYPIST, clock, structs: [{ content: { string }, origin, rightOrigin }] }]);

  describe('an item whose right origin is left of its origin in one run (replicas would place it differently)', () => {
    it('accepts a run typed at the start of a free clause, and another connection continuing it', async () => {
      const start = (clauseParagraphText(watcher.doc, FREE) as unknown as { _start: Y.Item })._start;
      await accepted(keystroke(0, 'Article', undefined, start.id), 'Article');
      await accepted(keystroke(7, 'X', id(6)), 'ArticleX');
      await expectReplicasEqual();
    });

    it('refuses (4400) the typist’s own next keystrokes, whose new tail now follows the other connection’s unit', async () => {
      // Typed between "r" and "t" of "Article" at clock 7, which the server already holds ("X"): Yjs links the
      // tail after 7 with right origin 3, left of it — placed after "X" by the server, after "Art" by receivers.
      await expectRefused(keystroke(7, '_more_', id(2), id(3)), CloseCode.MalformedMessage);
    });

    it('refuses (4400) a wholly new item naming a right origin left of its origin in one run', async () => {
      await expectRefused(keystroke(8, 'Z', id(6), id(2)), CloseCode.MalformedMessage);
      await expectRefused(
        handmadeUpdate([
          {
            client: TYPIST,
            clock: 8,
            structs: [
              { content: { string: 'run' }, origin: id(7) },
              { content: { string: 'Z' }, origin: id(10), rightOrigin: id(8) },
            ],
          },
        ]),
        CloseCode.MalformedMessage,
      );
    });

    it('accepts a right origin of an earlier clock that is to the right (typing before one’s own words)', async () => {
      const start = (clauseParagraphText(watcher.doc, FREE) as unknown as { _start: Y.Item })._start;
      await accepted(keystroke(8, 'B', undefined, start.id), 'BArticleX');
      await accepted(keystroke(9, 'C', id(8), start.id), 'BCArticleX');
      await expectReplicasEqual();
    });
  });
});
