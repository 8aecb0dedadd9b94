import type { ServerNotice } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageIn } from '../support/bracketPassages';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { apiAs, createSecondDocument, type NegotiationApi } from '../support/negotiationApi';
import {
  clauseIdAt,
  type NegotiationNotice,
  negotiationNotices,
  recordProviderNotices,
} from '../support/negotiationLive';
import { loadStoredDoc, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('live negotiation events over the collaboration socket', () => {
  let server: TestServer;
  let documentId: string;
  let pen: NegotiationApi;
  let hu: NegotiationApi;
  let cz: NegotiationApi;
  let ua: NegotiationApi;
  /** Raw sockets of an observer and a drafter; a y-websocket provider handling type 8 like the client. */
  let observerSocket: RawCollabSocket;
  let czSocket: RawCollabSocket;
  let provider: CollabClient;
  let providerNotices: ServerNotice[];
  const clause = (index: number) => clauseIdAt(provider.doc, index);

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    pen = await apiAs(server, DEMO.penHolder);
    hu = await apiAs(server, DEMO.hungarianDrafter);
    cz = await apiAs(server, DEMO.czechDrafter);
    ua = await apiAs(server, DEMO.commenter);
    observerSocket = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    czSocket = await openRawSocket(server.wsUrl, documentId, cz.who.cookie);
    await observerSocket.requestFullState();
    provider = await connectSynced(server.wsUrl, documentId, hu.who.cookie);
    providerNotices = recordProviderNotices(provider.provider);
  });
  afterAll(async () => {
    observerSocket.close();
    czSocket.close();
    provider.destroy();
    await server.dispose();
  });

  /** Every client's negotiation notices, in the order each received them. */
  function everyonesNotices(): NegotiationNotice[][] {
    const fromProvider = providerNotices.flatMap((notice) =>
      notice.kind === 'negotiation' ? [{ seq: notice.seq, event: notice.event }] : [],
    );
    return [negotiationNotices(observerSocket.messages), negotiationNotices(czSocket.messages), fromProvider];
  }

  /** Waits until every client received `count` notices after `afterSeq`; returns each client's list. */
  async function noticesAfter(afterSeq: number, count: number): Promise<NegotiationNotice[][]> {
    return waitFor(
      () => {
        const lists = everyonesNotices().map((list) => list.filter((notice) => notice.seq > afterSeq));
        return lists.every((list) => list.length >= count) ? lists : undefined;
      },
      { what: `${count} notices after seq ${afterSeq} on every client` },
    );
  }

  it('pushes a new thread to every open client, with the body and the author the server set', async () => {
    const before = (await pen.state()).body.seq;
    const created = await ua.newThread({
      clauseId: clause(0),
      body: 'Live comment from Kyiv, cc @HU.',
      author: { userId: 'forged', name: 'Someone Else', participantCode: 'PL' },
    } as never);
    expect(created.status).toBe(201);

    const lists = await noticesAfter(before, 1);
    for (const list of lists) {
      expect(list).toHaveLength(1);
      const [notice] = list;
      expect(notice?.event.type).toBe('thread');
      if (notice?.event.type !== 'thread') throw new Error('not a thread event');
      expect(notice.event.thread).toEqual(created.body);
      expect(notice.event.thread.comments[0]).toMatchObject({
        body: 'Live comment from Kyiv, cc @HU.',
        author: { name: 'Olena Bondar', participantCode: 'UA' },
        mentions: ['HU'],
      });
      expect(notice.event.thread.author.userId).not.toBe('forged');
    }
    expect((await pen.state()).body.seq).toBe(lists[0]?.[0]?.seq);
    // The notice did not disturb the provider: still connected, still syncing text.
    expect(provider.closeCodes).toEqual([]);
    clauseParagraphText(provider.doc, 0).insert(0, '[after-notice] ');
    await waitFor(() => contentOf(observerSocket.doc).includes('[after-notice] '), {
      what: 'text edit after a notice reaches the observer',
    });
  });

  it('delivers several quick changes by different people in the same increasing seq order to everyone', async () => {
    const before = (await pen.state()).body.seq;
    const threadA = ua.newThread({ clauseId: clause(1), body: 'Concurrent A' });
    const results = await Promise.all([
      pen.setStatus(clause(1), 'bracketed'),
      ua.setPosition(clause(1), { position: 'reservation' }),
      threadA,
      hu.newThread({ clauseId: clause(2), body: 'Concurrent B' }),
      cz.newBracket(passageIn(provider.doc, clause(2), undefined, ['y'])),
      hu.setPosition(clause(1), { position: 'supports' }),
      pen.setPosition(clause(3), { position: 'opposes' }),
      threadA.then((thread) => ua.reply(thread.body.id, 'Concurrent reply')),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 201, 201, 201, 200, 200, 201]);

    const lists = await noticesAfter(before, results.length);
    const [first] = lists;
    if (!first) throw new Error('no notices');
    expect(first).toHaveLength(results.length);
    const seqs = first.map((notice) => notice.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const list of lists) expect(list).toEqual(first);

    const types = first.map((notice) => notice.event.type).sort();
    expect(types).toEqual([
      'bracket',
      'position',
      'position',
      'position',
      'status',
      'thread',
      'thread',
      'thread',
    ]);
    // Each change's event carries what its request answered.
    const statusEvent = first.find((notice) => notice.event.type === 'status')?.event;
    expect(statusEvent).toEqual({ type: 'status', entry: results[0]?.body });
    // The thread's later event (the reply) comes after its creation.
    const threadSeqs = first
      .filter((n) => n.event.type === 'thread' && n.event.thread.id === results[2]?.body.id)
      .map((n) => (n.event.type === 'thread' ? n.event.thread.comments.length : 0));
    expect(threadSeqs).toEqual([1, 2]);
    // The state's seq is the last event's: a client loading it then listening misses nothing.
    expect((await pen.state()).body.seq).toBe(seqs.at(-1));
  });

  it("sends a document's events only to that document's clients", async () => {
    const otherId = createSecondDocument(server);
    const otherDoc = loadStoredDoc(server.server.repositories.documentStorage, otherId);
    const otherClause = clauseIdAt(otherDoc, 0);
    otherDoc.destroy();
    const otherSocket = await openRawSocket(server.wsUrl, otherId, ua.who.cookie);
    try {
      const before = (await pen.state()).body.seq;
      const uaOther = await apiAs(server, DEMO.commenter, otherId);
      const elsewhere = await uaOther.newThread({ clauseId: otherClause, body: 'On the other document' });
      expect(elsewhere.status).toBe(201);
      await waitFor(() => negotiationNotices(otherSocket.messages).length === 1, {
        what: 'the other document’s client gets its event',
      });
      // Barrier: an Action Plan event sent afterwards arrives; nothing from the other document came before it.
      const here = await pen.setStatus(clause(4), 'agreed-ad-referendum');
      const lists = await noticesAfter(before, 1);
      for (const list of lists) {
        expect(list.map((notice) => notice.event)).toEqual([{ type: 'status', entry: here.body }]);
      }
      expect(negotiationNotices(otherSocket.messages)).toHaveLength(1);
    } finally {
      otherSocket.close();
    }
  });
});
