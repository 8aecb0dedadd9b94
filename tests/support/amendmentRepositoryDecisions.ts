/**
 * Decisions and co-sponsors of the AmendmentRepository contract
 * (amendmentRepositoryContract.ts): conclusions (once only, also at once
 * through two instances), amendments tabled again when their clause is back
 * or their compromise is gone, co-signatures.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AmendmentRepositoryFixture,
  actorOf,
  expectRecentIso,
  tablingBy,
} from './amendmentRepositoryFixture';

export function describeAmendmentDecisions(fixtureOf: () => AmendmentRepositoryFixture): void {
  describe('decisions and co-sponsors', () => {
    let fixture: AmendmentRepositoryFixture;
    const table: ReturnType<typeof tablingBy> = (...args) => tablingBy(fixture)(...args);
    beforeEach(() => {
      fixture = fixtureOf();
    });

    it('concludes a tabled amendment once: the outcome, who and when; a second conclusion changes nothing', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const amendment = await table(documentId, 0, 'cl-1', { kind: 'insert', proposedText: 'A new clause.' });
      const outcome = {
        status: 'accepted-as-modified' as const,
        decidedBy: delegates[2].userId,
        acceptedText: 'A new, shorter clause.',
        createdClauseId: 'cl-new',
      };
      expect(await amendments.conclude(documentId, amendment.id, outcome)).toBe(true);
      const decided = await amendments.get(documentId, amendment.id);
      expect(decided).toEqual({
        ...amendment,
        status: 'accepted-as-modified',
        decidedBy: actorOf(delegates[2]),
        decidedAt: expect.any(String),
        acceptedText: 'A new, shorter clause.',
        createdClauseId: 'cl-new',
      });
      expectRecentIso(decided?.decidedAt ?? null);
      expect(
        await amendments.conclude(documentId, amendment.id, { status: 'rejected', decidedBy: null }),
      ).toBe(false);
      expect(await amendments.get(documentId, amendment.id)).toEqual(decided);
      expect(
        await amendments.conclude(documentId, 'am-unknown', { status: 'rejected', decidedBy: null }),
      ).toBe(false);
    });

    it('a clause deleted in the editor: fallen with nobody as decider; covered: the compromise number', async () => {
      const { amendments, createDocument } = fixture;
      const documentId = await createDocument();
      const a = await table(documentId);
      const b = await table(documentId, 1);
      const fallen = { status: 'fallen' as const, fallenReason: 'clause-deleted' as const, decidedBy: null };
      expect(await amendments.conclude(documentId, a.id, fallen)).toBe(true);
      expect(await amendments.get(documentId, a.id)).toMatchObject({
        ...fallen,
        decidedBy: null,
        acceptedText: null,
      });
      const covered = {
        status: 'covered-by-compromise' as const,
        decidedBy: fixture.delegates[2].userId,
        coveredBy: 7,
      };
      expect(await amendments.conclude(documentId, b.id, covered)).toBe(true);
      expect(await amendments.get(documentId, b.id)).toMatchObject({
        status: 'covered-by-compromise',
        coveredBy: 7,
      });
    });

    it('of ten conclusions of one amendment at once through two instances, exactly one applies', async () => {
      const { amendments, otherInstance, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const amendment = await table(documentId);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? otherInstance : amendments).conclude(documentId, amendment.id, {
            status: i % 3 === 0 ? 'rejected' : 'withdrawn',
            decidedBy: delegates[i % 3]?.userId ?? null,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await amendments.get(documentId, amendment.id))?.status).toBe(
        winner % 3 === 0 ? 'rejected' : 'withdrawn',
      );
    });

    it('reinstates amendments fallen with their clause, clause by clause in the order given; moot and decided ones stay', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const deleted = { status: 'fallen' as const, fallenReason: 'clause-deleted' as const, decidedBy: null };
      const onA1 = await table(documentId, 0, 'cl-a');
      const onB = await table(documentId, 1, 'cl-b');
      const onA2 = await table(documentId, 2, 'cl-a');
      const moot = await table(documentId, 1, 'cl-a');
      const rejected = await table(documentId, 2, 'cl-b');
      const elsewhere = await table(documentId, 0, 'cl-c');
      for (const amendment of [onA1, onB, onA2, elsewhere])
        await amendments.conclude(documentId, amendment.id, deleted);
      await amendments.conclude(documentId, moot.id, {
        status: 'fallen',
        fallenReason: 'moot',
        decidedBy: delegates[2].userId,
      });
      await amendments.conclude(documentId, rejected.id, {
        status: 'rejected',
        decidedBy: delegates[2].userId,
      });
      expect(await amendments.reinstate(documentId, [])).toEqual([]);
      expect(await amendments.reinstate(documentId, ['cl-b', 'cl-a', 'cl-b'])).toEqual([
        onB.id,
        onA1.id,
        onA2.id,
      ]);
      for (const amendment of [onA1, onB, onA2]) {
        expect(await amendments.get(documentId, amendment.id)).toEqual(amendment);
      }
      expect((await amendments.get(documentId, moot.id))?.fallenReason).toBe('moot');
      expect((await amendments.get(documentId, rejected.id))?.status).toBe('rejected');
      expect((await amendments.get(documentId, elsewhere.id))?.status).toBe('fallen');
      expect(await amendments.reinstate(documentId, ['cl-a'])).toEqual([]);
      expect(await amendments.fallenClauseIds(documentId)).toEqual(new Set(['cl-c']));
    });

    it('uncovers what one compromise covered, in number order, as it was tabled; what another covers stays', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const [a, b, c] = [await table(documentId, 0), await table(documentId, 1), await table(documentId, 2)];
      const compromise = await table(documentId, 2, 'cl-1', { compromise: true, covers: [1, 2] });
      const by = delegates[2].userId;
      await amendments.conclude(documentId, b.id, {
        status: 'covered-by-compromise',
        decidedBy: by,
        coveredBy: compromise.number,
      });
      await amendments.conclude(documentId, a.id, {
        status: 'covered-by-compromise',
        decidedBy: by,
        coveredBy: compromise.number,
      });
      await amendments.conclude(documentId, c.id, {
        status: 'covered-by-compromise',
        decidedBy: by,
        coveredBy: 99,
      });
      expect(await amendments.uncover(documentId, compromise.number)).toEqual([a.id, b.id]);
      expect(await amendments.get(documentId, a.id)).toEqual(a);
      expect(await amendments.get(documentId, b.id)).toEqual(b);
      expect((await amendments.get(documentId, c.id))?.coveredBy).toBe(99);
      expect(await amendments.uncover(documentId, compromise.number)).toEqual([]);
    });

    it('co-sponsors: in the order they signed, once per delegation, removed one by one; every read carries them', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const amendment = await table(documentId, 0);
      const other = await table(documentId, 0, 'cl-2');
      await amendments.addCosponsor(amendment.id, delegates[2].participantId, delegates[2].userId);
      await amendments.addCosponsor(amendment.id, delegates[1].participantId, delegates[1].userId);
      await amendments.addCosponsor(amendment.id, delegates[2].participantId, delegates[1].userId);
      const signed = await amendments.get(documentId, amendment.id);
      expect(signed?.cosponsors).toEqual([
        { participantCode: delegates[2].code, by: actorOf(delegates[2]), at: expect.any(String) },
        { participantCode: delegates[1].code, by: actorOf(delegates[1]), at: expect.any(String) },
      ]);
      for (const cosponsor of signed?.cosponsors ?? []) expectRecentIso(cosponsor.at);
      expect((await amendments.list(documentId))[0]).toEqual(signed);
      expect((await amendments.open(documentId, ['cl-1']))[0]).toEqual(signed);
      expect((await amendments.get(documentId, other.id))?.cosponsors).toEqual([]);
      expect(await amendments.removeCosponsor(amendment.id, delegates[2].participantId)).toBe(true);
      expect(await amendments.removeCosponsor(amendment.id, delegates[2].participantId)).toBe(false);
      expect(
        (await amendments.get(documentId, amendment.id))?.cosponsors.map((c) => c.participantCode),
      ).toEqual([delegates[1].code]);
    });
  });
}
