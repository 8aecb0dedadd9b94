/**
 * The transactions of the AmendmentRepository contract
 * (amendmentRepositoryContract.ts): several calls committed together or not
 * at all, nested transactions, and transactions through two instances at once.
 */
import { describe, expect, it } from 'vitest';
import { type AmendmentRepositoryFixture, type Delegate, tabling } from './amendmentRepositoryFixture';

export function describeAmendmentTransactions(fixtureOf: () => AmendmentRepositoryFixture): void {
  describe('transactions', () => {
    it('commits a compromise and the conclusions of what it covers together, and returns the work’s result', async () => {
      const { amendments, delegates, createDocument } = fixtureOf();
      const documentId = await createDocument();
      const a = await amendments.insert(tabling(documentId, delegates[0]));
      const b = await amendments.insert(tabling(documentId, delegates[1]));
      const result = await amendments.transaction(async (tx) => {
        const compromise = await tx.insert({
          ...tabling(documentId, delegates[2]),
          compromise: true,
          covers: [a.number, b.number],
        });
        for (const covered of [a, b]) {
          const outcome = {
            status: 'covered-by-compromise' as const,
            decidedBy: delegates[2].userId,
            coveredBy: compromise.number,
          };
          if (!(await tx.conclude(documentId, covered.id, outcome))) throw new Error('not tabled');
        }
        // The work reads its own writes.
        expect((await tx.open(documentId)).map((amendment) => amendment.id)).toEqual([compromise.id]);
        return compromise.number;
      });
      expect(result).toBe(3);
      expect(
        (await amendments.list(documentId)).map((amendment) => [
          amendment.number,
          amendment.status,
          amendment.coveredBy,
        ]),
      ).toEqual([
        [1, 'covered-by-compromise', 3],
        [2, 'covered-by-compromise', 3],
        [3, 'tabled', null],
      ]);
    });

    it('a work that rejects leaves nothing: its tabling, its number and its conclusions are undone', async () => {
      const { amendments, delegates, createDocument } = fixtureOf();
      const documentId = await createDocument();
      const a = await amendments.insert(tabling(documentId, delegates[0]));
      await expect(
        amendments.transaction(async (tx) => {
          await tx.insert(tabling(documentId, delegates[1]));
          await tx.conclude(documentId, a.id, { status: 'withdrawn', decidedBy: delegates[0].userId });
          await tx.addCosponsor(a.id, delegates[2].participantId, delegates[2].userId);
          throw new Error('refused after the writes');
        }),
      ).rejects.toThrow('refused after the writes');
      expect(await amendments.list(documentId)).toEqual([a]);
      expect((await amendments.insert(tabling(documentId, delegates[1]))).number).toBe(2);
    });

    it('a nested transaction that rejects undoes only its own calls; the outer one goes on and commits', async () => {
      const { amendments, delegates, createDocument } = fixtureOf();
      const documentId = await createDocument();
      const a = await amendments.insert(tabling(documentId, delegates[0]));
      const numbers = await amendments.transaction(async (tx) => {
        const kept = await tx.insert(tabling(documentId, delegates[1], 'cl-kept'));
        const inner = await tx
          .transaction(async (nested) => {
            await nested.insert(tabling(documentId, delegates[2], 'cl-undone'));
            await nested.conclude(documentId, a.id, { status: 'rejected', decidedBy: delegates[2].userId });
            throw new Error('inner refused');
          })
          .catch((error: Error) => error.message);
        const committed = await tx.transaction(async (nested) =>
          nested.insert(tabling(documentId, delegates[2], 'cl-nested')),
        );
        return { kept: kept.number, inner, committed: committed.number };
      });
      expect(numbers).toEqual({ kept: 2, inner: 'inner refused', committed: 3 });
      const listed = await amendments.list(documentId);
      expect(listed.map((amendment) => [amendment.number, amendment.clauseId, amendment.status])).toEqual([
        [1, 'cl-1', 'tabled'],
        [2, 'cl-kept', 'tabled'],
        [3, 'cl-nested', 'tabled'],
      ]);
    });

    it('20 transactions at once through two instances, each tabling and concluding: numbers 1…20 once each, every outcome kept', async () => {
      const { amendments, otherInstance, delegates, createDocument } = fixtureOf();
      const documentId = await createDocument();
      const numbers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? otherInstance : amendments).transaction(async (tx) => {
            const delegate = delegates[i % 3] as Delegate;
            const tabled = await tx.insert(tabling(documentId, delegate, `cl-${i}`));
            await tx.addCosponsor(
              tabled.id,
              (delegates[(i + 1) % 3] as Delegate).participantId,
              (delegates[(i + 1) % 3] as Delegate).userId,
            );
            const concluded = await tx.conclude(documentId, tabled.id, {
              status: 'withdrawn',
              decidedBy: delegate.userId,
            });
            return concluded ? tabled.number : -1;
          }),
        ),
      );
      expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const listed = await amendments.list(documentId);
      expect(listed.map((amendment) => amendment.status)).toEqual(Array(20).fill('withdrawn'));
      expect(listed.every((amendment) => amendment.cosponsors.length === 1)).toBe(true);
    });

    it('a conclusion undone with its transaction leaves the amendment tabled for another instance to decide', async () => {
      const { amendments, otherInstance, delegates, createDocument } = fixtureOf();
      const documentId = await createDocument();
      const a = await amendments.insert(tabling(documentId, delegates[0]));
      await expect(
        amendments.transaction(async (tx) => {
          await tx.conclude(documentId, a.id, { status: 'accepted', decidedBy: delegates[2].userId });
          throw new Error('the text could not be written');
        }),
      ).rejects.toThrow('the text could not be written');
      expect(
        await otherInstance.conclude(documentId, a.id, {
          status: 'rejected',
          decidedBy: delegates[2].userId,
        }),
      ).toBe(true);
      expect((await amendments.get(documentId, a.id))?.status).toBe('rejected');
    });
  });
}
