/**
 * The contract every CommentRepository implementation must meet (one suite,
 * run against each store): SQLite in
 * tests/integration/commentRepository.contract.test.ts, PostgreSQL in
 * tests/services/commentRepository.test.ts. Results must be the same in
 * shape and content on every store: ids, ISO 8601 UTC times, orders, nulls,
 * anchors (key order included) and mention lists.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommentRepository } from '../../server/src/comments/commentStore';
import { fixturePerTest } from './fixturePerTest';
import { actorOf, type Delegate, pinClock, type RecordWorld, uniqueTag } from './recordWorld';

/** A store under test. */
export interface CommentRepositoryFixture {
  /** Repositories on one store, as separate server instances hold them (at least one). */
  instances: CommentRepository[];
  world: RecordWorld;
  dispose(): void | Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The contract every CommentRepository implementation must meet. */
export function describeCommentRepositoryContract(
  name: string,
  makeFixture: () => CommentRepositoryFixture | Promise<CommentRepositoryFixture>,
): void {
  describe(`CommentRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);
    // Registered after fixturePerTest's, so it runs before the fixture is disposed (after-hooks run in reverse).
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A fresh store with two documents and three delegations (`HU`, `CZ`, `UA`: codes of one tag). */
    async function setUp() {
      const fixture = await fresh();
      const repo = fixture.instances[0] as CommentRepository;
      const tag = uniqueTag();
      const documentId = await fixture.world.createDocument();
      const otherDocumentId = await fixture.world.createDocument();
      const hu = await fixture.world.createDelegate(`${tag}HU`, 'Hanna Horváth');
      const cz = await fixture.world.createDelegate(`${tag}CZ`, 'Petr Dvořák');
      const ua = await fixture.world.createDelegate(`${tag}UA`, 'Olena Koval');
      /** Opens a thread on clause `cl-1` by `author` with one comment. */
      const open = (author: Delegate, body: string, mentions: string[] = [], onDocument = documentId) =>
        repo.createThread(onDocument, { clauseId: 'cl-1', anchor: null, body, mentions }, author.userId);
      return { repo, instances: fixture.instances, documentId, otherDocumentId, hu, cz, ua, open };
    }

    describe('threads and comments', () => {
      it('opens a thread with its first comment: ids, author, times, anchor as given (key order too), mentions in order', async () => {
        const { repo, documentId, hu, cz, ua } = await setUp();
        pinClock('2031-06-07T08:09:10.011Z');
        const anchor = { start: 'AQID', end: 'BAUG', quote: 'border guards' };
        const thread = await repo.createThread(
          documentId,
          { clauseId: 'cl-7', anchor, body: 'Could @UA and @CZ check this?', mentions: [ua.code, cz.code] },
          hu.userId,
        );
        expect(thread.id).toMatch(UUID);
        expect(thread).toEqual({
          id: thread.id,
          documentId,
          clauseId: 'cl-7',
          anchor,
          author: actorOf(hu),
          createdAt: '2031-06-07T08:09:10.011Z',
          resolvedAt: null,
          resolvedBy: null,
          comments: [
            {
              id: expect.stringMatching(UUID),
              threadId: thread.id,
              author: actorOf(hu),
              body: 'Could @UA and @CZ check this?',
              createdAt: '2031-06-07T08:09:10.011Z',
              editedAt: null,
              deletedAt: null,
              mentions: [ua.code, cz.code],
            },
          ],
        });
        expect(Object.keys(thread.anchor ?? {})).toEqual(['start', 'end', 'quote']);
        expect(await repo.thread(documentId, thread.id)).toEqual(thread);
        const bare = await repo.createThread(
          documentId,
          { clauseId: 'cl-7', anchor: null, body: 'x', mentions: [] },
          hu.userId,
        );
        expect(bare.anchor).toBeNull();
        expect(bare.comments[0]?.mentions).toEqual([]);
      });

      it('keeps replies in order, replies of one millisecond in the order written', async () => {
        const { repo, documentId, hu, cz, open } = await setUp();
        pinClock('2031-06-07T09:00:00.000Z');
        const thread = await open(hu, 'First');
        pinClock('2031-06-07T09:00:02.000Z');
        await repo.reply(documentId, thread.id, 'Third, later', [], cz.userId);
        pinClock('2031-06-07T09:00:01.000Z');
        await repo.reply(documentId, thread.id, 'Second b', [], cz.userId);
        const replied = await repo.reply(documentId, thread.id, 'Second a', [hu.code], hu.userId);
        expect(
          replied.comments.map((comment) => [comment.body, comment.author.userId, comment.createdAt]),
        ).toEqual([
          ['First', hu.userId, '2031-06-07T09:00:00.000Z'],
          ['Second b', cz.userId, '2031-06-07T09:00:01.000Z'],
          ['Second a', hu.userId, '2031-06-07T09:00:01.000Z'],
          ['Third, later', cz.userId, '2031-06-07T09:00:02.000Z'],
        ]);
        expect(replied.comments[2]?.mentions).toEqual([hu.code]);
        expect(await repo.thread(documentId, thread.id)).toEqual(replied);
      });

      it('refuses a reply to an unknown thread or by an unknown user, and stores nothing', async () => {
        const { repo, documentId, hu, open } = await setUp();
        const thread = await open(hu, 'First');
        await expect(repo.reply(documentId, 'no-such-thread', 'Lost', [], hu.userId)).rejects.toThrow();
        await expect(repo.reply(documentId, thread.id, 'Lost', [], 'no-such-user')).rejects.toThrow();
        await expect(
          repo.createThread(
            documentId,
            { clauseId: 'cl-1', anchor: null, body: 'Lost', mentions: [] },
            'no-such-user',
          ),
        ).rejects.toThrow();
        await expect(
          repo.createThread(
            'no-such-document',
            { clauseId: 'cl-1', anchor: null, body: 'Lost', mentions: [] },
            hu.userId,
          ),
        ).rejects.toThrow();
        expect(await repo.threads(documentId)).toEqual([thread]);
        expect(await repo.threads('no-such-document')).toEqual([]);
      });

      it('lists a document’s threads oldest first (one millisecond: in the order opened), not another document’s', async () => {
        const { repo, documentId, otherDocumentId, hu, cz, open } = await setUp();
        pinClock('2031-06-08T10:00:00.000Z');
        const late = await open(hu, 'Late');
        pinClock('2031-06-08T09:00:00.000Z');
        const early1 = await open(cz, 'Early one');
        const early2 = await open(hu, 'Early two');
        await open(hu, 'Elsewhere', [], otherDocumentId);
        expect((await repo.threads(documentId)).map((thread) => thread.id)).toEqual([
          early1.id,
          early2.id,
          late.id,
        ]);
        expect(await repo.threads(documentId, early2.id)).toEqual([early2]);
        expect(await repo.thread(documentId, 'no-such-thread')).toBeUndefined();
        expect(await repo.thread(otherDocumentId, late.id)).toBeUndefined();
      });

      it('finds a comment with its thread and document; undefined for an unknown one', async () => {
        const { repo, documentId, hu, open } = await setUp();
        const thread = await open(hu, 'First');
        const commentId = thread.comments[0]?.id ?? '';
        expect(await repo.findComment(commentId)).toEqual({
          threadId: thread.id,
          documentId,
          authorId: hu.userId,
          deletedAt: null,
        });
        expect(await repo.findComment('no-such-comment')).toBeUndefined();
      });

      it('edits a comment’s text and mentions, with the time; a deleted comment stays a tombstone', async () => {
        const { repo, documentId, hu, cz, open } = await setUp();
        pinClock('2031-06-09T10:00:00.000Z');
        const thread = await open(hu, 'Draft', [cz.code]);
        const commentId = thread.comments[0]?.id ?? '';
        pinClock('2031-06-09T10:05:00.500Z');
        await repo.editComment(commentId, 'Draft, @HU too', [cz.code, hu.code]);
        const edited = (await repo.thread(documentId, thread.id))?.comments[0];
        expect(edited).toMatchObject({
          body: 'Draft, @HU too',
          mentions: [cz.code, hu.code],
          createdAt: '2031-06-09T10:00:00.000Z',
          editedAt: '2031-06-09T10:05:00.500Z',
          deletedAt: null,
        });

        pinClock('2031-06-09T10:06:00.000Z');
        await repo.deleteComment(commentId);
        const tombstone = {
          ...edited,
          body: '',
          mentions: [],
          deletedAt: '2031-06-09T10:06:00.000Z',
        };
        expect((await repo.thread(documentId, thread.id))?.comments[0]).toEqual(tombstone);
        expect((await repo.findComment(commentId))?.deletedAt).toBe('2031-06-09T10:06:00.000Z');
        pinClock('2031-06-09T10:07:00.000Z');
        await repo.editComment(commentId, 'Back from the dead', [hu.code]);
        await repo.deleteComment(commentId);
        expect((await repo.thread(documentId, thread.id))?.comments[0]).toEqual(tombstone);
        await repo.editComment('no-such-comment', 'Nothing', []);
        await repo.deleteComment('no-such-comment');
      });

      it('resolves and reopens a thread, with who and when; undefined for another document’s thread', async () => {
        const { repo, documentId, otherDocumentId, hu, cz, open } = await setUp();
        const thread = await open(hu, 'First');
        pinClock('2031-06-10T11:00:00.000Z');
        const resolved = await repo.setResolved(documentId, thread.id, cz.userId);
        expect(resolved).toEqual({
          ...thread,
          resolvedAt: '2031-06-10T11:00:00.000Z',
          resolvedBy: actorOf(cz),
        });
        const reopened = await repo.setResolved(documentId, thread.id, null);
        expect(reopened).toEqual(thread);
        expect(await repo.setResolved(otherDocumentId, thread.id, cz.userId)).toBeUndefined();
        expect(await repo.setResolved(documentId, 'no-such-thread', cz.userId)).toBeUndefined();
        expect(await repo.thread(documentId, thread.id)).toEqual(thread);
      });
    });

    describe('mentions and read marks', () => {
      it('lists a delegation’s mentioning threads, unread until read, unread again after a later mention', async () => {
        const { repo, documentId, hu, cz, ua, open } = await setUp();
        expect(await repo.mentioning(hu.code, hu.userId)).toEqual([]);
        const thread = await open(ua, `Could @HU check? @HU!`, [hu.code, hu.code]);
        const listed = await repo.mentioning(hu.code, hu.userId);
        expect(listed).toEqual([{ thread, unread: true }]);
        expect(await repo.mentioning(cz.code, cz.userId)).toEqual([]);

        await repo.markRead(hu.userId, thread.id);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(false);
        // Another user of the mentioned delegation has not read it.
        expect((await repo.mentioning(hu.code, cz.userId))[0]?.unread).toBe(true);
        await repo.reply(documentId, thread.id, 'Noted, no names.', [], cz.userId);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(false);
        await repo.reply(documentId, thread.id, '@HU the figures changed.', [hu.code], cz.userId);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
        await repo.markRead(hu.userId, thread.id);
        await repo.markRead(hu.userId, thread.id);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(false);
      });

      it('keeps a mention written in the same millisecond as the read unread', async () => {
        const { repo, documentId, hu, cz, ua, open } = await setUp();
        const thread = await open(ua, '@HU one.', [hu.code]);
        pinClock('2031-07-01T00:00:00.000Z');
        await repo.markRead(hu.userId, thread.id);
        await repo.reply(documentId, thread.id, '@HU two.', [hu.code], cz.userId);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
      });

      it('makes a read thread unread when an edit adds a mention; forgets a mention whose comment was deleted', async () => {
        const { repo, hu, ua, open } = await setUp();
        const thread = await open(ua, 'No names yet.');
        await repo.markRead(hu.userId, thread.id);
        expect(await repo.mentioning(hu.code, hu.userId)).toEqual([]);
        const commentId = thread.comments[0]?.id ?? '';
        await repo.editComment(commentId, 'Now @HU please confirm.', [hu.code]);
        expect((await repo.mentioning(hu.code, hu.userId)).map((m) => [m.thread.id, m.unread])).toEqual([
          [thread.id, true],
        ]);
        await repo.deleteComment(commentId);
        expect(await repo.mentioning(hu.code, hu.userId)).toEqual([]);
      });

      it('lists the most recently mentioning thread first, across documents', async () => {
        const { repo, documentId, otherDocumentId, hu, cz, ua, open } = await setUp();
        const first = await open(ua, '@HU a', [hu.code]);
        const second = await open(cz, '@HU b', [hu.code], otherDocumentId);
        const third = await open(cz, '@HU c', [hu.code]);
        expect((await repo.mentioning(hu.code, hu.userId)).map((m) => m.thread.id)).toEqual([
          third.id,
          second.id,
          first.id,
        ]);
        await repo.reply(documentId, first.id, '@HU again', [hu.code], cz.userId);
        await repo.markRead(hu.userId, second.id);
        const listed = await repo.mentioning(hu.code, hu.userId);
        expect(listed.map((m) => [m.thread.id, m.unread])).toEqual([
          [first.id, true],
          [third.id, true],
          [second.id, false],
        ]);
        expect(listed[2]?.thread).toEqual(second);
      });

      it('refuses a read mark of an unknown thread or user', async () => {
        const { repo, hu, open } = await setUp();
        const thread = await open(hu, '@HU self', [hu.code]);
        await expect(repo.markRead(hu.userId, 'no-such-thread')).rejects.toThrow();
        await expect(repo.markRead('no-such-user', thread.id)).rejects.toThrow();
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
      });

      it('stores 30 replies written at once through every instance, each once; a read after them covers them all', async () => {
        const { repo, instances, documentId, hu, cz, open } = await setUp();
        const thread = await open(cz, 'Open for comments');
        await Promise.all(
          Array.from({ length: 30 }, (_, index) =>
            (instances[index % instances.length] as CommentRepository).reply(
              documentId,
              thread.id,
              `@HU ${index}`,
              [hu.code],
              cz.userId,
            ),
          ),
        );
        const stored = await repo.thread(documentId, thread.id);
        expect(stored?.comments).toHaveLength(31);
        expect(new Set(stored?.comments.map((comment) => comment.body)).size).toBe(31);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
        await repo.markRead(hu.userId, thread.id);
        expect((await repo.mentioning(hu.code, hu.userId))[0]?.unread).toBe(false);
      });
    });
  });
}
