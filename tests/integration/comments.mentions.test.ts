import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readClauses } from '../../server/src/content/outline';
import { apiAs, type NegotiationApi } from '../support/negotiationApi';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

describe('@mentions of a delegation and their unread state', () => {
  let server: TestServer;
  let pen: NegotiationApi;
  let hu: NegotiationApi;
  let cz: NegotiationApi;
  let ua: NegotiationApi;
  let clauseId: string;

  beforeAll(async () => {
    server = await startTestServer();
    pen = await apiAs(server, DEMO.penHolder);
    hu = await apiAs(server, DEMO.hungarianDrafter);
    cz = await apiAs(server, DEMO.czechDrafter);
    ua = await apiAs(server, DEMO.commenter);
    const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    clauseId = readClauses(doc)[0]?.id ?? '';
    doc.destroy();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await server.dispose();
  });

  /** HU's unread count and whether the thread is listed unread. */
  async function huSees(threadId: string): Promise<{ unread: number; thread: boolean | undefined }> {
    const mentions = await hu.mentions();
    expect(mentions.status).toBe(200);
    const entry = mentions.body.mentions.find((m) => m.thread.id === threadId);
    return { unread: mentions.body.unread, thread: entry?.unread };
  }

  async function readAll(api: NegotiationApi): Promise<void> {
    for (const mention of (await api.mentions()).body.mentions) {
      expect((await api.markRead(mention.thread.id)).status).toBe(204);
    }
    expect((await api.mentions()).body.unread).toBe(0);
  }

  it('counts a mention as unread until read, and again after a later mention', async () => {
    expect((await hu.mentions()).body).toEqual({ unread: 0, mentions: [] });
    const thread = (await ua.newThread({ clauseId, body: 'Could @HU check the figures?' })).body;
    expect(await huSees(thread.id)).toEqual({ unread: 1, thread: true });
    // Only the mentioned delegation is notified.
    expect((await cz.mentions()).body.unread).toBe(0);
    expect((await ua.mentions()).body.unread).toBe(0);

    const listed = (await hu.mentions()).body.mentions[0]?.thread;
    expect(listed).toMatchObject({ id: thread.id, documentId: server.actionPlanId(), clauseId });

    expect((await hu.markRead(thread.id)).status).toBe(204);
    expect(await huSees(thread.id)).toEqual({ unread: 0, thread: false });
    // A reply without a mention does not make it unread.
    expect((await pen.reply(thread.id, 'Noted by the chair.')).status).toBe(201);
    expect(await huSees(thread.id)).toEqual({ unread: 0, thread: false });

    expect((await cz.reply(thread.id, '@HU the figures changed again.')).status).toBe(201);
    expect(await huSees(thread.id)).toEqual({ unread: 1, thread: true });
    expect((await hu.markRead(thread.id)).status).toBe(204);
    expect((await hu.mentions()).body.unread).toBe(0);
  });

  it('counts each mentioning thread once, and forgets a mention whose comment was deleted', async () => {
    await readAll(hu);
    const a = (await ua.newThread({ clauseId, body: '@HU first question, @HU again.' })).body;
    const b = (await pen.newThread({ clauseId, body: 'Drafting note for @HU and @CZ.' })).body;
    const unreadIds = (list: { thread: { id: string }; unread: boolean }[]) =>
      list.filter((m) => m.unread).map((m) => m.thread.id);
    const mentions = (await hu.mentions()).body;
    expect(mentions.unread).toBe(2);
    expect(unreadIds(mentions.mentions).sort()).toEqual([a.id, b.id].sort());
    expect(unreadIds((await cz.mentions()).body.mentions)).toEqual([b.id]);

    expect((await ua.deleteComment(a.comments[0]?.id ?? '')).status).toBe(200);
    const after = (await hu.mentions()).body;
    expect(after.unread).toBe(1);
    expect(unreadIds(after.mentions)).toEqual([b.id]);
    expect(after.mentions.some((m) => m.thread.id === a.id)).toBe(false);
  });

  it('does not treat an e-mail address or a lower-case word as a mention', async () => {
    await readAll(hu);
    const thread = (await ua.newThread({ clauseId, body: 'Write to desk@HU.example or @hu.' })).body;
    expect(thread.comments[0]?.mentions).toEqual([]);
    expect((await hu.mentions()).body.unread).toBe(0);
  });

  it('makes a thread unread again when an edit adds a mention after it was read', async () => {
    await readAll(hu);
    const thread = (await ua.newThread({ clauseId, body: 'Draft remark without names.' })).body;
    expect((await hu.markRead(thread.id)).status).toBe(204);
    const edited = await ua.editComment(thread.comments[0]?.id ?? '', 'Draft remark: @HU please confirm.');
    expect(edited.body.comments[0]?.mentions).toEqual(['HU']);
    expect(await huSees(thread.id)).toEqual({ unread: 1, thread: true });
  });

  it('keeps a mention unread when it arrives in the same millisecond as the read', async () => {
    await readAll(hu);
    const thread = (await ua.newThread({ clauseId, body: '@HU one.' })).body;
    // Freeze the (in-process) server's clock: the read and the next mention share one timestamp.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    expect((await hu.markRead(thread.id)).status).toBe(204);
    expect((await cz.reply(thread.id, '@HU two, sent as the thread was being read.')).status).toBe(201);
    vi.useRealTimers();
    expect(await huSees(thread.id)).toEqual({ unread: 1, thread: true });
  });
});
