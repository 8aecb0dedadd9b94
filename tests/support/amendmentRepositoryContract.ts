/**
 * The contract every AmendmentRepository implementation must meet (one
 * suite, run against each): SQLite in
 * tests/integration/amendmentRepository.contract.test.ts, PostgreSQL in
 * tests/services/amendmentRepository.test.ts. Tabling and reading here;
 * decisions and co-sponsors in amendmentRepositoryDecisions.ts, transactions
 * in amendmentRepositoryTransactions.ts.
 */
import type { Amendment } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAmendmentDecisions } from './amendmentRepositoryDecisions';
import {
  type AmendmentRepositoryFixture,
  actorOf,
  type Delegate,
  expectRecentIso,
  tabling,
  tablingBy,
} from './amendmentRepositoryFixture';
import { describeAmendmentTransactions } from './amendmentRepositoryTransactions';

export type { AmendmentRepositoryFixture, Delegate } from './amendmentRepositoryFixture';
export { tabling } from './amendmentRepositoryFixture';

/** The contract every AmendmentRepository implementation must meet. */
export function describeAmendmentRepositoryContract(
  name: string,
  makeFixture: () => Promise<AmendmentRepositoryFixture>,
): void {
  describe(`AmendmentRepository contract: ${name}`, () => {
    let fixture: AmendmentRepositoryFixture;
    beforeAll(async () => {
      fixture = await makeFixture();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });
    const table: ReturnType<typeof tablingBy> = (...args) => tablingBy(fixture)(...args);

    it('tables AM 1 with every field as given, times as ISO strings, nothing decided; get and list return it alike', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const proposed = 'Promote sustainable voluntary return —\nwith dignity 🕊️ and «reintegration».';
      const amendment = await table(documentId, 0, 'cl-7', {
        proposedText: proposed,
        justification: 'Why: ü',
      });
      expect(amendment).toEqual({
        id: expect.stringMatching(/^am-[0-9a-f-]{36}$/),
        documentId,
        number: 1,
        kind: 'modify',
        clauseId: 'cl-7',
        clauseNumber: '1.1',
        baseText: 'Promote voluntary return.',
        proposedText: proposed,
        baseVersionLabel: null,
        justification: 'Why: ü',
        proponentCode: delegates[0].code,
        tabledBy: actorOf(delegates[0]),
        tabledAt: expect.any(String),
        cosponsors: [],
        status: 'tabled',
        decidedBy: null,
        decidedAt: null,
        acceptedText: null,
        fallenReason: null,
        compromise: false,
        covers: [],
        coveredBy: null,
        createdClauseId: null,
      } satisfies Amendment);
      expectRecentIso(amendment.tabledAt);
      expect(await amendments.get(documentId, amendment.id)).toEqual(amendment);
      expect(await amendments.list(documentId)).toEqual([amendment]);
      expect(await amendments.proponentParticipantId(amendment.id)).toBe(delegates[0].participantId);
    });

    it('numbers each document on its own, 1, 2, 3…; lists in number order; a compromise keeps what it covers', async () => {
      const { amendments, createDocument } = fixture;
      const [first, second] = [await createDocument(), await createDocument()];
      await table(first, 0);
      await table(second, 1);
      await table(first, 1, 'cl-2', { kind: 'delete', proposedText: '' });
      const compromise = await table(first, 2, 'cl-1', { compromise: true, covers: [1, 2] });
      expect(compromise).toMatchObject({ number: 3, compromise: true, covers: [1, 2] });
      expect((await amendments.list(first)).map((a) => [a.number, a.kind, a.clauseId])).toEqual([
        [1, 'modify', 'cl-1'],
        [2, 'delete', 'cl-2'],
        [3, 'modify', 'cl-1'],
      ]);
      expect((await amendments.list(second)).map((a) => a.number)).toEqual([1]);
    });

    it("keeps the label of the document's newest named version when tabled (automatic ones and other documents' ignored)", async () => {
      const { addVersion, createDocument } = fixture;
      const [documentId, other] = [await createDocument(), await createDocument()];
      await addVersion(documentId, 'Rev. 1', 'named', '2025-01-10T09:00:00.000Z');
      await addVersion(documentId, 'Autosave', 'automatic', '2025-03-01T09:00:00.000Z');
      await addVersion(documentId, 'Zero draft', 'named', '2024-12-01T09:00:00.000Z');
      await addVersion(other, 'Rev. 9', 'named', '2025-06-01T09:00:00.000Z');
      expect((await table(documentId)).baseVersionLabel).toBe('Rev. 1');
      // Two named versions of the same time: the one stored last.
      await addVersion(documentId, 'Rev. 2', 'named', '2025-02-01T09:00:00.000Z');
      await addVersion(documentId, 'Rev. 2 (corrected)', 'named', '2025-02-01T09:00:00.000Z');
      expect((await table(documentId)).baseVersionLabel).toBe('Rev. 2 (corrected)');
    });

    it('40 tablings at once through two instances get the numbers 1…40, once each', async () => {
      const { amendments, otherInstance, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const tabled = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? amendments : otherInstance).insert(
            tabling(documentId, delegates[i % 3] as Delegate, `cl-${i}`),
          ),
        ),
      );
      expect(tabled.map((a) => a.number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const listed = await amendments.list(documentId);
      expect(listed.map((a) => a.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(listed.map((a) => a.id)).size).toBe(40);
    });

    it('answers unknown documents and amendments with nothing, never another document’s amendment', async () => {
      const { amendments, createDocument } = fixture;
      const documentId = await createDocument();
      const amendment = await table(documentId);
      const other = await createDocument();
      expect(await amendments.get(other, amendment.id)).toBeUndefined();
      expect(await amendments.get(documentId, 'am-unknown')).toBeUndefined();
      expect(await amendments.list('doc-unknown')).toEqual([]);
      expect(await amendments.open('doc-unknown')).toEqual([]);
      expect(await amendments.openClauseIds('doc-unknown')).toEqual(new Set());
      expect(await amendments.fallenClauseIds('doc-unknown')).toEqual(new Set());
      expect(await amendments.proponentParticipantId('am-unknown')).toBeUndefined();
      expect(await amendments.counts('doc-unknown', 'participant-unknown')).toEqual({
        document: 0,
        delegation: 0,
      });
      expect(await amendments.reinstate('doc-unknown', ['cl-1'])).toEqual([]);
      expect(await amendments.uncover('doc-unknown', 1)).toEqual([]);
      expect(await amendments.conclude(other, amendment.id, { status: 'rejected', decidedBy: null })).toBe(
        false,
      );
      expect(await amendments.removeCosponsor('am-unknown', fixture.delegates[0].participantId)).toBe(false);
      await expect(
        amendments.addCosponsor(
          'am-unknown',
          fixture.delegates[1].participantId,
          fixture.delegates[1].userId,
        ),
      ).rejects.toThrow();
      expect((await amendments.get(documentId, amendment.id))?.status).toBe('tabled');
    });

    it('refuses a tabling whose document, delegation or user does not exist, and stores nothing', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      await expect(amendments.insert(tabling('doc-unknown', delegates[0]))).rejects.toThrow();
      await expect(
        amendments.insert({ ...tabling(documentId, delegates[0]), proponentParticipantId: 'p-unknown' }),
      ).rejects.toThrow();
      await expect(
        amendments.insert({ ...tabling(documentId, delegates[0]), tabledBy: 'u-unknown' }),
      ).rejects.toThrow();
      expect(await amendments.list(documentId)).toEqual([]);
      expect((await table(documentId)).number).toBe(1);
    });

    it('counts a document’s amendments in all and by delegation, whatever their status', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const a = await table(documentId, 0);
      await table(documentId, 0, 'cl-2');
      await table(documentId, 1);
      await amendments.conclude(documentId, a.id, { status: 'withdrawn', decidedBy: delegates[0].userId });
      expect(await amendments.counts(documentId, delegates[0].participantId)).toEqual({
        document: 3,
        delegation: 2,
      });
      expect(await amendments.counts(documentId, delegates[1].participantId)).toEqual({
        document: 3,
        delegation: 1,
      });
      expect(await amendments.counts(documentId, delegates[2].participantId)).toEqual({
        document: 3,
        delegation: 0,
      });
    });

    it('open lists the tabled ones (on the clauses asked for, none for an empty list) in number order; the clause sets follow statuses', async () => {
      const { amendments, delegates, createDocument } = fixture;
      const documentId = await createDocument();
      const a1 = await table(documentId, 0, 'cl-a');
      const a2 = await table(documentId, 1, 'cl-b');
      const a3 = await table(documentId, 2, 'cl-a');
      const a4 = await table(documentId, 0, 'cl-c');
      await amendments.conclude(documentId, a2.id, { status: 'rejected', decidedBy: delegates[2].userId });
      await amendments.conclude(documentId, a4.id, {
        status: 'fallen',
        fallenReason: 'clause-deleted',
        decidedBy: null,
      });
      expect((await amendments.open(documentId)).map((a) => a.id)).toEqual([a1.id, a3.id]);
      expect((await amendments.open(documentId, ['cl-a', 'cl-b'])).map((a) => a.id)).toEqual([a1.id, a3.id]);
      expect(await amendments.open(documentId, ['cl-b', 'cl-c'])).toEqual([]);
      expect(await amendments.open(documentId, [])).toEqual([]);
      expect(await amendments.open(documentId, ['cl-a'])).toEqual([
        await amendments.get(documentId, a1.id),
        await amendments.get(documentId, a3.id),
      ]);
      expect(await amendments.openClauseIds(documentId)).toEqual(new Set(['cl-a']));
      expect(await amendments.fallenClauseIds(documentId)).toEqual(new Set(['cl-c']));
    });

    describeAmendmentDecisions(() => fixture);
    describeAmendmentTransactions(() => fixture);
  });
}
