/**
 * Issue 11, property-style: drafters' replicas (real Y.Docs) make random edits
 * — inserts, deletes, formatting, new clauses, deletions of paragraphs,
 * clauses and whole sections — concurrently, and their updates reach the
 * server reordered and duplicated, while one clause is agreed. After every
 * delivery: the agreed clause's text and attributes are unchanged, and every
 * replica of the server's document is the same — the watcher that has been
 * connected throughout, a freshly connected client, and the document stored
 * in SQLite. A refusal may only be the lock (4423) or a missing dependency
 * (4409, from reordering).
 */
import { CloseCode, CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { contentOf } from '../support/collabClient';
import { apiAs } from '../support/negotiationApi';
import { loadStoredDoc, openRawSocket, type RawCollabSocket, syncUpdateMessage } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

const LOCKED = 4;
const ROUNDS = 120;

interface Replica {
  name: string;
  doc: Y.Doc;
  socket: RawCollabSocket;
  /** Updates made on `doc`, not yet delivered. */
  outbox: Uint8Array[];
}

function elements(parent: Y.XmlElement | Y.XmlFragment, name: string): Y.XmlElement[] {
  return parent
    .toArray()
    .filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === name);
}

function textsOf(clause: Y.XmlElement): Y.XmlText[] {
  return elements(clause, NodeName.paragraph)
    .map((paragraph) => paragraph.get(0))
    .filter((node): node is Y.XmlText => node instanceof Y.XmlText);
}

/** One random editing step on a replica, the kind an editor makes. */
function randomEdit(doc: Y.Doc, random: () => number, step: number): void {
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const sections = elements(doc.getXmlFragment(CONTENT_FIELD), NodeName.section);
  const section = pick(sections);
  if (!section) return;
  const clauses = elements(section, NodeName.clause);
  const clause = pick(clauses);
  const text = clause ? pick(textsOf(clause)) : undefined;
  const roll = random();
  if (text && roll < 0.4) {
    text.insert(Math.floor(random() * (text.length + 1)), `<${step}>`);
  } else if (text && roll < 0.55 && text.length > 2) {
    const at = Math.floor(random() * (text.length - 1));
    text.delete(at, 1 + Math.floor(random() * Math.min(6, text.length - at - 1)));
  } else if (text && roll < 0.65 && text.length > 2) {
    text.format(0, Math.ceil(text.length / 2), { bold: random() < 0.5 ? {} : null });
  } else if (roll < 0.75) {
    const created = new Y.XmlElement(NodeName.clause);
    created.setAttribute(ID_ATTR, `cl-prop${step.toString(16).padStart(8, '0')}`);
    const paragraph = new Y.XmlElement(NodeName.paragraph);
    paragraph.insert(0, [new Y.XmlText(`New action ${step}.`)]);
    created.insert(0, [paragraph]);
    section.insert(section.length, [created]);
  } else if (clause && roll < 0.85) {
    const paragraph = new Y.XmlElement(NodeName.paragraph);
    paragraph.insert(0, [new Y.XmlText(`Paragraph ${step}.`)]);
    clause.insert(clause.length, [paragraph]);
  } else if (clause && roll < 0.93) {
    if (clause.length > 1) clause.delete(clause.length - 1, 1);
    else section.delete(section.toArray().indexOf(clause), 1);
  } else {
    const fragment = doc.getXmlFragment(CONTENT_FIELD);
    fragment.delete(fragment.toArray().indexOf(section), 1);
  }
}

describe('random concurrent edits, reordered and duplicated, while a clause is agreed', () => {
  let server: TestServer;
  let documentId: string;
  let drafterCookie: string;
  let observerCookie: string;
  let watcher: RawCollabSocket;
  let lockedId: string;
  let lockedXml: string;
  const sockets: RawCollabSocket[] = [];

  beforeAll(async () => {
    // Every round asks each replica's full state as a barrier (sync step 1):
    // far above the per-socket budget a real client needs (COLLAB_SYNC_ANSWERS_*).
    server = await startTestServer({
      collabSyncAnswersBurst: 100_000,
      collabSyncAnswersPerMinute: 1_000_000,
    });
    documentId = server.actionPlanId();
    drafterCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
    watcher = await open(observerCookie);
    await watcher.requestFullState();
    lockedId = readClauses(watcher.doc)[LOCKED]?.id ?? '';
    lockedXml = lockedClauseXml(watcher.doc);
    const pen = await apiAs(server, DEMO.penHolder);
    expect((await pen.setStatus(lockedId, 'agreed')).status).toBe(200);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.dispose();
  });

  async function open(cookie: string): Promise<RawCollabSocket> {
    const socket = await openRawSocket(server.wsUrl, documentId, cookie);
    sockets.push(socket);
    return socket;
  }

  /** The agreed clause as XML (text, formatting and attributes), or '' when it is gone. */
  function lockedClauseXml(doc: Y.Doc): string {
    for (const section of elements(doc.getXmlFragment(CONTENT_FIELD), NodeName.section)) {
      for (const clause of elements(section, NodeName.clause)) {
        if (clause.getAttribute(ID_ATTR) === lockedId) return clause.toString();
      }
    }
    return '';
  }

  /** A replica in the server's current state, with its own socket. */
  async function freshReplica(name: string): Promise<Replica> {
    const socket = await open(drafterCookie);
    await socket.requestFullState();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(socket.doc));
    const replica: Replica = { name, doc, socket, outbox: [] };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'server') replica.outbox.push(update);
    });
    return replica;
  }

  async function expectAllReplicasEqual(step: number): Promise<void> {
    const fresh = await open(observerCookie);
    await fresh.requestFullState();
    await waitFor(() => contentOf(watcher.doc) === contentOf(fresh.doc), {
      what: `watcher equal to a fresh client after step ${step}`,
    });
    expect(Y.encodeStateVector(watcher.doc), `state vectors after step ${step}`).toEqual(
      Y.encodeStateVector(fresh.doc),
    );
    const stored = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    expect(contentOf(stored), `stored document after step ${step}`).toBe(contentOf(fresh.doc));
    stored.destroy();
    expect(lockedClauseXml(fresh.doc), `agreed clause after step ${step}`).toBe(lockedXml);
    // Nothing the server holds or sends is waiting for a dependency (Yjs's pending structs and deletions).
    const pending = (doc: Y.Doc) => [doc.store.pendingStructs !== null, doc.store.pendingDs !== null];
    expect(pending(fresh.doc), `a fresh client's pending state after step ${step}`).toEqual([false, false]);
    for (const room of server.server.collab.rooms.openRooms) {
      expect(pending(room.doc), `the server's pending state after step ${step}`).toEqual([false, false]);
    }
    fresh.close();
  }

  it('keeps the agreed clause unchanged and every replica identical', async () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261130);
    const random = seededRandom(seed);
    const replicas = [await freshReplica('A'), await freshReplica('B'), await freshReplica('C')];
    const delivered: { replica: Replica; update: Uint8Array }[] = [];
    const refusals: number[] = [];
    let accepted = 0;
    for (let step = 1; step <= ROUNDS; step++) {
      const editor = replicas[Math.floor(random() * replicas.length)] as Replica;
      randomEdit(editor.doc, random, step);
      // Deliver one queued update from a random replica: usually the oldest, sometimes a later one (reordered).
      const sender = replicas[Math.floor(random() * replicas.length)] as Replica;
      let update: Uint8Array | undefined;
      if (random() < 0.1 && delivered.length > 0) {
        update = delivered[Math.floor(random() * delivered.length)]?.update; // duplicated delivery
      } else if (sender.outbox.length > 0) {
        const index = random() < 0.15 ? sender.outbox.length - 1 : 0;
        update = sender.outbox.splice(index, 1)[0];
      }
      if (!update) continue;
      const before = watcher.syncUpdates.length;
      sender.socket.send(syncUpdateMessage(update));
      // The server answers sync step 1 only after handling (and storing) what came before it.
      await Promise.race([sender.socket.requestFullState(), sender.socket.closed]);
      if (sender.socket.closeCode !== undefined) {
        refusals.push(sender.socket.closeCode);
        expect([CloseCode.ClauseLocked, CloseCode.ResyncRequired]).toContain(sender.socket.closeCode);
        // The refused replica starts again from the server's state.
        const replacement = await freshReplica(sender.name);
        replicas[replicas.indexOf(sender)] = replacement;
      } else {
        delivered.push({ replica: sender, update });
        if (watcher.syncUpdates.length > before || contentOf(watcher.doc) !== '') accepted++;
      }
      await expectAllReplicasEqual(step);
    }
    // The run exercised both sides: accepted edits and refusals.
    expect(accepted).toBeGreaterThan(10);
    expect(refusals.length).toBeGreaterThan(0);
    expect(lockedClauseXml(watcher.doc)).toBe(lockedXml);
  });
});
