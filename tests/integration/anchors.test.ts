import { CONTENT_FIELD, NodeName, type RangeAnchor } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { apiAs, type NegotiationApi } from '../support/negotiationApi';
import {
  anchoredText,
  anchorFor,
  clauseIdAt,
  plain,
  recordProviderNotices,
  resolveAnchor,
} from '../support/negotiationLive';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('range anchors of comment threads (Yjs relative positions)', () => {
  let server: TestServer;
  let documentId: string;
  let ua: NegotiationApi;
  let huCookie: string;
  let czCookie: string;
  let observerCookie: string;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    ua = await apiAs(server, DEMO.commenter);
    huCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    czCookie = (await server.signIn(DEMO.czechDrafter)).cookie;
    observerCookie = (await server.signIn(DEMO.observer)).cookie;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function join(cookie: string): Promise<CollabClient> {
    const client = await connectSynced(server.wsUrl, documentId, cookie);
    recordProviderNotices(client.provider);
    clients.push(client);
    return client;
  }

  /** A fresh client that never saw any edit happen: it knows only what the server stored. */
  async function freshClient(): Promise<CollabClient> {
    return join(observerCookie);
  }

  /** Opens a thread anchored on `words` in clause `index`'s first paragraph, as the client does. */
  async function threadOnWords(doc: Y.Doc, index: number, words: string) {
    const text = clauseParagraphText(doc, index);
    const start = plain(text).indexOf(words);
    expect(start).toBeGreaterThanOrEqual(0);
    const anchor = anchorFor(text, start, start + words.length);
    expect(anchor.quote).toBe(words);
    const created = await ua.newThread({ clauseId: clauseIdAt(doc, index), anchor, body: `On "${words}"` });
    expect(created.status).toBe(201);
    expect(created.body.anchor).toEqual(anchor);
    return created.body;
  }

  async function storedAnchor(threadId: string): Promise<RangeAnchor> {
    const thread = (await ua.state()).body.threads.find((t) => t.id === threadId);
    if (!thread?.anchor) throw new Error('thread or anchor missing');
    return thread.anchor;
  }

  async function converged(a: CollabClient, b: CollabClient, token: string): Promise<void> {
    await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && contentOf(a.doc).includes(token), {
      what: 'both editors converged',
    });
  }

  it('still delimits the same words after concurrent edits before and inside the range', async () => {
    const hu = await join(huCookie);
    const cz = await join(czCookie);
    const thread = await threadOnWords(hu.doc, 0, 'exchange of information');
    const original = plain(clauseParagraphText(hu.doc, 0));
    const before = resolveAnchor(hu.doc, thread.anchor as RangeAnchor);

    // Both edit the same state in one tick: neither has seen the other's change.
    const huText = clauseParagraphText(hu.doc, 0);
    const czText = clauseParagraphText(cz.doc, 0);
    huText.delete(0, 'Strengthen '.length);
    huText.insert(0, 'Jointly reinforce ');
    expect(plain(czText)).toBe(original); // cz has not seen hu's edit
    czText.insert(original.indexOf('information'), 'timely ');
    czText.insert(original.indexOf('the exchange'), '[CZ-before] ');
    await converged(hu, cz, 'timely ');

    const expected = 'exchange of timely information';
    expect(anchoredText(hu.doc, thread.anchor as RangeAnchor)).toBe(expected);
    expect(anchoredText(cz.doc, thread.anchor as RangeAnchor)).toBe(expected);
    const fresh = await freshClient();
    const anchor = await storedAnchor(thread.id);
    expect(anchor).toEqual(thread.anchor);
    expect(anchoredText(fresh.doc, anchor)).toBe(expected);
    const after = resolveAnchor(fresh.doc, anchor);
    expect(after?.type).toBe(clauseParagraphText(fresh.doc, 0));
    // The text before the range changed length, so the indexes moved with it.
    expect(after?.start).not.toBe(before?.start);
    // (Yjs orders the two concurrent insertions at the start either way round.)
    expect(plain(clauseParagraphText(fresh.doc, 0)).slice(0, after?.start)).toMatch(
      /^(Jointly reinforce \[CZ-before\] |\[CZ-before\] Jointly reinforce )the $/,
    );
    expect(anchor.quote).toBe('exchange of information');
  });

  it('resolves on a client that loads the document after it was compacted and unloaded', async () => {
    const hu = await join(huCookie);
    const thread = await threadOnWords(hu.doc, 1, 'detection of forged documents');
    clauseParagraphText(hu.doc, 1).insert(0, 'Where possible, ');
    const observer = await freshClient();
    await waitFor(() => contentOf(observer.doc).includes('Where possible, '), { what: 'edit relayed' });
    for (const client of clients.splice(0)) client.destroy();
    await waitFor(() => server.server.collab.rooms.size === 0, { what: 'room unloaded' });
    expect(server.server.repositories.documentStorage.countUpdates(documentId)).toBe(0);

    const fresh = await freshClient();
    expect(anchoredText(fresh.doc, await storedAnchor(thread.id))).toBe('detection of forged documents');
  });

  it('keeps a thread whose words were deleted; its anchor collapses to where they were', async () => {
    const hu = await join(huCookie);
    const words = 'in aligning their legislation';
    const thread = await threadOnWords(hu.doc, 2, words);
    const text = clauseParagraphText(hu.doc, 2);
    const at = plain(text).indexOf(words);
    text.delete(at, words.length);
    const fresh = await freshClient();
    await waitFor(() => !contentOf(fresh.doc).includes(words), { what: 'deletion relayed' });

    const kept = (await ua.state()).body.threads.find((t) => t.id === thread.id);
    expect(kept?.anchor?.quote).toBe(words);
    expect(kept?.comments[0]?.body).toBe(`On "${words}"`);
    const resolved = resolveAnchor(fresh.doc, await storedAnchor(thread.id));
    expect(resolved).not.toBeNull();
    expect(resolved?.start).toBe(resolved?.end);
    expect(resolved?.start).toBe(at);
    expect(anchoredText(fresh.doc, await storedAnchor(thread.id))).toBe('');
  });

  it('keeps a thread whose whole clause was deleted; the clause is gone from the document', async () => {
    const hu = await join(huCookie);
    const thread = await threadOnWords(hu.doc, 3, 'operational cooperation');
    const clauseId = thread.clauseId;
    hu.doc.transact(() => {
      for (const section of hu.doc.getXmlFragment(CONTENT_FIELD).toArray()) {
        if (!(section instanceof Y.XmlElement) || section.nodeName !== NodeName.section) continue;
        const index = section
          .toArray()
          .findIndex((child) => child instanceof Y.XmlElement && child.getAttribute('id') === clauseId);
        if (index >= 0) section.delete(index, 1);
      }
    });
    const fresh = await freshClient();
    await waitFor(() => !readClauses(fresh.doc).some((clause) => clause.id === clauseId), {
      what: 'clause deletion relayed',
    });

    const kept = (await ua.state()).body.threads.find((t) => t.id === thread.id);
    expect(kept).toMatchObject({ clauseId, anchor: { quote: 'operational cooperation' } });
    expect(anchoredText(fresh.doc, await storedAnchor(thread.id)) ?? '').toBe('');
    // The thread stays usable; a new thread on the deleted clause is refused.
    expect((await ua.reply(thread.id, 'Was this clause dropped on purpose?')).status).toBe(201);
    expect((await ua.resolve(thread.id)).status).toBe(200);
    expect((await ua.newThread({ clauseId, body: 'Too late' })).status).toBe(404);
  });
});
