/**
 * The contract every VersionRepository implementation must meet (one suite,
 * run against each store): SQLite in
 * tests/integration/versionRepository.contract.test.ts, PostgreSQL in
 * tests/services/versionRepository.test.ts. Clause attribution is in
 * versionAttributionContract.ts.
 */
import type { ChangeCounts, SummaryBaseline } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStorage } from '../../server/src/collab/documentStorage';
import type { NewVersion, VersionRepository } from '../../server/src/versions/versionStore';
import { fixturePerTest } from './fixturePerTest';
import { describeVersionAttributionContract, uniqueCode } from './versionAttributionContract';

/** A repository under test, the document storage of the same database, and how to make rows it refers to. */
export interface VersionRepositoryFixture {
  versions: VersionRepository;
  /** Commits through it write the clause edits `editorsByClause` and `clauseEdits` read. */
  storage: DocumentStorage;
  /** A new process with one new document in it. */
  createDocument(): Promise<{ processId: string; documentId: string }>;
  /** A new participant with this code (unique in the database) and one user of it. */
  createUser(code: string, name: string): Promise<{ userId: string; participantId: string }>;
  /** Writes a summary without the `baseline` key, as versions saved before baselines were recorded have. */
  writeLegacySummary(versionId: string, counts: ChangeCounts): Promise<void>;
  dispose(): void | Promise<void>;
}

export type MakeVersionFixture = () => VersionRepositoryFixture | Promise<VersionRepositoryFixture>;

const COUNTS: ChangeCounts = { added: 1, changed: 2, removed: 3, moved: 4 };
const NONE: ChangeCounts = { added: 0, changed: 0, removed: 0, moved: 0 };

/** `2011-05-30T09:00:<second>.250Z`: distinct, ordered times in the SQLite store's form. */
export const at = (second: number) => new Date(Date.UTC(2011, 4, 30, 9, 0, second, 250)).toISOString();

/** A frozen state with some text in it (large enough that deflating it matters). */
function frozenState(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text.repeat(200));
  return Y.encodeStateAsUpdate(doc);
}

export function newVersion(documentId: string, overrides: Partial<NewVersion> = {}): NewVersion {
  return {
    documentId,
    kind: 'named',
    label: 'Rev. 1 — for the Budapest SOM',
    note: '',
    meetingId: null,
    state: frozenState('Article 1. '),
    structureJson: '{"clauses":[]}',
    negotiationJson: '{"statuses":[]}',
    fingerprint: 'f'.repeat(64),
    lastUpdateId: 0,
    summary: NONE,
    baseline: null,
    createdBy: null,
    createdAt: at(0),
    ...overrides,
  };
}

const budapest = {
  startsOn: '2011-05-30',
  endsOn: '2011-05-31',
  dateLabel: '30–31 May 2011',
  title: "Senior Officials' Meeting",
  place: 'Budapest',
  kind: 'senior-officials-meeting' as const,
};

/** The contract every VersionRepository implementation must meet. */
export function describeVersionRepositoryContract(name: string, makeFixture: MakeVersionFixture): void {
  describe(`VersionRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);

    it('meetings: by start date, of their process only; meetingOfProcess refuses another process and unknown ids', async () => {
      const { versions, createDocument } = await fresh();
      const { processId } = await createDocument();
      const other = await createDocument();
      const later = await versions.addMeeting(processId, {
        ...budapest,
        startsOn: '2011-11-03',
        place: 'Poznań',
      });
      const earlier = await versions.addMeeting(processId, {
        ...budapest,
        startsOn: '2010-12-15',
        kind: 'workshop',
      });
      const middle = await versions.addMeeting(processId, budapest);
      const foreign = await versions.addMeeting(other.processId, budapest);
      expect(middle).toEqual({ id: expect.any(String), processId, ...budapest });
      expect(await versions.meetings(processId)).toEqual([earlier, middle, later]);
      expect(await versions.meetings(other.processId)).toEqual([foreign]);
      expect(await versions.meetings('no-such-process')).toEqual([]);
      expect(await versions.meetingOfProcess(processId, middle.id)).toEqual(middle);
      expect(await versions.meetingOfProcess(processId, foreign.id)).toBeUndefined();
      expect(await versions.meetingOfProcess(processId, 'no-such-meeting')).toBeUndefined();
    });

    it('create returns the summary as stored: meeting, counts, baseline, author, the exact time', async () => {
      const { versions, createDocument, createUser } = await fresh();
      const { processId, documentId } = await createDocument();
      const code = uniqueCode('HU');
      const author = await createUser(code, 'Zsófia Kovács');
      const meeting = await versions.addMeeting(processId, budapest);
      const baseline: SummaryBaseline = { id: 'v-0', kind: 'named', label: 'Rev. 0', createdAt: at(1) };
      const created = await versions.create(
        newVersion(documentId, {
          label: 'Rev. 1 "draft" — ½',
          note: 'after the SOM',
          meetingId: meeting.id,
          summary: COUNTS,
          baseline,
          createdBy: author.userId,
          createdAt: at(2),
        }),
      );
      expect(created).toEqual({
        id: expect.any(String),
        documentId,
        kind: 'named',
        label: 'Rev. 1 "draft" — ½',
        note: 'after the SOM',
        meeting: { id: meeting.id, title: budapest.title, dateLabel: budapest.dateLabel, place: 'Budapest' },
        fingerprint: 'f'.repeat(64),
        summary: COUNTS,
        baseline,
        createdAt: at(2),
        createdBy: { userId: author.userId, name: 'Zsófia Kovács', participantCode: code },
      });
      expect(await versions.summary(documentId, created.id)).toEqual(created);
      const plain = await versions.create(newVersion(documentId, { kind: 'automatic', createdAt: at(3) }));
      expect(plain).toMatchObject({ kind: 'automatic', meeting: null, createdBy: null, baseline: null });
      expect(await versions.summary('other-document', created.id)).toBeUndefined();
      expect(await versions.summary(documentId, 'no-such-version')).toBeUndefined();
    });

    it('create refuses an unknown meeting, document or author (foreign keys) and stores nothing', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      await expect(
        versions.create(newVersion(documentId, { meetingId: 'no-such-meeting' })),
      ).rejects.toThrow();
      await expect(versions.create(newVersion(documentId, { createdBy: 'no-such-user' }))).rejects.toThrow();
      await expect(versions.create(newVersion('no-such-document'))).rejects.toThrow();
      expect(await versions.list(documentId)).toEqual([]);
      expect(await versions.list('no-such-document')).toEqual([]);
    });

    it('list: newest first by time whatever the order of saving, ties newest-saved first, one document only', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const other = await createDocument();
      const second = await versions.create(newVersion(documentId, { label: 'b', createdAt: at(20) }));
      const first = await versions.create(newVersion(documentId, { label: 'a', createdAt: at(10) }));
      const tieA = await versions.create(newVersion(documentId, { label: 'c', createdAt: at(30) }));
      const tieB = await versions.create(newVersion(documentId, { label: 'd', createdAt: at(30) }));
      await versions.create(newVersion(other.documentId, { createdAt: at(40) }));
      const ids = (await versions.list(documentId)).map((version) => version.id);
      expect(ids).toEqual([tieB.id, tieA.id, second.id, first.id]);
      expect(await versions.list('no-such-document')).toEqual([]);
    });

    it('load: the frozen state byte for byte, JSON text exactly as given, the update id; none for a foreign id', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const other = await createDocument();
      const state = frozenState('Клауза 1 — «текст». ');
      const structureJson = '{ "clauses" : [ {"id":"c1","number":"1"} ],  "b":1 }';
      const negotiationJson = '{"statuses":[{"clauseId":"c1","status":"agreed"}], "z": "ü"}';
      const created = await versions.create(
        newVersion(documentId, { state, structureJson, negotiationJson, lastUpdateId: 4_000_000_123 }),
      );
      const loaded = await versions.load(documentId, created.id);
      expect(loaded).toEqual({
        ...created,
        state,
        structureJson,
        negotiationJson,
        lastUpdateId: 4_000_000_123,
      });
      expect(Buffer.from(loaded?.state ?? []).equals(Buffer.from(state))).toBe(true);
      expect(await versions.load(other.documentId, created.id)).toBeUndefined();
      expect(await versions.load(documentId, 'no-such-version')).toBeUndefined();
    });

    it('amendmentsJson: the text a version kept, null when it kept none or is unknown', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const amendmentsJson = '[{"number":1,"status":"tabled"} ]';
      const kept = await versions.create(newVersion(documentId, { amendmentsJson }));
      const none = await versions.create(newVersion(documentId, { createdAt: at(1) }));
      const explicitNone = await versions.create(
        newVersion(documentId, { amendmentsJson: null, createdAt: at(2) }),
      );
      expect(await versions.amendmentsJson(documentId, kept.id)).toBe(amendmentsJson);
      expect(await versions.amendmentsJson(documentId, none.id)).toBeNull();
      expect(await versions.amendmentsJson(documentId, explicitNone.id)).toBeNull();
      expect(await versions.amendmentsJson('other-document', kept.id)).toBeNull();
      expect(await versions.amendmentsJson(documentId, 'no-such-version')).toBeNull();
    });

    it('latestMark and latest: the newest version, or the newest of a kind; undefined when there is none', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      expect(await versions.latestMark(documentId)).toBeUndefined();
      expect(await versions.latest(documentId)).toBeUndefined();
      const named = await versions.create(newVersion(documentId, { createdAt: at(10), lastUpdateId: 7 }));
      await versions.create(newVersion(documentId, { kind: 'automatic', createdAt: at(5), lastUpdateId: 3 }));
      const automatic = await versions.create(
        newVersion(documentId, { kind: 'automatic', createdAt: at(20), lastUpdateId: 12 }),
      );
      expect(await versions.latestMark(documentId)).toEqual({ createdAt: at(20), lastUpdateId: 12 });
      expect((await versions.latest(documentId))?.id).toBe(automatic.id);
      expect((await versions.latest(documentId, 'automatic'))?.id).toBe(automatic.id);
      const latestNamed = await versions.latest(documentId, 'named');
      expect(latestNamed).toEqual(await versions.load(documentId, named.id));
      const tied = await versions.create(newVersion(documentId, { createdAt: at(20), lastUpdateId: 13 }));
      expect(await versions.latestMark(documentId)).toEqual({ createdAt: at(20), lastUpdateId: 13 });
      expect((await versions.latest(documentId))?.id).toBe(tied.id);
      expect(await versions.latest('no-such-document', 'named')).toBeUndefined();
    });

    it('staleSummaryIds: summaries without a baseline key, or counted against a version that is gone', async () => {
      const { versions, createDocument, writeLegacySummary } = await fresh();
      const { documentId } = await createDocument();
      const first = await versions.create(newVersion(documentId, { kind: 'automatic', createdAt: at(1) }));
      const baselineOf = (version: typeof first): SummaryBaseline => ({
        id: version.id,
        kind: version.kind,
        label: version.label,
        createdAt: version.createdAt,
      });
      const second = await versions.create(
        newVersion(documentId, { kind: 'automatic', createdAt: at(2), baseline: baselineOf(first) }),
      );
      const third = await versions.create(
        newVersion(documentId, { createdAt: at(3), baseline: baselineOf(second) }),
      );
      expect(await versions.staleSummaryIds(documentId)).toEqual([]);
      await writeLegacySummary(first.id, COUNTS);
      expect(await versions.staleSummaryIds(documentId)).toEqual([first.id]);
      expect((await versions.summary(documentId, first.id))?.baseline).toBeNull();
      await versions.deleteAutomatic([second.id]);
      expect([...(await versions.staleSummaryIds(documentId))].sort()).toEqual([first.id, third.id].sort());
      await versions.setSummary(first.id, NONE, null);
      await versions.setSummary(third.id, COUNTS, baselineOf(first));
      expect(await versions.staleSummaryIds(documentId)).toEqual([]);
      expect(await versions.staleSummaryIds('no-such-document')).toEqual([]);
    });

    it('setSummary replaces the counts and baseline everywhere they are read; an unknown id changes nothing', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const created = await versions.create(newVersion(documentId));
      const baseline: SummaryBaseline = {
        id: 'gone',
        kind: 'automatic',
        label: 'Checkpoint',
        createdAt: at(0),
      };
      await versions.setSummary(created.id, COUNTS, baseline);
      const expected = { ...created, summary: COUNTS, baseline };
      expect(await versions.summary(documentId, created.id)).toEqual(expected);
      expect(await versions.list(documentId)).toEqual([expected]);
      await expect(versions.setSummary('no-such-version', NONE, null)).resolves.toBeUndefined();
      expect(await versions.list(documentId)).toEqual([expected]);
    });

    it('findByFingerprint: every version with it, of any document, in the order saved; [] for none', async () => {
      const { versions, createDocument } = await fresh();
      const one = await createDocument();
      const two = await createDocument();
      const fingerprint = `${uniqueCode('fp')}${'0'.repeat(40)}`;
      const a = await versions.create(newVersion(two.documentId, { fingerprint, createdAt: at(9) }));
      const b = await versions.create(newVersion(one.documentId, { fingerprint, createdAt: at(1) }));
      await versions.create(newVersion(one.documentId, { fingerprint: 'other', createdAt: at(5) }));
      expect(await versions.findByFingerprint(fingerprint)).toEqual([a, b]);
      expect(await versions.findByFingerprint('no-such-fingerprint')).toEqual([]);
    });

    it('deleteAutomatic deletes checkpoints only, never named versions; unknown ids and [] change nothing', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const named = await versions.create(newVersion(documentId, { createdAt: at(1) }));
      const kept = await versions.create(newVersion(documentId, { kind: 'automatic', createdAt: at(2) }));
      const gone = await versions.create(newVersion(documentId, { kind: 'automatic', createdAt: at(3) }));
      await versions.deleteAutomatic([]);
      await versions.deleteAutomatic([named.id, gone.id, 'no-such-version', gone.id]);
      expect((await versions.list(documentId)).map((version) => version.id)).toEqual([kept.id, named.id]);
      expect(await versions.load(documentId, gone.id)).toBeUndefined();
    });

    it('40 versions saved at once at the same time: all listed, once each, list/latest/latestMark agree', async () => {
      const { versions, createDocument } = await fresh();
      const { documentId } = await createDocument();
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          versions.create(
            newVersion(documentId, { label: `Checkpoint ${index}`, kind: 'automatic', lastUpdateId: index }),
          ),
        ),
      );
      const listed = await versions.list(documentId);
      expect(new Set(listed.map((version) => version.id))).toEqual(
        new Set(created.map((version) => version.id)),
      );
      expect(listed).toHaveLength(40);
      const newest = listed[0];
      expect((await versions.latest(documentId))?.id).toBe(newest?.id);
      const mark = await versions.latestMark(documentId);
      expect(mark?.lastUpdateId).toBe(Number(newest?.label.replace('Checkpoint ', '')));
    });

    describeVersionAttributionContract(fresh);
  });
}
