/**
 * Issue 11: the server's document holds only what it has checked, stored and
 * sent. Each hostile input below is sent by a raw protocol client of a
 * drafter (or an observer) while one clause is agreed; each test asserts the
 * close code, the stored document byte for byte unchanged, no broadcast, and
 * a freshly connected client seeing exactly what a connected one sees; the
 * last test restarts the server and checks the same again.
 */
import { createHash } from 'node:crypto';
import { CloseCode, CONTENT_FIELD, ID_ATTR } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { type HandmadeClientStructs, type HandmadeDeletion, handmadeUpdate } from '../support/handmadeUpdate';
import { apiAs } from '../support/negotiationApi';
import { noticeOf, plain } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import { openRawSocket, type RawCollabSocket, syncUpdateMessage, updateFrom } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** The agreed clause: the second clause of its section, so the section holds others too. */
const LOCKED = 1;
const BARRIER = 10;
/** A client id that never sends anything. */
const GHOST = 987_654_321;

describe('hand-made updates cannot get around the clause lock or into the document (issue 11)', () => {
  let server: TestServer;
  let documentId: string;
  let drafterCookie: string;
  let observerCookie: string;
  let penCookie: string;
  let watcher: RawCollabSocket;
  let editor: CollabClient;
  let pen: CollabClient;
  let lockedId: string;
  let lockedText: string;
  const opened: { close(): void }[] = [];
  let barriers = 0;

  beforeAll(async () => {
    server = await startTestServer({ parkedUpdateTimeoutMs: 300 });
    documentId = server.actionPlanId();
    drafterCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
    // The pen-holder types into the clause, then sets it to agreed.
    penCookie = (await server.signIn(DEMO.penHolder)).cookie;
    pen = await connectWellBehaved(server.wsUrl, documentId, penCookie);
    opened.push({ close: () => pen.destroy() });
    clauseParagraphText(pen.doc, LOCKED).insert(0, 'Agreed: ');
    watcher = await rawSocket(observerCookie);
    await watcher.requestFullState();
    await waitFor(() => plain(clauseParagraphText(watcher.doc, LOCKED)).startsWith('Agreed: '), {
      what: "the pen-holder's words relayed",
    });
    lockedId = readClauses(watcher.doc)[LOCKED]?.id ?? '';
    lockedText = plain(clauseParagraphText(watcher.doc, LOCKED));
    const api = await apiAs(server, DEMO.penHolder);
    expect((await api.setStatus(lockedId, 'agreed')).status).toBe(200);
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

  /** A digest of every stored byte of the document (state and appended updates). */
  function storedDigest(): string {
    const stored = server.server.repositories.documentStorage.load(documentId);
    const hash = createHash('sha256');
    if (stored.state) hash.update(stored.state);
    for (const update of stored.updates) hash.update(update);
    return `${stored.lastUpdateId}:${hash.digest('hex')}`;
  }

  /** A drafter's honest edit of another clause; waits until the watcher has it. */
  async function barrier(): Promise<string> {
    const token = `[barrier-${++barriers}]`;
    clauseParagraphText(editor.doc, BARRIER).insert(0, token);
    await waitFor(() => contentOf(watcher.doc).includes(token), { what: `barrier ${token}` });
    return token;
  }

  /** A fresh client's document equals the connected watcher's (content and state vector). */
  async function expectReplicasEqual(): Promise<void> {
    const fresh = await rawSocket(observerCookie);
    await fresh.requestFullState();
    expect(contentOf(fresh.doc)).toBe(contentOf(watcher.doc));
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(watcher.doc));
    fresh.close();
  }

  /** Sends `update` from a fresh raw socket of `cookie`; expects the connection closed with `code` and nothing changed. */
  async function expectRefused(
    update: Uint8Array,
    code: number,
    cookie = drafterCookie,
    from?: RawCollabSocket,
  ): Promise<void> {
    await barrier();
    const before = storedDigest();
    const relayedBefore = watcher.syncUpdates.length;
    const socket = from ?? (await rawSocket(cookie));
    if (!from) await socket.requestFullState();
    socket.send(syncUpdateMessage(update));
    expect(await socket.closed).toBe(code);
    const refused = socket.messages.map(noticeOf).find((notice) => notice?.kind === 'refused');
    expect(refused).toMatchObject({ kind: 'refused', closeCode: code });
    expect(storedDigest()).toBe(before);
    const token = await barrier();
    // No broadcast: the watcher received exactly one update since, the barrier's.
    expect(watcher.syncUpdates.slice(relayedBefore)).toHaveLength(1);
    expect(contentOf(watcher.doc)).toContain(token);
    expect(plain(clauseParagraphText(watcher.doc, LOCKED))).toBe(lockedText);
    await expectReplicasEqual();
  }

  function elementOfClause(doc: Y.Doc, id: string): Y.XmlElement {
    for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
      if (!(section instanceof Y.XmlElement)) continue;
      for (const child of section.toArray()) {
        if (child instanceof Y.XmlElement && child.getAttribute(ID_ATTR) === id) return child;
      }
    }
    throw new Error(`no clause ${id}`);
  }

  /** A delete set naming only the item `type` sits in. */
  function deletionOf(type: { _item: Y.Item | null }): HandmadeDeletion[] {
    const item = type._item as Y.Item;
    return [{ client: item.id.client, clock: item.id.clock, len: 1 }];
  }

  describe('1. deleting an ancestor of an agreed clause, or the container of its content', () => {
    it('refuses a delete set naming only the section that holds the agreed clause (4423)', async () => {
      const section = elementOfClause(watcher.doc, lockedId).parent as Y.XmlElement;
      expect(section.toArray().length).toBeGreaterThan(2);
      await expectRefused(handmadeUpdate([], deletionOf(section)), CloseCode.ClauseLocked);
    });

    it('refuses deleting only the paragraph element, or only the text node, inside it (4423)', async () => {
      const paragraph = elementOfClause(watcher.doc, lockedId).get(0) as Y.XmlElement;
      await expectRefused(handmadeUpdate([], deletionOf(paragraph)), CloseCode.ClauseLocked);
      await expectRefused(
        handmadeUpdate([], deletionOf(paragraph.get(0) as Y.XmlText)),
        CloseCode.ClauseLocked,
      );
    });

    it('refuses deleting the clause element or its id attribute (4423)', async () => {
      const clause = elementOfClause(watcher.doc, lockedId);
      await expectRefused(handmadeUpdate([], deletionOf(clause)), CloseCode.ClauseLocked);
      const idItem = (clause as unknown as { _map: Map<string, Y.Item> })._map.get(ID_ATTR) as Y.Item;
      await expectRefused(
        handmadeUpdate([], [{ client: idItem.id.client, clock: idItem.id.clock, len: 1 }]),
        CloseCode.ClauseLocked,
      );
    });
  });

  describe('2. items the server cannot integrate now', () => {
    // Sent by the pen-holder, who owns the client id they write under: anyone else is refused at once (4400,
    // tests/integration/clientIdOwnership.test.ts) before these checks run.
    /** The pen-holder's last struct (the words typed into the agreed clause). */
    function lastPenStruct(): Y.Item {
      const structs = watcher.doc.store.clients.get(pen.doc.clientID) ?? [];
      return structs.at(-1) as Y.Item;
    }

    it('refuses an item reusing the id of the pen-holder’s last item, longer, depending on a client that never sends (4409)', async () => {
      const last = lastPenStruct();
      const update = handmadeUpdate([
        {
          client: last.id.client,
          clock: last.id.clock,
          structs: [
            {
              content: { string: `${'x'.repeat(last.length)} [INJECTED INTO AGREED CLAUSE] ` },
              origin: Y.createID(last.id.client, last.id.clock + last.length - 1),
              rightOrigin: Y.createID(GHOST, 3),
            },
          ],
        },
      ]);
      await expectRefused(update, CloseCode.ResyncRequired, penCookie);
      expect(contentOf(watcher.doc)).not.toContain('INJECTED');
    });

    it('refuses the integrable new tail of a known item when the tail lands in the agreed clause (4423)', async () => {
      const last = lastPenStruct();
      const update = handmadeUpdate([
        {
          client: last.id.client,
          clock: last.id.clock,
          structs: [
            {
              content: { string: `${'x'.repeat(last.length)}[TAIL]` },
              ...(last.origin
                ? { origin: last.origin }
                : { parent: (last.parent as Y.AbstractType<unknown>)._item?.id }),
              ...(last.rightOrigin ? { rightOrigin: last.rightOrigin } : {}),
            },
          ],
        },
      ]);
      await expectRefused(update, CloseCode.ClauseLocked, penCookie);
    });

    it('refuses an unknown origin and a deletion of unknown items at once (4409)', async () => {
      await expectRefused(
        handmadeUpdate([
          {
            client: GHOST + 1,
            clock: 0,
            structs: [{ content: { string: 'orphan' }, origin: Y.createID(GHOST, 0) }],
          },
        ]),
        CloseCode.ResyncRequired,
      );
      await expectRefused(
        handmadeUpdate([], [{ client: GHOST, clock: 0, len: 4 }]),
        CloseCode.ResyncRequired,
      );
    });
  });

  describe('2b. an update waiting for its own earlier changes', () => {
    it('keeps a clock gap of its own client aside, asks for the missing changes, and closes with 4409 when they never come', async () => {
      const text = clauseParagraphText(watcher.doc, BARRIER);
      const anchor = (text._start as Y.Item).id;
      const socket = await rawSocket(drafterCookie);
      await socket.requestFullState();
      const framesBefore = socket.messages.length;
      await expectRefused(
        handmadeUpdate([
          { client: GHOST, clock: 5, structs: [{ content: { string: 'gap' }, origin: anchor }] },
        ]),
        CloseCode.ResyncRequired,
        drafterCookie,
        socket,
      );
      // The server asked this client for what it lacks (a sync step 1) before giving up.
      const asked = socket.messages.slice(framesBefore).some((frame) => frame[0] === 0 && frame[1] === 0);
      expect(asked).toBe(true);
    });

    it('applies such an update once the changes it waits for arrive (a reconnecting typist)', async () => {
      const socket = await rawSocket(drafterCookie);
      await socket.requestFullState();
      const typist = new Y.Doc();
      Y.applyUpdate(typist, Y.encodeStateAsUpdate(socket.doc));
      const typed: Uint8Array[] = [];
      typist.on('update', (update: Uint8Array) => typed.push(update));
      clauseParagraphText(typist, BARRIER).insert(0, '[typed offline] ');
      clauseParagraphText(typist, BARRIER).insert(0, '[typed online] ');
      const [offline, online] = typed as [Uint8Array, Uint8Array];
      socket.send(syncUpdateMessage(online)); // arrives first, as a keystroke does before the sync step 2
      socket.send(syncUpdateMessage(offline));
      await waitFor(() => contentOf(watcher.doc).includes('[typed online] [typed offline] '), {
        what: 'both edits applied in order',
      });
      await socket.requestFullState();
      expect(socket.closeCode).toBeUndefined();
      await expectReplicasEqual();
    });
  });

  describe('3. structures no editor can produce', () => {
    it('refuses placeholders and deleted content claiming 2^40 units, too many clients, ids beyond 32 bits (4400)', async () => {
      await expectRefused(
        handmadeUpdate([{ client: GHOST, clock: 0, structs: [{ gc: 2 ** 40 }] }]),
        CloseCode.MalformedMessage,
      );
      const text = clauseParagraphText(watcher.doc, BARRIER);
      await expectRefused(
        handmadeUpdate([
          {
            client: GHOST,
            clock: 0,
            structs: [{ content: { deleted: 2 ** 40 }, origin: (text._start as Y.Item).id }],
          },
        ]),
        CloseCode.MalformedMessage,
      );
      const many: HandmadeClientStructs[] = Array.from({ length: 300 }, (_, i) => ({
        client: GHOST + 10 + i,
        clock: 0,
        structs: [{ gc: 1 }],
      }));
      await expectRefused(handmadeUpdate(many), CloseCode.MalformedMessage);
      await expectRefused(
        handmadeUpdate([{ client: 2 ** 40, clock: 0, structs: [{ gc: 1 }] }]),
        CloseCode.MalformedMessage,
      );
    });
  });

  describe('5. only the document model', () => {
    it('refuses another root type, an unknown element, attribute or mark, a clause id that is not a string, a map, an embed and binary content (4400)', async () => {
      const base = watcher.doc;
      await expectRefused(
        updateFrom(base, (doc) => doc.getXmlFragment('scratch').insert(0, [new Y.XmlText('hidden channel')])),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        updateFrom(base, (doc) => doc.getMap('meta').set('note', 'hidden')),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        updateFrom(base, (doc) => doc.getXmlFragment(CONTENT_FIELD).insert(0, [new Y.XmlElement('script')])),
        CloseCode.MalformedMessage,
      );
      const section = elementOfClause(base, readClauses(base)[BARRIER]?.id ?? '').parent as Y.XmlElement;
      const sectionId = (section._item as Y.Item).id;
      await expectRefused(
        updateFrom(base, (doc) =>
          (elementOfClause(doc, readClauses(doc)[BARRIER]?.id ?? '') as Y.XmlElement).setAttribute(
            'onclick',
            'x',
          ),
        ),
        CloseCode.MalformedMessage,
      );
      // A clause whose id is not a string: readers would see a clause that no lock can name.
      await expectRefused(
        updateFrom(base, (doc) => {
          const clause = new Y.XmlElement('clause');
          clause.setAttribute(ID_ATTR, 7 as unknown as string);
          const section = elementOfClause(doc, readClauses(doc)[BARRIER]?.id ?? '').parent as Y.XmlElement;
          section.insert(section.length, [clause]);
        }),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        updateFrom(base, (doc) => clauseParagraphText(doc, BARRIER).format(0, 3, { color: 'red' })),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        updateFrom(base, (doc) => clauseParagraphText(doc, BARRIER).insertEmbed(0, { image: 'x' })),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        handmadeUpdate([
          { client: GHOST, clock: 0, structs: [{ content: { map: true }, parent: sectionId }] },
        ]),
        CloseCode.MalformedMessage,
      );
      await expectRefused(
        handmadeUpdate([
          {
            client: GHOST,
            clock: 0,
            structs: [{ content: { binary: new Uint8Array([1, 2, 3]) }, parent: sectionId }],
          },
        ]),
        CloseCode.MalformedMessage,
      );
    });

    it('still accepts what the editor writes: text, marks, paragraphs, clauses with ids, list attributes', async () => {
      const socket = await rawSocket(drafterCookie);
      await socket.requestFullState();
      socket.send(
        syncUpdateMessage(
          updateFrom(socket.doc, (doc) => {
            const text = clauseParagraphText(doc, BARRIER);
            text.insert(0, '[model-ok] ');
            // Not the bracket mark: only the bracket commands write it (tests/integration/bracketMarks.adversarial.test.ts).
            text.format(0, 10, { bold: {}, italic: {} });
            const list = new Y.XmlElement('orderedList');
            // A number, as the editor writes `start` (Yjs types attributes as strings).
            (list as unknown as Y.XmlElement<{ start: number }>).setAttribute('start', 2);
            const item = new Y.XmlElement('listItem');
            const paragraph = new Y.XmlElement('paragraph');
            paragraph.insert(0, [new Y.XmlText('A listed point.')]);
            item.insert(0, [paragraph]);
            list.insert(0, [item]);
            elementOfClause(doc, readClauses(doc)[BARRIER]?.id ?? '').insert(1, [list]);
          }),
        ),
      );
      await waitFor(() => contentOf(watcher.doc).includes('A listed point.'), {
        what: 'model-conforming edit',
      });
      await socket.requestFullState();
      expect(socket.closeCode).toBeUndefined();
    });
  });

  describe('4. a connection’s work is bounded', () => {
    it('closes an observer flooding no-op deletions with 4429, stored document unchanged', async () => {
      // The drafter deletes a barrier token; an observer then names those (already deleted) items 2,000 times (~6 KB).
      const token = await barrier();
      const text = clauseParagraphText(editor.doc, BARRIER);
      text.delete(plain(text).indexOf(token), token.length);
      await waitFor(() => !contentOf(watcher.doc).includes(token), { what: 'deletion relayed' });
      const before = storedDigest();
      const deletedSet =
        Y.decodeUpdate(Y.encodeStateAsUpdate(editor.doc)).ds.clients.get(editor.doc.clientID) ?? [];
      expect(deletedSet.length).toBeGreaterThan(0);
      const deleted: HandmadeDeletion[] = [];
      for (let i = 0; deleted.length < 2_000; i++) {
        const range = deletedSet[i % deletedSet.length] as { clock: number; len: number };
        deleted.push({ client: editor.doc.clientID, clock: range.clock, len: range.len });
      }
      const noOp = handmadeUpdate([], deleted);
      expect(noOp.length).toBeGreaterThan(5_000);
      const flooder = await rawSocket(observerCookie);
      const message = syncUpdateMessage(noOp);
      for (let i = 0; i < 5_000 && flooder.closeCode === undefined; i++) flooder.send(message);
      expect(await flooder.closed).toBe(CloseCode.RateLimited);
      expect(storedDigest()).toBe(before);
      await barrier();
      await expectReplicasEqual();
    });
  });

  it('after a restart: the stored document is what connected clients had, and the agreed clause is intact', async () => {
    const token = await barrier();
    const expected = contentOf(watcher.doc);
    for (const socket of opened) socket.close();
    opened.length = 0;
    await server.restart();
    const fresh = await openRawSocket(server.wsUrl, documentId, observerCookie);
    opened.push(fresh);
    await fresh.requestFullState();
    expect(contentOf(fresh.doc)).toBe(expected);
    expect(contentOf(fresh.doc)).toContain(token);
    expect(plain(clauseParagraphText(fresh.doc, LOCKED))).toBe(lockedText);
    expect(contentOf(fresh.doc)).not.toMatch(/INJECTED|TAIL|hidden/);
  });
});
