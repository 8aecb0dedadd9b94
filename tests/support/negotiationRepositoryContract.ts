/**
 * The contract every NegotiationRepository implementation must meet (one
 * suite, run against each store): SQLite in
 * tests/integration/negotiationRepository.contract.test.ts, PostgreSQL in
 * tests/services/negotiationRepository.test.ts. Results must be the same
 * in shape and content on every store: ids, ISO 8601 UTC times, orders, nulls.
 */
import type { Bracket, ClauseStatus } from '@draftroom/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NegotiationRepository } from '../../server/src/negotiation/negotiationStore';
import { fixturePerTest } from './fixturePerTest';
import { actorOf, pinClock, type RecordWorld, uniqueTag } from './recordWorld';

/** A store under test. */
export interface NegotiationRepositoryFixture {
  /** Repositories on one store, as separate server instances hold them (at least one). */
  instances: NegotiationRepository[];
  world: RecordWorld;
  dispose(): void | Promise<void>;
}

/** The contract every NegotiationRepository implementation must meet. */
export function describeNegotiationRepositoryContract(
  name: string,
  makeFixture: () => NegotiationRepositoryFixture | Promise<NegotiationRepositoryFixture>,
): void {
  describe(`NegotiationRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);
    // Registered after fixturePerTest's, so it runs before the fixture is disposed (after-hooks run in reverse).
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A fresh store with one document and two delegations, `AT` and `HU` (codes of one tag). */
    async function setUp() {
      const fixture = await fresh();
      const repo = fixture.instances[0] as NegotiationRepository;
      const tag = uniqueTag();
      const documentId = await fixture.world.createDocument();
      const otherDocumentId = await fixture.world.createDocument();
      const hu = await fixture.world.createDelegate(`${tag}HU`, 'Hanna Horváth');
      const at = await fixture.world.createDelegate(`${tag}AT`, 'Anton Berger');
      return { repo, instances: fixture.instances, documentId, otherDocumentId, hu, at };
    }

    describe('event numbers', () => {
      it('numbers each document’s events 1, 2, 3… on its own; 0 before the first and for an unknown document', async () => {
        const { repo, documentId, otherDocumentId } = await setUp();
        expect(await repo.lastEventSeq(documentId)).toBe(0);
        expect(await repo.lastEventSeq('no-such-document')).toBe(0);
        expect([await repo.nextEventSeq(documentId), await repo.nextEventSeq(documentId)]).toEqual([1, 2]);
        expect(await repo.nextEventSeq(otherDocumentId)).toBe(1);
        expect(await repo.nextEventSeq(documentId)).toBe(3);
        expect(await repo.lastEventSeq(documentId)).toBe(3);
        expect(await repo.lastEventSeq(otherDocumentId)).toBe(1);
      });

      it('gives 40 allocations at once, through every instance, the numbers 1…40 once each', async () => {
        const { instances, documentId } = await setUp();
        const allocations = Array.from({ length: 40 }, (_, index) =>
          (instances[index % instances.length] as NegotiationRepository).nextEventSeq(documentId),
        );
        const numbers = await Promise.all(allocations);
        expect([...numbers].sort((a, b) => a - b)).toEqual(
          Array.from({ length: 40 }, (_, index) => index + 1),
        );
        expect(await (instances.at(-1) as NegotiationRepository).lastEventSeq(documentId)).toBe(40);
      });

      it('refuses a number for a document that does not exist, and counts nothing', async () => {
        const { repo } = await setUp();
        await expect(repo.nextEventSeq('no-such-document')).rejects.toThrow();
        expect(await repo.lastEventSeq('no-such-document')).toBe(0);
      });
    });

    describe('clause statuses', () => {
      it('returns the entry stored: the status, the actor, the time as ISO 8601 UTC with milliseconds', async () => {
        const { repo, documentId, hu } = await setUp();
        pinClock('2031-02-03T04:05:06.789Z');
        const entry = await repo.setStatus(documentId, 'cl-1', 'bracketed', hu.userId);
        expect(entry).toEqual({
          clauseId: 'cl-1',
          status: 'bracketed',
          changedAt: '2031-02-03T04:05:06.789Z',
          changedBy: actorOf(hu),
        });
      });

      it('keeps one current status per clause, in clause-id order by code point, and the full history', async () => {
        const { repo, documentId, otherDocumentId, hu, at } = await setUp();
        pinClock('2031-02-03T10:00:00.000Z');
        await repo.setStatus(documentId, 'cl-b', 'open', hu.userId);
        await repo.setStatus(documentId, 'cl-a', 'agreed', at.userId);
        await repo.setStatus(documentId, 'cl-B', 'agreed-ad-referendum', hu.userId);
        pinClock('2031-02-03T10:00:01.000Z');
        await repo.setStatus(documentId, 'cl-b', 'agreed', at.userId);
        // Same millisecond: the one set last is current.
        await repo.setStatus(documentId, 'cl-a', 'bracketed', hu.userId);
        await repo.setStatus(otherDocumentId, 'cl-a', 'agreed', hu.userId);

        const current = await repo.statuses(documentId);
        expect(current.map((entry) => [entry.clauseId, entry.status, entry.changedBy.userId])).toEqual([
          ['cl-B', 'agreed-ad-referendum', hu.userId],
          ['cl-a', 'bracketed', hu.userId],
          ['cl-b', 'agreed', at.userId],
        ]);
        expect(await repo.statuses(documentId, 'cl-b')).toEqual([current[2]]);
        expect(await repo.statuses(documentId, 'cl-none')).toEqual([]);
        expect(await repo.agreedClauses(documentId)).toEqual(['cl-b']);
        expect(await repo.agreedClauses(otherDocumentId)).toEqual(['cl-a']);

        const history = await repo.statusHistory(documentId, 'cl-a');
        expect(history).toEqual([
          {
            clauseId: 'cl-a',
            status: 'agreed',
            changedAt: '2031-02-03T10:00:00.000Z',
            changedBy: actorOf(at),
          },
          {
            clauseId: 'cl-a',
            status: 'bracketed',
            changedAt: '2031-02-03T10:00:01.000Z',
            changedBy: actorOf(hu),
          },
        ]);
        expect(await repo.statusHistory(documentId, 'cl-none')).toEqual([]);
        expect(await repo.statuses('no-such-document')).toEqual([]);
        expect(await repo.agreedClauses('no-such-document')).toEqual([]);
      });

      it('refuses an unknown user or status and stores nothing', async () => {
        const { repo, documentId, hu } = await setUp();
        await expect(repo.setStatus(documentId, 'cl-1', 'agreed', 'no-such-user')).rejects.toThrow();
        await expect(
          repo.setStatus(documentId, 'cl-1', 'settled' as ClauseStatus, hu.userId),
        ).rejects.toThrow();
        await expect(repo.setStatus('no-such-document', 'cl-1', 'agreed', hu.userId)).rejects.toThrow();
        expect(await repo.statusHistory(documentId, 'cl-1')).toEqual([]);
        expect(await repo.statusHistory('no-such-document', 'cl-1')).toEqual([]);
      });
    });

    describe('delegation positions', () => {
      it('keeps one current position per delegation and clause, by clause id then code, and the full history', async () => {
        const { repo, documentId, otherDocumentId, hu, at } = await setUp();
        pinClock('2031-03-01T08:00:00.000Z');
        const first = await repo.setPosition(
          documentId,
          'cl-2',
          hu.participantId,
          { position: 'reservation', note: 'Scrutiny reservation' },
          hu.userId,
        );
        expect(first).toEqual({
          clauseId: 'cl-2',
          participantCode: hu.code,
          position: 'reservation',
          note: 'Scrutiny reservation',
          setAt: '2031-03-01T08:00:00.000Z',
          setBy: actorOf(hu),
        });
        await repo.setPosition(
          documentId,
          'cl-2',
          at.participantId,
          { position: 'supports', note: '' },
          at.userId,
        );
        await repo.setPosition(
          documentId,
          'cl-1',
          hu.participantId,
          { position: 'opposes', note: 'No' },
          hu.userId,
        );
        pinClock('2031-03-01T09:30:00.250Z');
        const latest = await repo.setPosition(
          documentId,
          'cl-2',
          hu.participantId,
          { position: 'supports', note: 'Reservation lifted' },
          hu.userId,
        );
        expect(latest.setAt).toBe('2031-03-01T09:30:00.250Z');
        // One user recording another delegation's position on the same clause gets that entry back, not their own.
        const onBehalf = await repo.setPosition(
          otherDocumentId,
          'cl-9',
          at.participantId,
          { position: 'supports', note: 'for AT' },
          hu.userId,
        );
        const own = await repo.setPosition(
          otherDocumentId,
          'cl-9',
          hu.participantId,
          { position: 'opposes', note: 'for HU' },
          hu.userId,
        );
        expect([onBehalf.participantCode, onBehalf.note]).toEqual([at.code, 'for AT']);
        expect([own.participantCode, own.note]).toEqual([hu.code, 'for HU']);
        const again = await repo.setPosition(
          otherDocumentId,
          'cl-9',
          at.participantId,
          { position: 'reservation', note: 'AT again' },
          hu.userId,
        );
        expect([again.participantCode, again.position]).toEqual([at.code, 'reservation']);
        await repo.setPosition(
          otherDocumentId,
          'cl-2',
          at.participantId,
          { position: 'opposes', note: '' },
          at.userId,
        );

        const current = await repo.positions(documentId);
        expect(
          current.map((entry) => [entry.clauseId, entry.participantCode, entry.position, entry.note]),
        ).toEqual([
          ['cl-1', hu.code, 'opposes', 'No'],
          ['cl-2', at.code, 'supports', ''],
          ['cl-2', hu.code, 'supports', 'Reservation lifted'],
        ]);
        expect(current[2]).toEqual(latest);
        expect(await repo.positions(documentId, 'cl-2')).toEqual(current.slice(1));
        expect(await repo.positions(documentId, 'cl-none')).toEqual([]);
        expect(
          (await repo.positionHistory(documentId, 'cl-2')).map((entry) => [
            entry.participantCode,
            entry.note,
          ]),
        ).toEqual([
          [hu.code, 'Scrutiny reservation'],
          [at.code, ''],
          [hu.code, 'Reservation lifted'],
        ]);
        expect(await repo.positionHistory(documentId, 'cl-none')).toEqual([]);
        expect(await repo.positions('no-such-document')).toEqual([]);
      });

      it('refuses an unknown delegation or user and stores nothing', async () => {
        const { repo, documentId, hu } = await setUp();
        const position = { position: 'supports' as const, note: '' };
        await expect(
          repo.setPosition(documentId, 'cl-1', 'no-such-participant', position, hu.userId),
        ).rejects.toThrow();
        await expect(
          repo.setPosition(documentId, 'cl-1', hu.participantId, position, 'no-such-user'),
        ).rejects.toThrow();
        expect(await repo.positionHistory(documentId, 'cl-1')).toEqual([]);
      });
    });

    describe('brackets', () => {
      it('stores a bracket with its alternatives numbered in order, and its proponent', async () => {
        const { repo, documentId, hu } = await setUp();
        pinClock('2031-04-05T06:07:08.009Z');
        const user = { id: hu.userId, participantId: hu.participantId };
        const bracket = await repo.createBracket(
          documentId,
          { id: 'br-1', clauseId: 'cl-1', alternatives: ['shall', 'should'] },
          user,
        );
        expect(bracket).toEqual({
          id: 'br-1',
          clauseId: 'cl-1',
          proponentCode: hu.code,
          createdAt: '2031-04-05T06:07:08.009Z',
          createdBy: actorOf(hu),
          alternatives: [
            { index: 0, text: 'shall', proponentCode: hu.code },
            { index: 1, text: 'should', proponentCode: hu.code },
          ],
          resolution: null,
        });
        expect(await repo.bracket(documentId, 'br-1')).toEqual(bracket);
        expect(await repo.brackets(documentId)).toEqual([bracket]);
        const bare = await repo.createBracket(
          documentId,
          { id: 'br-0', clauseId: 'cl-1', alternatives: [] },
          user,
        );
        expect(bare.alternatives).toEqual([]);
      });

      it('scopes ids per document: a taken id is refused there (nothing changes) and free elsewhere', async () => {
        const { repo, documentId, otherDocumentId, hu, at } = await setUp();
        const user = { id: hu.userId, participantId: hu.participantId };
        const original = await repo.createBracket(
          documentId,
          { id: 'br-x', clauseId: 'cl-1', alternatives: ['a', 'b'] },
          user,
        );
        expect(await repo.bracketIdTaken(documentId, 'br-x')).toBe(true);
        expect(await repo.bracketIdTaken(otherDocumentId, 'br-x')).toBe(false);
        expect(await repo.bracketIdTaken(documentId, 'br-y')).toBe(false);
        const again = { id: 'br-x', clauseId: 'cl-9', alternatives: ['c', 'd', 'e'] };
        await expect(
          repo.createBracket(documentId, again, { id: at.userId, participantId: at.participantId }),
        ).rejects.toThrow();
        expect(await repo.brackets(documentId)).toEqual([original]);

        const elsewhere = await repo.createBracket(otherDocumentId, again, {
          id: at.userId,
          participantId: at.participantId,
        });
        expect(elsewhere).toMatchObject({ id: 'br-x', clauseId: 'cl-9', proponentCode: at.code });
        expect(await repo.bracket(documentId, 'br-x')).toEqual(original);
        expect(await repo.bracket(documentId, 'br-none')).toBeUndefined();
        expect(await repo.brackets('no-such-document')).toEqual([]);
      });

      it('refuses a bracket of an unknown delegation or user, storing neither it nor its alternatives', async () => {
        const { repo, documentId, hu } = await setUp();
        const bracket = { id: 'br-1', clauseId: 'cl-1', alternatives: ['a'] };
        await expect(
          repo.createBracket(documentId, bracket, { id: hu.userId, participantId: 'no-such-participant' }),
        ).rejects.toThrow();
        await expect(
          repo.createBracket(documentId, bracket, { id: 'no-such-user', participantId: hu.participantId }),
        ).rejects.toThrow();
        expect(await repo.bracketIdTaken(documentId, 'br-1')).toBe(false);
        // The id is free: a valid bracket takes it with only its own alternatives.
        const created = await repo.createBracket(
          documentId,
          { ...bracket, alternatives: ['b'] },
          { id: hu.userId, participantId: hu.participantId },
        );
        expect(created.alternatives.map((option) => option.text)).toEqual(['b']);
      });

      it('lists brackets oldest first, brackets of one millisecond by id', async () => {
        const { repo, documentId, hu } = await setUp();
        const user = { id: hu.userId, participantId: hu.participantId };
        pinClock('2031-04-05T10:00:00.500Z');
        await repo.createBracket(documentId, { id: 'br-late', clauseId: 'cl-1', alternatives: ['x'] }, user);
        pinClock('2031-04-05T10:00:00.100Z');
        await repo.createBracket(documentId, { id: 'br-b', clauseId: 'cl-1', alternatives: ['x'] }, user);
        await repo.createBracket(documentId, { id: 'br-a', clauseId: 'cl-2', alternatives: ['x'] }, user);
        expect((await repo.brackets(documentId)).map((bracket) => bracket.id)).toEqual([
          'br-a',
          'br-b',
          'br-late',
        ]);
      });

      it('numbers added alternatives after the last, by their own proponent; 20 added at once get 1…20 once each', async () => {
        const { repo, instances, documentId, hu, at } = await setUp();
        await repo.createBracket(
          documentId,
          { id: 'br-1', clauseId: 'cl-1', alternatives: ['shall'] },
          { id: hu.userId, participantId: hu.participantId },
        );
        const added = await repo.addAlternative(documentId, 'br-1', 'may', at.participantId);
        expect(added.alternatives).toEqual([
          { index: 0, text: 'shall', proponentCode: hu.code },
          { index: 1, text: 'may', proponentCode: at.code },
        ]);
        expect(added.proponentCode).toBe(hu.code);

        await repo.createBracket(
          documentId,
          { id: 'br-2', clauseId: 'cl-1', alternatives: ['one'] },
          { id: hu.userId, participantId: hu.participantId },
        );
        await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (instances[index % instances.length] as NegotiationRepository).addAlternative(
              documentId,
              'br-2',
              `text ${index}`,
              at.participantId,
            ),
          ),
        );
        const bracket = await repo.bracket(documentId, 'br-2');
        expect(bracket?.alternatives.map((option) => option.index)).toEqual(
          Array.from({ length: 21 }, (_, index) => index),
        );
        expect(new Set(bracket?.alternatives.map((option) => option.text)).size).toBe(21);
      });

      it('refuses an alternative to an unknown bracket, or another document’s', async () => {
        const { repo, documentId, otherDocumentId, hu } = await setUp();
        await repo.createBracket(
          documentId,
          { id: 'br-1', clauseId: 'cl-1', alternatives: ['a'] },
          { id: hu.userId, participantId: hu.participantId },
        );
        await expect(repo.addAlternative(documentId, 'br-none', 'b', hu.participantId)).rejects.toThrow();
        await expect(repo.addAlternative(otherDocumentId, 'br-1', 'b', hu.participantId)).rejects.toThrow();
        expect((await repo.bracket(documentId, 'br-1'))?.alternatives).toHaveLength(1);
      });

      it('resolves a bracket by keeping one alternative (its text) or dropping it, with who and when', async () => {
        const { repo, documentId, otherDocumentId, hu, at } = await setUp();
        const user = { id: hu.userId, participantId: hu.participantId };
        pinClock('2031-05-06T07:00:00.000Z');
        await repo.createBracket(
          documentId,
          { id: 'br-keep', clauseId: 'cl-1', alternatives: ['shall', 'should'] },
          user,
        );
        pinClock('2031-05-06T07:00:01.000Z');
        await repo.createBracket(documentId, { id: 'br-drop', clauseId: 'cl-2', alternatives: ['x'] }, user);
        pinClock('2031-05-06T07:08:09.010Z');
        const kept = (await repo.resolveBracket(documentId, 'br-keep', 1, at.userId)) as Bracket;
        expect(kept.resolution).toEqual({
          kind: 'kept',
          index: 1,
          text: 'should',
          by: actorOf(at),
          at: '2031-05-06T07:08:09.010Z',
        });
        const dropped = (await repo.resolveBracket(documentId, 'br-drop', null, at.userId)) as Bracket;
        expect(dropped.resolution).toEqual({
          kind: 'dropped',
          by: actorOf(at),
          at: '2031-05-06T07:08:09.010Z',
        });
        expect(await repo.brackets(documentId)).toEqual([kept, dropped]);

        expect(await repo.resolveBracket(documentId, 'br-none', null, at.userId)).toBeUndefined();
        expect(await repo.resolveBracket(otherDocumentId, 'br-keep', null, at.userId)).toBeUndefined();
        expect((await repo.bracket(documentId, 'br-keep'))?.resolution).toEqual(kept.resolution);
        // Decided once: resolving a resolved bracket again (two instances racing) changes nothing.
        pinClock('2031-05-06T07:09:00.000Z');
        expect(await repo.resolveBracket(documentId, 'br-keep', null, at.userId)).toBeUndefined();
        expect(await repo.bracket(documentId, 'br-keep')).toEqual(kept);
      });
    });
  });
}
