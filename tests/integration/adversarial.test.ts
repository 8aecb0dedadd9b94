/**
 * Adversarial review of issue 11's integrity checks (server/src/collab/*):
 * hand-made Yjs updates from a hostile drafter (or observer) over the raw
 * WebSocket, each trying to change an agreed clause, to put something outside
 * the document model into the document, or to leave state in the server's
 * Y.Doc that it has not checked, stored and broadcast.
 *
 * Every test starts its own server (an accepted attack must not spoil the
 * next test), has the pen-holder type and format words in the clause at
 * LOCKED, agrees it, and then attacks. Each asserts the secure outcome: the
 * agreed clause (by position and by id, attributes included) unchanged in the
 * server's room, in a connected client, in a fresh client and in SQLite; no
 * pending structs or deletions in the room's Y.Doc; replicas identical; and,
 * where the update must be refused, the close code.
 */
import { createHash } from 'node:crypto';
import { CloseCode, CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Room } from '../../server/src/collab/room';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import {
  type HandmadeClientStructs,
  type HandmadeDeletion,
  type HandmadeStruct,
  handmadeUpdate,
} from '../support/handmadeUpdate';
import { apiAs } from '../support/negotiationApi';
import { plain, syncStep2Message } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import {
  loadStoredDoc,
  openRawSocket,
  type RawCollabSocket,
  syncStep1Message,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** The agreed clause: the second clause of its section. */
const LOCKED = 1;
/** An unlocked clause the attacker may edit, in another section. */
const OTHER = 10;
/** A fresh client id that never sent anything (the highest 32-bit id, so it wins map conflicts). */
const GHOST = 0xffff_fffe;
const GHOST2 = 0xffff_fff0;

interface Fixture {
  server: TestServer;
  documentId: string;
  drafterCookie: string;
  observerCookie: string;
  pen: CollabClient;
  editor: CollabClient;
  watcher: RawCollabSocket;
  lockedId: string;
  /** The agreed clause element as XML (text, marks and attributes). */
  lockedXml: string;
  opened: { close(): void }[];
  barriers: number;
}

let fixture: Fixture | undefined;

afterEach(async () => {
  if (!fixture) return;
  for (const socket of fixture.opened) {
    try {
      socket.close();
    } catch {
      // A client whose document an accepted attack corrupted may throw while closing.
    }
  }
  await fixture.server.dispose();
  fixture = undefined;
});

/** Every clause element (nested ones too), in document order. */
function allClauseElements(node: Y.XmlFragment | Y.XmlElement, into: Y.XmlElement[] = []): Y.XmlElement[] {
  for (const child of node.toArray()) {
    if (!(child instanceof Y.XmlElement)) continue;
    if (child.nodeName === NodeName.clause) into.push(child);
    allClauseElements(child, into);
  }
  return into;
}

/** The clause element at `index` among sections' top-level clauses (what readClauses numbers). */
function clauseElementAt(doc: Y.Doc, index: number): Y.XmlElement {
  let i = 0;
  for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(section instanceof Y.XmlElement) || section.nodeName !== NodeName.section) continue;
    for (const clause of section.toArray()) {
      if (!(clause instanceof Y.XmlElement) || clause.nodeName !== NodeName.clause) continue;
      if (i++ === index) return clause;
    }
  }
  throw new Error(`no clause ${index}`);
}

/** The agreed clause as a replica shows it: at its position, and every element carrying its id. */
function lockedView(doc: Y.Doc, lockedId: string): { atPosition: string; byId: string[] } {
  return {
    atPosition: clauseElementAt(doc, LOCKED).toString(),
    byId: allClauseElements(doc.getXmlFragment(CONTENT_FIELD))
      .filter((clause) => clause.getAttribute(ID_ATTR) === lockedId)
      .map((clause) => clause.toString()),
  };
}

function itemOf(type: { _item: Y.Item | null }): Y.Item {
  if (!type._item) throw new Error('a root type has no item');
  return type._item;
}

/** The items of a text, in order (deleted ones too). */
function itemsOf(text: Y.XmlText): Y.Item[] {
  const items: Y.Item[] = [];
  for (let item = text._start; item !== null; item = item.right) items.push(item);
  return items;
}

function roomOf(f: Fixture): Room {
  const room = f.server.server.collab.rooms.get(f.documentId);
  if (!room) throw new Error('the room is not open');
  return room;
}

/** A digest of every stored byte of the document (state and appended updates). */
function storedDigest(f: Fixture): string {
  const stored = f.server.server.repositories.documentStorage.load(f.documentId);
  const hash = createHash('sha256');
  if (stored.state) hash.update(stored.state);
  for (const update of stored.updates) hash.update(update);
  return `${stored.lastUpdateId}:${hash.digest('hex')}`;
}

async function rawSocket(f: Fixture, cookie: string): Promise<RawCollabSocket> {
  const socket = await openRawSocket(f.server.wsUrl, f.documentId, cookie);
  f.opened.push(socket);
  return socket;
}

/** An honest drafter's edit of another clause; resolves once the watcher has it (ordering barrier). */
async function barrier(f: Fixture): Promise<string> {
  const token = `[barrier-${++f.barriers}]`;
  clauseParagraphText(f.editor.doc, OTHER + 1).insert(0, token);
  await waitFor(() => contentOf(f.watcher.doc).includes(token), { what: `barrier ${token}` });
  return token;
}

/**
 * Starts a server, has the pen-holder type and bold words in the clause at
 * LOCKED (so its last items are in that clause), runs `beforeLock`, and agrees it.
 */
async function setup(beforeLock?: (f: Fixture) => Promise<void>): Promise<Fixture> {
  const server = await startTestServer();
  const documentId = server.actionPlanId();
  const opened: { close(): void }[] = [];
  const pen = await connectWellBehaved(
    server.wsUrl,
    documentId,
    (await server.signIn(DEMO.penHolder)).cookie,
  );
  opened.push({ close: () => pen.destroy() });
  const editor = await connectWellBehaved(
    server.wsUrl,
    documentId,
    (await server.signIn(DEMO.czechDrafter)).cookie,
  );
  opened.push({ close: () => editor.destroy() });
  const observerCookie = (await server.signIn(DEMO.observer)).cookie;
  const watcher = await openRawSocket(server.wsUrl, documentId, observerCookie);
  opened.push(watcher);
  await watcher.requestFullState();
  const penText = clauseParagraphText(pen.doc, LOCKED);
  penText.insert(0, 'Agreed: ');
  penText.format(0, 6, { bold: {} });
  await waitFor(() => clauseElementAt(watcher.doc, LOCKED).toString().includes('<bold>Agreed</bold>'), {
    what: "the pen-holder's words relayed",
  });
  const f: Fixture = {
    server,
    documentId,
    drafterCookie: (await server.signIn(DEMO.hungarianDrafter)).cookie,
    observerCookie,
    pen,
    editor,
    watcher,
    lockedId: readClauses(watcher.doc)[LOCKED]?.id ?? '',
    lockedXml: '',
    opened,
    barriers: 0,
  };
  fixture = f;
  if (beforeLock) await beforeLock(f);
  await barrier(f);
  f.lockedXml = clauseElementAt(watcher.doc, LOCKED).toString();
  const api = await apiAs(server, DEMO.penHolder);
  expect((await api.setStatus(f.lockedId, 'agreed')).status).toBe(200);
  expect(roomOf(f).lockedClauses.has(f.lockedId)).toBe(true);
  return f;
}

interface Outcome {
  /** The close code, or undefined when the server accepted the update and kept the socket open. */
  closeCode: number | undefined;
  /** Whether the stored document changed. */
  stored: boolean;
}

/**
 * Sends `message` (a full y-websocket message) on a fresh raw socket of
 * `cookie`, then sync step 1 on the same socket: the server handles one
 * socket's messages in order, so the answer (or the close) means the update
 * was handled. Ends with a barrier so the watcher has every broadcast.
 */
async function sendMessage(
  f: Fixture,
  message: Uint8Array,
  cookie = f.drafterCookie,
  timeoutMs = 10_000,
): Promise<Outcome> {
  await barrier(f);
  const before = storedDigest(f);
  const socket = await rawSocket(f, cookie);
  await socket.requestFullState();
  const answered = socket.syncUpdates.length;
  socket.send(message);
  socket.send(syncStep1Message(new Y.Doc()));
  await Promise.race([
    socket.closed,
    waitFor(() => socket.syncUpdates.length > answered, { what: 'the answer to sync step 1', timeoutMs }),
  ]);
  // The answer to sync step 1 comes after the turn's changes were stored (flushUnstored).
  const stored = storedDigest(f) !== before;
  await barrier(f);
  return { closeCode: socket.closeCode, stored };
}

function send(f: Fixture, update: Uint8Array, cookie = f.drafterCookie): Promise<Outcome> {
  return sendMessage(f, syncUpdateMessage(update), cookie);
}

/** Sends `update`, expects the socket closed with `code` and the stored document unchanged. */
async function expectRefused(f: Fixture, update: Uint8Array, code: number, cookie?: string): Promise<void> {
  const outcome = await send(f, update, cookie);
  expect(outcome.closeCode).toBe(code);
  expect(outcome.stored).toBe(false);
}

/**
 * The agreed clause is unchanged — at its position and by id, in the server's
 * room, the connected watcher, a fresh client and SQLite — the room holds no
 * pending state, and all replicas are identical.
 */
async function expectLockIntactAndReplicasEqual(f: Fixture): Promise<void> {
  const room = roomOf(f);
  expect(room.doc.store.pendingStructs).toBeNull();
  expect(room.doc.store.pendingDs).toBeNull();
  const expected = { atPosition: f.lockedXml, byId: [f.lockedXml] };
  expect(lockedView(f.watcher.doc, f.lockedId), 'connected client').toEqual(expected);
  expect(lockedView(room.doc, f.lockedId), "server's room").toEqual(expected);
  const fresh = await rawSocket(f, f.observerCookie);
  await fresh.requestFullState();
  expect(lockedView(fresh.doc, f.lockedId), 'fresh client').toEqual(expected);
  const stored = loadStoredDoc(f.server.server.repositories.documentStorage, f.documentId);
  expect(lockedView(stored, f.lockedId), 'stored document').toEqual(expected);
  expect(contentOf(fresh.doc)).toBe(contentOf(f.watcher.doc));
  expect(contentOf(stored)).toBe(contentOf(f.watcher.doc));
  expect(contentOf(room.doc)).toBe(contentOf(f.watcher.doc));
  expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(f.watcher.doc));
  stored.destroy();
}

/** The state (next clock) of `client` in the room's document. */
function stateOf(f: Fixture, client: number): number {
  return Y.getState(roomOf(f).doc.store, client);
}

/** The text inside the agreed clause, and an item of it that is not the pen-holder's (the seeded words). */
function lockedText(f: Fixture): { text: Y.XmlText; seeded: Y.Item } {
  const text = clauseParagraphText(f.watcher.doc, LOCKED);
  const seeded = itemsOf(text).find((item) => item.id.client !== f.pen.doc.clientID && !item.deleted);
  if (!seeded) throw new Error('no seeded item in the agreed clause');
  return { text, seeded };
}

function otherText(f: Fixture): Y.XmlText {
  return clauseParagraphText(f.watcher.doc, OTHER);
}

function deletionOf(item: Y.Item): HandmadeDeletion {
  return { client: item.id.client, clock: item.id.clock, len: item.length };
}

describe('adversarial updates against the clause lock (issue 11 review)', () => {
  describe('A. the new tail of a known struct', () => {
    it('A1 tail of the pen-holder’s last struct with an explicit parent in another clause is refused (4400)', async () => {
      const f = await setup();
      const pen = f.pen.doc.clientID;
      const state = stateOf(f, pen);
      // The pen-holder's last unit is the end of the bold mark inside the agreed clause.
      const update = handmadeUpdate([
        {
          client: pen,
          clock: state - 1,
          structs: [
            { content: { string: 'x[INJECTED INTO AGREED CLAUSE]' }, parent: itemOf(otherText(f)).id },
          ],
        },
      ]);
      const outcome = await send(f, update);
      await expectLockIntactAndReplicasEqual(f);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
    });

    it('A2 tail with an explicit parent + parentSub "id" on another clause, after the pen-holder’s last words at the end of the clause, is refused (4400)', async () => {
      const f = await setup(async (f) => {
        // The pen-holder's last words end the clause: Yjs then deletes them when an attribute tail follows them.
        const text = clauseParagraphText(f.pen.doc, LOCKED);
        text.insert(text.length, ' (as agreed)');
        await waitFor(() => plain(clauseParagraphText(f.watcher.doc, LOCKED)).endsWith('(as agreed)'), {
          what: 'the closing words relayed',
        });
      });
      const pen = f.pen.doc.clientID;
      const state = stateOf(f, pen);
      const otherClause = clauseElementAt(f.watcher.doc, OTHER);
      const update = handmadeUpdate([
        {
          client: pen,
          clock: state - 1,
          structs: [
            {
              content: { any: ['cl-000000000000', 'cl-0000000000ff'] },
              parent: itemOf(otherClause).id,
              parentSub: ID_ATTR,
            },
          ],
        },
      ]);
      const outcome = await send(f, update);
      await expectLockIntactAndReplicasEqual(f);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
    });

    it('A3 tail with a declared origin in another clause (declared parent ≠ where it is linked) is refused (4400)', async () => {
      const f = await setup();
      const pen = f.pen.doc.clientID;
      const state = stateOf(f, pen);
      const update = handmadeUpdate([
        {
          client: pen,
          clock: state - 1,
          structs: [{ content: { string: 'x[TAIL]' }, origin: (otherText(f)._start as Y.Item).id }],
        },
      ]);
      await expectRefused(f, update, CloseCode.MalformedMessage);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('A4 an observer sending the same tail is refused (4403)', async () => {
      const f = await setup();
      const pen = f.pen.doc.clientID;
      const state = stateOf(f, pen);
      const update = handmadeUpdate([
        {
          client: pen,
          clock: state - 1,
          structs: [{ content: { string: 'x[INJECTED]' }, parent: itemOf(otherText(f)).id }],
        },
      ]);
      await expectRefused(f, update, CloseCode.Forbidden, f.observerCookie);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  describe('B. zero-length structs', () => {
    it('B1 a zero-length id attribute on the agreed clause (with a harmless edit) cannot strip its id, and the clause stays locked', async () => {
      const f = await setup();
      const clause = clauseElementAt(f.watcher.doc, LOCKED);
      const strip = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { any: [] }, parent: itemOf(clause).id, parentSub: ID_ATTR },
            { content: { string: '!' }, origin: (otherText(f)._start as Y.Item).id },
          ],
        },
      ]);
      const first = await send(f, strip);
      // Then edit the agreed clause's text as an editor would.
      const edit = updateFrom(f.watcher.doc, (doc) =>
        clauseParagraphText(doc, LOCKED).insert(0, '[CHANGED AFTER AGREEMENT] '),
      );
      const second = first.closeCode === undefined ? await send(f, edit) : undefined;
      await expectLockIntactAndReplicasEqual(f);
      expect(first.closeCode).toBe(CloseCode.MalformedMessage);
      expect(second?.closeCode ?? CloseCode.ClauseLocked).toBe(CloseCode.ClauseLocked);
    });

    it('B2 a zero-length string placed in the agreed clause’s text is refused; the room holds no zero-length struct', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { string: '' }, origin: seeded.id },
            { content: { string: '!' }, origin: (otherText(f)._start as Y.Item).id },
          ],
        },
      ]);
      const outcome = await send(f, update);
      const zeroLength = [...roomOf(f).doc.store.clients.values()]
        .flat()
        .filter((struct) => struct.length === 0);
      expect(zeroLength).toHaveLength(0);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('B3 a zero-length struct alone changes nothing and is not applied', async () => {
      const f = await setup();
      const clause = clauseElementAt(f.watcher.doc, LOCKED);
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [{ content: { any: [] }, parent: itemOf(clause).id, parentSub: ID_ATTR }],
        },
      ]);
      const outcome = await send(f, update);
      expect(outcome.stored).toBe(false);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  describe('C. clause structure planted before the agreement', () => {
    it('C1 nesting a clause inside a clause (to edit it after agreement) is refused by the document model (4400)', async () => {
      const f = await setup();
      const plant = updateFrom(f.watcher.doc, (doc) => {
        const nested = new Y.XmlElement(NodeName.clause);
        const paragraph = new Y.XmlElement(NodeName.paragraph);
        paragraph.insert(0, [new Y.XmlText('Planted sentence.')]);
        nested.insert(0, [paragraph]);
        clauseElementAt(doc, LOCKED + 1).insert(1, [nested]);
      });
      const outcome = await send(f, plant);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  describe('D. several sections for one client in one update', () => {
    it('D1 a second section for the same client cannot put a bare string into an element (4400)', async () => {
      const f = await setup();
      const clauseItem = itemOf(clauseElementAt(f.watcher.doc, OTHER)).id;
      const update = handmadeUpdate([
        // Decoded by the checks but replaced by Yjs (readClientsStructRefs keeps the last section per client).
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { xmlText: true }, parent: clauseItem },
            { content: { string: 'decoy' }, parent: Y.createID(GHOST, 0) },
          ],
        },
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { element: NodeName.paragraph }, parent: clauseItem },
            { content: { string: 'BARE STRING IN AN ELEMENT' }, parent: Y.createID(GHOST, 0) },
          ],
        },
      ]);
      const outcome = await send(f, update);
      const bare = [...roomOf(f).doc.store.clients.values()]
        .flat()
        .filter(
          (struct) =>
            struct instanceof Y.Item &&
            !struct.deleted &&
            struct.content instanceof Y.ContentString &&
            struct.parent instanceof Y.XmlElement,
        );
      expect(bare).toHaveLength(0);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  // Each of these would also leave two clauses with one id: the duplicate-id check refuses them (4400)
  // before the lock is looked at (tests/integration/bracketMarks.adversarial.test.ts for open clauses).
  describe('E. clause ids', () => {
    it('E1 giving another clause the agreed clause’s id (and new text) is refused (4400, duplicate id)', async () => {
      const f = await setup();
      const update = updateFrom(f.watcher.doc, (doc) => {
        const other = clauseElementAt(doc, LOCKED + 1);
        other.setAttribute(ID_ATTR, f.lockedId);
        clauseParagraphText(doc, LOCKED + 1).insert(0, '[IMPOSTOR] ');
      });
      const outcome = await send(f, update);
      await expectLockIntactAndReplicasEqual(f);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
    });

    it('E2 after the refused id take-over, that clause keeps its own id: editing it is accepted, the agreed clause unchanged', async () => {
      const f = await setup();
      await send(
        f,
        updateFrom(f.watcher.doc, (doc) =>
          clauseElementAt(doc, LOCKED + 1).setAttribute(ID_ATTR, f.lockedId),
        ),
      );
      const edit = updateFrom(f.watcher.doc, (doc) =>
        clauseParagraphText(doc, LOCKED + 1).insert(0, '[EDIT] '),
      );
      const outcome = await send(f, edit);
      expect(outcome.closeCode).toBeUndefined();
      expect(lockedView(f.watcher.doc, f.lockedId).atPosition).toBe(f.lockedXml);
    });

    it('E3 a new clause element carrying the agreed clause’s id is refused (4400, duplicate id)', async () => {
      const f = await setup();
      const update = updateFrom(f.watcher.doc, (doc) => {
        const clause = new Y.XmlElement(NodeName.clause);
        clause.setAttribute(ID_ATTR, f.lockedId);
        const paragraph = new Y.XmlElement(NodeName.paragraph);
        paragraph.insert(0, [new Y.XmlText('Impostor text.')]);
        clause.insert(0, [paragraph]);
        (clauseElementAt(doc, OTHER).parent as Y.XmlElement).insert(1, [clause]);
      });
      await expectRefused(f, update, CloseCode.MalformedMessage);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('E4 a new clause whose id is first "free" then overwritten (origin chain) with the agreed id, placed before it, is refused (4400, duplicate id)', async () => {
      const f = await setup();
      const section = clauseElementAt(f.watcher.doc, LOCKED).parent as Y.XmlElement;
      const clause = Y.createID(GHOST, 0);
      const paragraph = Y.createID(GHOST, 3);
      const text = Y.createID(GHOST, 4);
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { element: NodeName.clause }, parent: itemOf(section).id },
            { content: { any: ['cl-0000000000aa'] }, parent: clause, parentSub: ID_ATTR },
            { content: { any: [f.lockedId] }, origin: Y.createID(GHOST, 1) },
            { content: { element: NodeName.paragraph }, parent: clause },
            { content: { xmlText: true }, parent: paragraph },
            { content: { string: 'Impostor text under the agreed id.' }, parent: text },
          ],
        },
      ]);
      const outcome = await send(f, update);
      expect(readClauses(f.watcher.doc).find((c) => c.id === f.lockedId)?.text).not.toContain('Impostor');
      await expectLockIntactAndReplicasEqual(f);
      expect(outcome.closeCode).toBe(CloseCode.MalformedMessage);
    });
  });

  describe('F. neighbours in different parents, formatting, deletions', () => {
    it('F1 origin in another clause, right origin in the agreed one: lands by its origin, lock intact', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            {
              content: { string: '[split neighbours]' },
              origin: (otherText(f)._start as Y.Item).id,
              rightOrigin: seeded.id,
            },
          ],
        },
      ]);
      await send(f, update);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F2 origin in the agreed clause, right origin elsewhere: refused (4423)', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            {
              content: { string: '[in]' },
              origin: seeded.id,
              rightOrigin: (otherText(f)._start as Y.Item).id,
            },
          ],
        },
      ]);
      await expectRefused(f, update, CloseCode.ClauseLocked);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F3 a format mark, a deleted-content item and a right-origin-only item in the agreed text: refused (4423)', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const items: HandmadeStruct[] = [
        { content: { format: 'italic', value: true }, origin: seeded.id },
        { content: { deleted: 3 }, origin: seeded.id },
        { content: { string: 'r' }, rightOrigin: seeded.id },
      ];
      for (const struct of items) {
        await expectRefused(
          f,
          handmadeUpdate([{ client: GHOST, clock: 0, structs: [struct] }]),
          CloseCode.ClauseLocked,
        );
      }
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F4 deleting only a formatting item inside the agreed text: refused (4423)', async () => {
      const f = await setup();
      const format = itemsOf(lockedText(f).text).find(
        (item) => item.content instanceof Y.ContentFormat && !item.deleted,
      );
      if (!format) throw new Error('no formatting item in the agreed clause');
      await expectRefused(f, handmadeUpdate([], [deletionOf(format)]), CloseCode.ClauseLocked);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F5 a delete range starting in an open clause and running into the agreed one: refused (4423)', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const before = itemsOf(clauseParagraphText(f.watcher.doc, LOCKED - 1)).find(
        (item) => item.id.client === seeded.id.client,
      );
      if (!before) throw new Error('no seeded item in the clause before');
      const start = Math.min(before.id.clock, seeded.id.clock);
      const end = Math.max(before.id.clock + before.length, seeded.id.clock + 1);
      await expectRefused(
        f,
        handmadeUpdate([], [{ client: seeded.id.client, clock: start, len: end - start }]),
        CloseCode.ClauseLocked,
      );
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F6 moving the agreed words (delete and re-insert elsewhere): refused (4423)', async () => {
      const f = await setup();
      const update = updateFrom(f.watcher.doc, (doc) => {
        const text = clauseParagraphText(doc, LOCKED);
        const words = plain(text).slice(0, 8);
        text.delete(0, 8);
        clauseParagraphText(doc, OTHER).insert(0, words);
      });
      await expectRefused(f, update, CloseCode.ClauseLocked);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('F7 a sync step 2 with a large delete set naming already deleted items and one agreed item: refused (4423)', async () => {
      const f = await setup();
      const token = await barrier(f);
      const text = clauseParagraphText(f.editor.doc, OTHER + 1);
      text.delete(plain(text).indexOf(token), token.length);
      await waitFor(() => !contentOf(f.watcher.doc).includes(token), { what: 'deletion relayed' });
      const editorDeleted = Y.decodeUpdate(Y.encodeStateAsUpdate(f.editor.doc)).ds.clients.get(
        f.editor.doc.clientID,
      );
      const range = editorDeleted?.[0];
      if (!range) throw new Error('no deleted range');
      const deletions: HandmadeDeletion[] = Array.from({ length: 5_000 }, () => ({
        client: f.editor.doc.clientID,
        clock: range.clock,
        len: range.len,
      }));
      deletions.push(deletionOf(lockedText(f).seeded));
      const outcome = await sendMessage(f, syncStep2Message(handmadeUpdate([], deletions)));
      expect(outcome.closeCode).toBe(CloseCode.ClauseLocked);
      expect(outcome.stored).toBe(false);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  describe('G. dependencies Yjs cannot resolve, and odd placeholders', () => {
    it('G1 a cycle across clients (A’s right origin is B, B’s is A): refused (4409), room not pending', async () => {
      const f = await setup();
      const anchor = (otherText(f)._start as Y.Item).id;
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [{ content: { string: 'a' }, origin: anchor, rightOrigin: Y.createID(GHOST2, 0) }],
        },
        {
          client: GHOST2,
          clock: 0,
          structs: [{ content: { string: 'b' }, origin: anchor, rightOrigin: Y.createID(GHOST, 0) }],
        },
      ]);
      await expectRefused(f, update, CloseCode.ResyncRequired);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('G2 a known struct re-sent with an unknown right origin, next to a harmless edit: refused (4409), nothing stored', async () => {
      const f = await setup();
      const pen = f.pen.doc.clientID;
      const first = (roomOf(f).doc.store.clients.get(pen) ?? [])[0] as Y.Item;
      const update = handmadeUpdate([
        {
          client: pen,
          clock: first.id.clock,
          structs: [
            {
              content: { string: 'x' },
              origin: first.origin ?? undefined,
              rightOrigin: Y.createID(GHOST2, 7),
            },
          ],
        },
        {
          client: GHOST,
          clock: 0,
          structs: [{ content: { string: 'ok' }, origin: (otherText(f)._start as Y.Item).id }],
        },
      ]);
      await expectRefused(f, update, CloseCode.ResyncRequired);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('G3 a known struct re-sent with a same-client origin beyond the known clock (Yjs throws): refused, nothing stored', async () => {
      const f = await setup();
      const pen = f.pen.doc.clientID;
      const update = handmadeUpdate([
        {
          client: pen,
          clock: 0,
          structs: [{ content: { string: 'x' }, origin: Y.createID(pen, stateOf(f, pen) + 50) }],
        },
        {
          client: GHOST,
          clock: 0,
          structs: [{ content: { string: 'ok' }, origin: (otherText(f)._start as Y.Item).id }],
        },
      ]);
      const outcome = await send(f, update);
      // The missing origin is the update's own client's: parked outside the document (ParkedUpdates) or refused.
      expect([undefined, CloseCode.MalformedMessage, CloseCode.ResyncRequired]).toContain(outcome.closeCode);
      expect(outcome.stored).toBe(false);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('G4 a Skip between a harmless item and one in the agreed text: parked or refused, never applied', async () => {
      const f = await setup();
      const update = handmadeUpdate([
        {
          client: GHOST,
          clock: 0,
          structs: [
            { content: { string: 'ok' }, origin: (otherText(f)._start as Y.Item).id },
            { skip: 3 },
            { content: { string: '[after skip]' }, origin: lockedText(f).seeded.id },
          ],
        },
      ]);
      const outcome = await send(f, update);
      // The gap is in the update's own client: the room parks it outside the document (ParkedUpdates) or refuses it.
      expect([undefined, CloseCode.ResyncRequired, CloseCode.ClauseLocked]).toContain(outcome.closeCode);
      expect(outcome.stored).toBe(false);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('G5 a GC placeholder overlapping the known clocks of the agreed text: lock intact', async () => {
      const f = await setup();
      const { seeded } = lockedText(f);
      const seedClient = seeded.id.client;
      const state = stateOf(f, seedClient);
      const update = handmadeUpdate([
        {
          client: seedClient,
          clock: Math.max(0, seeded.id.clock),
          structs: [{ gc: state - seeded.id.clock + 4 }],
        },
      ]);
      await send(f, update);
      await expectLockIntactAndReplicasEqual(f);
    });

    it('G6 a chain of 300 nested elements rooted in the agreed clause: refused (4423 or 4400)', async () => {
      const f = await setup();
      const clause = itemOf(clauseElementAt(f.watcher.doc, LOCKED)).id;
      const structs: HandmadeStruct[] = Array.from({ length: 300 }, (_, i) => ({
        content: { element: NodeName.paragraph },
        parent: i === 0 ? clause : Y.createID(GHOST, i - 1),
      }));
      structs.push({ content: { xmlText: true }, parent: Y.createID(GHOST, 299) });
      structs.push({ content: { string: 'deep' }, parent: Y.createID(GHOST, 300) });
      const outcome = await send(f, handmadeUpdate([{ client: GHOST, clock: 0, structs }]));
      expect([CloseCode.ClauseLocked, CloseCode.MalformedMessage]).toContain(outcome.closeCode);
      expect(outcome.stored).toBe(false);
      await expectLockIntactAndReplicasEqual(f);
    });
  });

  describe('H. the cost of one message', () => {
    it('H1 a new clause with 15,000 children is inspected in bounded time (no per-child scan of the update)', async () => {
      const f = await setup();
      const section = itemOf(clauseElementAt(f.watcher.doc, OTHER).parent as Y.XmlElement).id;
      const children = 15_000;
      const structs: HandmadeStruct[] = [{ content: { element: NodeName.clause }, parent: section }];
      for (let i = 0; i < children; i++)
        structs.push({ content: { xmlText: true }, parent: Y.createID(1, 0) });
      const clients: HandmadeClientStructs[] = [{ client: 1, clock: 0, structs }];
      const update = handmadeUpdate(clients);
      expect(update.length).toBeLessThan(250_000);
      const started = performance.now();
      const outcome = await sendMessage(f, syncUpdateMessage(update), f.drafterCookie, 120_000);
      const elapsed = performance.now() - started;
      expect(outcome.closeCode === undefined || outcome.closeCode === CloseCode.MalformedMessage).toBe(true);
      // Honest work for 60k small structs is well under a second; the lock check scans every struct per child.
      expect(elapsed).toBeLessThan(2_000);
      await expectLockIntactAndReplicasEqual(f);
    });
  });
});
