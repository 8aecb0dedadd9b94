import { CloseCode, CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { apiAs, type NegotiationApi } from '../support/negotiationApi';
import { noticeOf, plain, syncStep2Message } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import {
  loadStoredDoc,
  openRawSocket,
  type RawCollabSocket,
  storedSnapshot,
  syncStep1Message,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const LOCKED = 0;
const FREE = 5;
const BARRIER = 10;
const LOCKED_LATER = 6;
const OFFLINE_FREE = 7;

describe('agreed clauses are locked against text changes (4423)', () => {
  let server: TestServer;
  let documentId: string;
  let pen: NegotiationApi;
  let huCookie: string;
  let clauseIds: string[];
  /** A raw observer socket mirroring everything the server relays; a drafter making barrier edits. */
  let watcher: RawCollabSocket;
  let editor: CollabClient;
  const opened: { close(): void }[] = [];
  let barriers = 0;

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    pen = await apiAs(server, DEMO.penHolder);
    huCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    clauseIds = readClauses(doc).map((clause) => clause.id);
    doc.destroy();
    // Agreed while nobody has the document open: the lock is read when the room loads.
    expect(server.server.collab.rooms.size).toBe(0);
    expect((await pen.setStatus(clauseId(LOCKED), 'agreed')).status).toBe(200);

    watcher = await rawSocket((await server.signIn(DEMO.observer)).cookie);
    await watcher.requestFullState();
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

  function clauseId(index: number): string {
    return clauseIds[index] ?? '';
  }

  async function rawSocket(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    opened.push(socket);
    return socket;
  }

  const snapshot = () => storedSnapshot(server.server.repositories.documentStorage, documentId);

  /** The drafter edits an open clause; waits until the watcher has it. */
  async function barrier(): Promise<string> {
    const token = `[barrier-${++barriers}]`;
    clauseParagraphText(editor.doc, BARRIER).insert(0, token);
    await waitFor(() => contentOf(watcher.doc).includes(token), { what: `barrier ${token}` });
    return token;
  }

  /** Sends `change` (made on a mirror of the server's document) from a fresh raw socket; expects 4423. */
  async function expectLocked(change: (doc: Y.Doc) => void, cookie = huCookie): Promise<void> {
    await barrier();
    const before = snapshot();
    const relayedBefore = watcher.syncUpdates.length;
    const socket = await rawSocket(cookie);
    await socket.requestFullState();
    socket.send(syncUpdateMessage(updateFrom(socket.doc, change)));
    expect(await socket.closed).toBe(CloseCode.ClauseLocked);
    const refused = socket.messages.map(noticeOf).find((notice) => notice?.kind === 'refused');
    expect(refused).toMatchObject({ kind: 'refused', closeCode: CloseCode.ClauseLocked });
    expect(snapshot()).toEqual(before);

    const token = await barrier();
    // Positive barrier: the watcher got exactly one update since, the barrier's.
    expect(watcher.syncUpdates.slice(relayedBefore)).toHaveLength(1);
    expect(contentOf(watcher.doc)).toContain(token);
    expect(editor.closeCodes).toEqual([]);
  }

  /** The clause element at `index` in document order. */
  function clauseElement(doc: Y.Doc, index: number): Y.XmlElement {
    const id = readClauses(doc)[index]?.id;
    for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
      if (!(section instanceof Y.XmlElement)) continue;
      for (const child of section.toArray()) {
        if (child instanceof Y.XmlElement && child.getAttribute(ID_ATTR) === id) return child;
      }
    }
    throw new Error(`no clause ${index}`);
  }

  it("refuses a drafter's insert, deletion, formatting or restructuring inside an agreed clause", async () => {
    const locked = plain(clauseParagraphText(watcher.doc, LOCKED));
    await expectLocked((doc) => clauseParagraphText(doc, LOCKED).insert(3, '[locked-insert]'));
    await expectLocked((doc) => clauseParagraphText(doc, LOCKED).delete(0, 10));
    await expectLocked((doc) => clauseParagraphText(doc, LOCKED).format(0, 10, { bold: true }));
    await expectLocked((doc) => {
      const paragraph = new Y.XmlElement(NodeName.paragraph);
      paragraph.insert(0, [new Y.XmlText('A new paragraph in an agreed clause.')]);
      clauseElement(doc, LOCKED).insert(1, [paragraph]);
    });
    await expectLocked((doc) => {
      const element = clauseElement(doc, LOCKED);
      (element.parent as Y.XmlElement).delete((element.parent as Y.XmlElement).toArray().indexOf(element), 1);
    });
    expect(plain(clauseParagraphText(watcher.doc, LOCKED))).toBe(locked);
    expect(plain(clauseParagraphText(editor.doc, LOCKED))).toBe(locked);
  });

  it('refuses the pen-holder too while the clause is agreed', async () => {
    await expectLocked(
      (doc) => clauseParagraphText(doc, LOCKED).insert(0, '[chair-edit]'),
      (await server.signIn(DEMO.penHolder)).cookie,
    );
  });

  it('accepts an edit to another clause made from the same state, attributed to that clause only', async () => {
    await barrier();
    const socket = await rawSocket(huCookie);
    await socket.requestFullState();
    const base = socket.doc;
    const toLocked = updateFrom(base, (doc) =>
      clauseParagraphText(doc, LOCKED).insert(0, '[same-state-locked]'),
    );
    const toFree = updateFrom(base, (doc) => clauseParagraphText(doc, FREE).insert(0, '[same-state-free] '));
    socket.send(syncUpdateMessage(toLocked));
    expect(await socket.closed).toBe(CloseCode.ClauseLocked);

    const second = await rawSocket(huCookie);
    second.send(syncUpdateMessage(toFree));
    await waitFor(() => contentOf(watcher.doc).includes('[same-state-free] '), { what: 'free edit relayed' });
    await second.requestFullState(); // the server handled everything this socket sent
    expect(second.closeCode).toBeUndefined();
    expect(snapshot().content).toContain('[same-state-free] ');
    expect(snapshot().content).not.toContain('[same-state-locked]');
    const lastEdit = server.server.db
      .prepare(
        `SELECT e.clause_id AS clauseId, p.code FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         WHERE e.update_id = (SELECT max(update_id) FROM clause_edits WHERE document_id = ?)`,
      )
      .all(documentId);
    expect(lastEdit).toEqual([{ clauseId: clauseId(FREE), code: 'HU' }]);
  });

  it('lets the pen-holder edit once the clause is reopened, and locks it at once when agreed again', async () => {
    const reopened = await pen.setStatus(clauseId(LOCKED), 'open');
    expect(reopened.body.status).toBe('open');
    const chair = await rawSocket((await server.signIn(DEMO.penHolder)).cookie);
    await chair.requestFullState();
    chair.send(
      syncUpdateMessage(
        updateFrom(chair.doc, (doc) => clauseParagraphText(doc, LOCKED).insert(0, '[reopened] ')),
      ),
    );
    await waitFor(() => plain(clauseParagraphText(watcher.doc, LOCKED)).startsWith('[reopened] '), {
      what: "the pen-holder's edit relayed",
    });
    await chair.requestFullState();
    expect(chair.closeCode).toBeUndefined();
    expect(snapshot().content).toContain('[reopened] ');

    // Agreed again while the room is open: the very next edit is refused.
    expect((await pen.setStatus(clauseId(LOCKED), 'agreed')).status).toBe(200);
    await expectLocked((doc) => clauseParagraphText(doc, LOCKED).insert(0, '[after-re-agreement]'));
  });

  it('does not refuse a reconnecting client whose sync step 2 carries an old deletion in a now-agreed clause', async () => {
    const hu = await connectWellBehaved(server.wsUrl, documentId, huCookie);
    opened.push({ close: () => hu.destroy() });
    const text = clauseParagraphText(hu.doc, LOCKED_LATER);
    const removed = plain(text).slice(0, 'Give priority to '.length);
    text.delete(0, removed.length);
    const agreedText = plain(text);
    await waitFor(() => plain(clauseParagraphText(watcher.doc, LOCKED_LATER)) === agreedText, {
      what: 'deletion relayed',
    });
    hu.provider.disconnect();
    expect((await pen.setStatus(clauseId(LOCKED_LATER), 'agreed')).status).toBe(200);
    clauseParagraphText(hu.doc, OFFLINE_FREE).insert(0, '[made offline] ');
    hu.provider.connect();
    await waitFor(() => contentOf(watcher.doc).includes('[made offline] '), { what: 'offline edit arrives' });
    await barrier();
    expect(hu.closeCodes).not.toContain(CloseCode.ClauseLocked);
    expect(hu.provider.wsconnected).toBe(true);
    expect(plain(clauseParagraphText(watcher.doc, LOCKED_LATER))).toBe(agreedText);

    // The same by hand: a step 2 with the whole state (every old deletion) plus a new edit elsewhere.
    const raw = await rawSocket(huCookie);
    const full = Y.encodeStateAsUpdate(watcher.doc);
    const withEdit = updateFrom(watcher.doc, (doc) => clauseParagraphText(doc, FREE).insert(0, '[step2] '));
    raw.send(syncStep2Message(Y.mergeUpdates([full, withEdit])));
    await waitFor(() => contentOf(watcher.doc).includes('[step2] '), { what: 'step 2 edit relayed' });
    await raw.requestFullState();
    expect(raw.closeCode).toBeUndefined();

    // A step 2 carrying a deletion the server does not have yet is refused.
    await expectLocked((doc) => clauseParagraphText(doc, LOCKED_LATER).delete(0, 4));
  });
});

describe('deleting a section that holds an agreed clause', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('is refused with 4423 like any other change to the agreed clause', async () => {
    const documentId = server.actionPlanId();
    const pen = await apiAs(server, DEMO.penHolder);
    const socket = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    await socket.requestFullState();
    const agreed = readClauses(socket.doc)[1];
    if (!agreed) throw new Error('no clause');
    expect((await pen.setStatus(agreed.id, 'agreed')).status).toBe(200);
    const before = storedSnapshot(server.server.repositories.documentStorage, documentId);

    const update = updateFrom(socket.doc, (doc) => {
      const fragment = doc.getXmlFragment(CONTENT_FIELD);
      const index = fragment
        .toArray()
        .findIndex((node) => node instanceof Y.XmlElement && node.getAttribute(ID_ATTR) === agreed.sectionId);
      fragment.delete(index, 1);
    });
    const answered = socket.syncUpdates.length;
    socket.send(syncUpdateMessage(update));
    // A sync step 1 right behind it: answered only if the update was accepted.
    socket.send(syncStep1Message(new Y.Doc()));
    const outcome = await waitFor(
      () => socket.closeCode ?? (socket.syncUpdates.length > answered ? 'accepted' : undefined),
      { what: 'the update refused or accepted' },
    );
    socket.close();
    expect(outcome).toBe(CloseCode.ClauseLocked);
    const after = storedSnapshot(server.server.repositories.documentStorage, documentId);
    expect(after).toEqual(before);
  });
});
