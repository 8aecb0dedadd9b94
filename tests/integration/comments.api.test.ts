import type { CommentThread } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClauses } from '../../server/src/content/outline';
import { apiAs, createSecondDocument, NegotiationApi, signInOutsider } from '../support/negotiationApi';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('comment threads over HTTP: permissions, tombstones and refusals', () => {
  let server: TestServer;
  let pen: NegotiationApi;
  let hu: NegotiationApi;
  let ua: NegotiationApi;
  let observer: NegotiationApi;
  let clauseIds: string[];

  beforeAll(async () => {
    server = await startTestServer();
    pen = await apiAs(server, DEMO.penHolder);
    hu = await apiAs(server, DEMO.hungarianDrafter);
    ua = await apiAs(server, DEMO.commenter);
    observer = await apiAs(server, DEMO.observer);
    const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    clauseIds = readClauses(doc).map((clause) => clause.id);
    doc.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const clause = (index: number) => clauseIds[index] ?? '';

  async function threadCount(): Promise<number> {
    return (await pen.state()).body.threads.length;
  }

  /** A fresh thread by the commenter (UA) on clause `index`. */
  async function uaThread(body: string, index = 0): Promise<CommentThread> {
    const created = await ua.newThread({ clauseId: clause(index), body });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('refuses an observer a thread, a reply, a resolution (403) and stores nothing; the observer reads', async () => {
    const thread = await uaThread('A commenter may comment.');
    const before = await threadCount();
    expect((await observer.newThread({ clauseId: clause(0), body: 'Observer remark' })).status).toBe(403);
    expect((await observer.reply(thread.id, 'Observer reply')).status).toBe(403);
    expect((await observer.resolve(thread.id)).status).toBe(403);
    const seen = await observer.state();
    expect(seen.status).toBe(200);
    expect(seen.body.threads).toHaveLength(before);
    const stored = seen.body.threads.find((t) => t.id === thread.id);
    expect(stored?.comments).toHaveLength(1);
    expect(stored?.resolvedAt).toBeNull();
  });

  it('lets a commenter open a thread: author, times and mentions are set by the server, not the request', async () => {
    const response = await ua.newThread({
      clauseId: clause(1),
      body: '  Please align with @HU and @CZ wording.  ',
      author: { userId: 'forged', name: 'Forged', participantCode: 'PL' },
      createdAt: '2000-01-01T00:00:00.000Z',
    } as never);
    expect(response.status).toBe(201);
    const thread = response.body;
    expect(thread).toMatchObject({
      clauseId: clause(1),
      documentId: server.actionPlanId(),
      anchor: null,
      resolvedAt: null,
      resolvedBy: null,
      author: { name: 'Olena Bondar', participantCode: 'UA' },
    });
    expect(thread.author.userId).not.toBe('forged');
    expect(thread.createdAt).toMatch(ISO_TIME);
    expect(thread.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(thread.comments).toHaveLength(1);
    expect(thread.comments[0]).toMatchObject({
      body: 'Please align with @HU and @CZ wording.',
      author: { participantCode: 'UA' },
      editedAt: null,
      deletedAt: null,
    });
    expect([...(thread.comments[0]?.mentions ?? [])].sort()).toEqual(['CZ', 'HU']);
    const listed = (await hu.state()).body.threads.find((t) => t.id === thread.id);
    expect(listed).toEqual(thread);
  });

  it('lets commenters and drafters reply; replies are kept in order', async () => {
    const thread = await uaThread('First.');
    expect((await hu.reply(thread.id, 'Second, from Hungary.')).status).toBe(201);
    const third = await ua.reply(thread.id, 'Third, from Ukraine.');
    expect(third.status).toBe(201);
    expect(third.body.comments.map((c) => [c.author.participantCode, c.body])).toEqual([
      ['UA', 'First.'],
      ['HU', 'Second, from Hungary.'],
      ['UA', 'Third, from Ukraine.'],
    ]);
  });

  it("refuses editing or deleting someone else's comment (403), even for the pen-holder", async () => {
    const thread = await uaThread('Original wording by Ukraine.');
    const commentId = thread.comments[0]?.id ?? '';
    expect((await hu.editComment(commentId, 'Hijacked')).status).toBe(403);
    expect((await pen.editComment(commentId, 'Hijacked by the chair')).status).toBe(403);
    expect((await hu.deleteComment(commentId)).status).toBe(403);
    expect((await pen.deleteComment(commentId)).status).toBe(403);
    const stored = (await pen.state()).body.threads.find((t) => t.id === thread.id);
    expect(stored?.comments[0]).toMatchObject({
      body: 'Original wording by Ukraine.',
      editedAt: null,
      deletedAt: null,
    });

    const edited = await ua.editComment(commentId, 'Improved wording by Ukraine, cc @RO.');
    expect(edited.status).toBe(200);
    expect(edited.body.comments[0]).toMatchObject({
      body: 'Improved wording by Ukraine, cc @RO.',
      mentions: ['RO'],
      deletedAt: null,
    });
    expect(edited.body.comments[0]?.editedAt).toMatch(ISO_TIME);
  });

  it('leaves a tombstone when a comment is deleted: empty body, deletedAt set, author and time kept', async () => {
    const thread = await uaThread('To be withdrawn, @HU.');
    expect((await hu.reply(thread.id, 'A reply that stays.')).status).toBe(201);
    const original = thread.comments[0];
    if (!original) throw new Error('no comment');
    const deleted = await ua.deleteComment(original.id);
    expect(deleted.status).toBe(200);

    const stored = (await observer.state()).body.threads.find((t) => t.id === thread.id);
    expect(stored?.comments).toHaveLength(2);
    const tombstone = stored?.comments[0];
    expect(tombstone).toMatchObject({
      id: original.id,
      body: '',
      mentions: [],
      author: original.author,
      createdAt: original.createdAt,
    });
    expect(tombstone?.deletedAt).toMatch(ISO_TIME);
    expect(stored?.comments[1]?.body).toBe('A reply that stays.');
    // A tombstone can be neither edited back nor deleted twice.
    expect((await ua.editComment(original.id, 'Resurrected')).status).toBe(403);
    expect((await ua.deleteComment(original.id)).status).toBe(403);
    const after = (await observer.state()).body.threads.find((t) => t.id === thread.id);
    expect(after?.comments[0]?.body).toBe('');
  });

  it("lets only the thread's author or the pen-holder resolve and reopen it", async () => {
    const thread = await uaThread('Resolve me when done.');
    expect((await hu.resolve(thread.id)).status).toBe(403);
    expect((await pen.state()).body.threads.find((t) => t.id === thread.id)?.resolvedAt).toBeNull();

    const resolved = await ua.resolve(thread.id);
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolvedAt).toMatch(ISO_TIME);
    expect(resolved.body.resolvedBy).toMatchObject({ participantCode: 'UA', name: 'Olena Bondar' });

    expect((await hu.reopen(thread.id)).status).toBe(403);
    expect(
      (await pen.state()).body.threads.find((t) => t.id === thread.id)?.resolvedBy?.participantCode,
    ).toBe('UA');
    const reopened = await pen.reopen(thread.id);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ resolvedAt: null, resolvedBy: null });

    const byChair = await pen.resolve(thread.id);
    expect(byChair.status).toBe(200);
    expect(byChair.body.resolvedBy?.participantCode).toBe('PL');
    expect((await ua.reopen(thread.id)).body.resolvedAt).toBeNull();
  });

  it('refuses a commenter demoted to observer any further commenting, own comments included', async () => {
    const thread = await uaThread('Written while still a commenter.');
    const { documents, users } = server.server.repositories;
    const userId = users.findByEmail(DEMO.commenter)?.profile.id ?? '';
    documents.setUserRole(server.actionPlanId(), userId, 'observer');
    try {
      expect((await ua.reply(thread.id, 'Reply as an observer')).status).toBe(403);
      expect((await ua.editComment(thread.comments[0]?.id ?? '', 'Edited as an observer')).status).toBe(403);
      const stored = (await pen.state()).body.threads.find((t) => t.id === thread.id);
      expect(stored?.comments.map((c) => c.body)).toEqual(['Written while still a commenter.']);
    } finally {
      documents.clearUserRole(server.actionPlanId(), userId);
    }
  });

  it('answers 404 for an unknown clause, thread or comment, and stores nothing', async () => {
    const before = await threadCount();
    const unknownClause = await ua.newThread({ clauseId: 'cl-000000000000', body: 'Nowhere' });
    expect(unknownClause.status).toBe(404);
    expect(unknownClause.body).toMatchObject({ error: 'not_found' });
    expect(await threadCount()).toBe(before);

    const noThread = '00000000-0000-4000-8000-000000000000';
    expect((await ua.reply(noThread, 'Into the void')).status).toBe(404);
    expect((await ua.resolve(noThread)).status).toBe(404);
    expect((await ua.reopen(noThread)).status).toBe(404);
    expect((await ua.markRead(noThread)).status).toBe(404);
    expect((await ua.editComment('no-such-comment', 'x')).status).toBe(404);
    expect((await ua.deleteComment('no-such-comment')).status).toBe(404);
  });

  it("answers 404 for another document's thread or comment addressed through this document", async () => {
    const otherId = createSecondDocument(server);
    const otherDoc = loadStoredDoc(server.server.repositories.documentStorage, otherId);
    const otherClause = readClauses(otherDoc)[0]?.id ?? '';
    otherDoc.destroy();
    const uaOther = await apiAs(server, DEMO.commenter, otherId);
    const foreign = await uaOther.newThread({ clauseId: otherClause, body: 'On the second draft.' });
    expect(foreign.status).toBe(201);
    // The Action Plan's clauses are not the second draft's, and vice versa.
    expect((await ua.newThread({ clauseId: otherClause, body: 'Wrong document' })).status).toBe(404);
    expect((await ua.reply(foreign.body.id, 'Cross-document reply')).status).toBe(404);
    expect((await ua.resolve(foreign.body.id)).status).toBe(404);
    expect((await ua.editComment(foreign.body.comments[0]?.id ?? '', 'Cross-document edit')).status).toBe(
      404,
    );
    const stillThere = (await uaOther.state()).body.threads;
    expect(stillThere.map((t) => [t.comments.length, t.comments[0]?.body, t.resolvedAt])).toEqual([
      [1, 'On the second draft.', null],
    ]);
  });

  it('answers 400 for a body that is not JSON or does not fit the schema', async () => {
    const before = await threadCount();
    const badJson = await ua.newThread({ clauseId: clause(0), body: 'x' }, { rawBody: '{"clauseId": "cl-' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ error: 'bad_request' });
    expect((await ua.newThread({ clauseId: clause(0), body: '   ' })).status).toBe(400);
    expect((await ua.newThread({ clauseId: clause(0) } as never)).status).toBe(400);
    expect(
      (
        await ua.newThread({
          clauseId: clause(0),
          body: 'Bad anchor',
          anchor: { start: '', end: 'AAA', quote: 'q' },
        })
      ).status,
    ).toBe(400);
    const thread = await uaThread('Valid.');
    expect((await ua.reply(thread.id, '')).status).toBe(400);
    expect(await threadCount()).toBe(before + 1);
  });

  it('refuses a state-changing request without the CSRF token (403) and stores nothing', async () => {
    const before = await threadCount();
    const noToken = await ua.newThread({ clauseId: clause(0), body: 'No token' }, { csrf: false });
    expect(noToken.status).toBe(403);
    const wrongToken = await ua.request(
      'POST',
      `/api/documents/${server.actionPlanId()}/threads`,
      { clauseId: clause(0), body: 'Wrong token' },
      { csrf: pen.who.csrfToken },
    );
    expect(wrongToken.status).toBe(403);
    const thread = await uaThread('Has a token.');
    const resolve = await ua.request(
      'POST',
      `/api/documents/${server.actionPlanId()}/threads/${thread.id}/resolve`,
      undefined,
      { csrf: false },
    );
    expect(resolve.status).toBe(403);
    const state = (await pen.state()).body;
    expect(state.threads).toHaveLength(before + 1);
    expect(state.threads.find((t) => t.id === thread.id)?.resolvedAt).toBeNull();
  });

  it('answers 404 to a signed-in user without access to the document, like an unknown document', async () => {
    const thread = await uaThread('Private to the process.');
    const outsider = new NegotiationApi(server, await signInOutsider(server), server.actionPlanId());
    expect((await outsider.state()).status).toBe(404);
    expect((await outsider.newThread({ clauseId: clause(0), body: 'Intruding' })).status).toBe(404);
    expect((await outsider.reply(thread.id, 'Intruding')).status).toBe(404);
    expect((await outsider.resolve(thread.id)).status).toBe(404);
    expect((await outsider.history(clause(0))).status).toBe(404);
    const unknownDocument = await ua.request('GET', '/api/documents/no-such-document/negotiation');
    expect(unknownDocument.status).toBe(404);
    const mentions = await outsider.mentions();
    expect(mentions.body).toEqual({ unread: 0, mentions: [] });
    expect((await pen.state()).body.threads.find((t) => t.id === thread.id)?.comments).toHaveLength(1);
  });
});
