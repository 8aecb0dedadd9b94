/**
 * Issue 11: the protocol fuzz harness run as a *drafter*, sending everything
 * it makes — bit-flipped, truncated, mis-framed and valid updates alike, none
 * skipped — while an agreed clause is locked. Whatever the server accepted or
 * refused, every replica must end up the same: a client connected the whole
 * time, a freshly connected one and the stored document; none of them holding
 * anything Yjs could not integrate; the agreed clause untouched.
 */
import { CloseCode, CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { apiAs } from '../support/negotiationApi';
import { connectWellBehaved } from '../support/ownPresence';
import { loadStoredDoc, openRawSocket } from '../support/rawCollab';
import {
  expectationOf,
  FUZZ_KINDS,
  type FuzzKind,
  FuzzSocket,
  fuzzMessage,
  Rng,
  validMessages,
} from '../support/securityFuzz';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const SEED = 0xd2af_7e11;
const MAX_MESSAGE_BYTES = 16 * 1024;
const WORKERS = 2;
const MESSAGES_PER_WORKER = 700;
/** The demo's first clause: `validMessages` edits clauses 0–4, so edits to it are refused. */
const LOCKED = 0;
const CLOSE_CODES = new Set<number>(Object.values(CloseCode));

function clauseXml(doc: Y.Doc, id: string): string {
  for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(section instanceof Y.XmlElement) || section.nodeName !== NodeName.section) continue;
    for (const clause of section.toArray()) {
      if (clause instanceof Y.XmlElement && clause.getAttribute(ID_ATTR) === id) return clause.toString();
    }
  }
  return '';
}

describe('protocol fuzzing as a drafter, with a clause agreed', () => {
  let server: TestServer;
  let documentId: string;
  let control: CollabClient;

  beforeAll(async () => {
    server = await startTestServer({
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxConnectionsPerUser: 8,
      // Every fuzz message is followed by a QueryAwareness (the barrier): not what is tested here.
      collabPresenceAnswersBurst: 1_000_000,
    });
    documentId = server.actionPlanId();
    control = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    // The fuzz sockets use the control's presence as the marker of a handled query.
    control.provider.awareness.setLocalStateField('typing', 'hu');
    await waitFor(
      () => server.server.collab.rooms.get(documentId)?.awareness.getStates().has(control.doc.clientID),
      {
        what: 'control presence',
      },
    );
  });
  afterAll(async () => {
    control?.destroy();
    await server?.dispose();
  });

  it('leaves every replica identical and the agreed clause unchanged', async () => {
    const lockedId = readClauses(control.doc)[LOCKED]?.id ?? '';
    const pen = await apiAs(server, DEMO.penHolder);
    expect((await pen.setStatus(lockedId, 'agreed')).status).toBe(200);
    const lockedXml = clauseXml(control.doc, lockedId);
    const base = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    const pool = validMessages(base, new Rng(SEED));
    base.destroy();
    const url = `${server.wsUrl}/collab/${documentId}`;
    const cookie = (await server.signIn(DEMO.secretariat)).cookie;
    const marker = [control.doc.clientID];
    const closes = new Map<number, number>();
    const unknownCodes: number[] = [];

    async function worker(index: number): Promise<void> {
      const rng = new Rng(SEED + index + 1);
      let socket = await FuzzSocket.open(url, cookie, marker);
      for (let n = index; n < index + MESSAGES_PER_WORKER; n++) {
        const kind =
          rng.next() < 0.5 ? (FUZZ_KINDS[n % FUZZ_KINDS.length] as FuzzKind) : rng.pick(FUZZ_KINDS);
        const message = fuzzMessage(kind, n, rng, pool, MAX_MESSAGE_BYTES);
        await socket.exchange(message, expectationOf(message, MAX_MESSAGE_BYTES).queryReplies);
        const code = socket.closeCode;
        if (code === undefined) continue;
        closes.set(code, (closes.get(code) ?? 0) + 1);
        if (!CLOSE_CODES.has(code)) unknownCodes.push(code);
        socket = await FuzzSocket.open(url, cookie, marker);
      }
      socket.close();
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
    clauseParagraphText(control.doc, 7).insert(0, '[control-after-fuzz] ');

    expect(unknownCodes).toEqual([]);
    expect(closes.get(CloseCode.MalformedMessage)).toBeGreaterThan(50);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(control.closeCodes).toEqual([]);

    const fresh = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.observer)).cookie);
    await fresh.requestFullState();
    await waitFor(
      () =>
        contentOf(control.doc) === contentOf(fresh.doc) &&
        contentOf(fresh.doc).includes('[control-after-fuzz]'),
      { what: 'the connected and a fresh client to agree' },
    );
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(control.doc));
    expect([fresh.doc.store.pendingStructs, fresh.doc.store.pendingDs]).toEqual([null, null]);
    const stored = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    expect(contentOf(stored)).toBe(contentOf(fresh.doc));
    expect([stored.store.pendingStructs, stored.store.pendingDs]).toEqual([null, null]);
    stored.destroy();
    expect(clauseXml(fresh.doc, lockedId)).toBe(lockedXml);
    fresh.close();
  });
});
