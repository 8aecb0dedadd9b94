/**
 * The clause attribution part of the VersionRepository contract
 * (versionRepositoryContract.ts): `editorsByClause` and `clauseEdits` read
 * the clause edits that commits of the document storage write, by update id.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import type { UpdateAuthor } from '../../server/src/collab/documentStorage';
import type { VersionRepositoryFixture } from './versionRepositoryContract';
import { waitFor } from './waitFor';

/** A code no other test of the run uses (participant codes are unique in the database). */
export const uniqueCode = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** One update typing `text` into a Y.Doc of its own (the content does not matter here, only the commit). */
function anUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Three delegations whose codes sort by code point as AT < Zq < at (not as a locale would: AT, at, Zq). */
async function delegations(fixture: VersionRepositoryFixture) {
  const suffix = uniqueCode('');
  const [upper, mixed, lower] = await Promise.all([
    fixture.createUser(`AT${suffix}`, 'Austria'),
    fixture.createUser(`Zq${suffix}`, 'Zq'),
    fixture.createUser(`at${suffix}`, 'at'),
  ]);
  return {
    codes: { upper: `AT${suffix}`, mixed: `Zq${suffix}`, lower: `at${suffix}` },
    upper: upper as { userId: string; participantId: string },
    mixed: mixed as { userId: string; participantId: string },
    lower: lower as { userId: string; participantId: string },
  };
}

/** Commits one update touching `clauses` as `who`; resolves to its update id. */
async function commit(
  fixture: VersionRepositoryFixture,
  documentId: string,
  who: { userId: string; participantId: string },
  clauses: string[],
): Promise<number> {
  const author: UpdateAuthor = { ...who, touchedClauses: clauses };
  const result = await fixture.storage.appendUpdates(documentId, [anUpdate(clauses.join())], author);
  return result.lastUpdateId;
}

/** Adds the attribution cases to the enclosing contract; `fresh` makes the test's fixture. */
export function describeVersionAttributionContract(fresh: () => Promise<VersionRepositoryFixture>): void {
  it('editorsByClause: the codes of who edited each clause in (after, upTo], each once, by code point', async () => {
    const fixture = await fresh();
    const { versions } = fixture;
    const { documentId } = await fixture.createDocument();
    const other = await fixture.createDocument();
    const { codes, upper, mixed, lower } = await delegations(fixture);
    const before = await commit(fixture, documentId, upper, ['c1']);
    await commit(fixture, documentId, lower, ['c1', 'c2']);
    await commit(fixture, documentId, mixed, ['c1']);
    await commit(fixture, documentId, lower, ['c1']);
    const last = await commit(fixture, documentId, upper, ['c3']);
    await commit(fixture, other.documentId, mixed, ['c2']);
    expect(await versions.editorsByClause(documentId, before, last)).toEqual({
      c1: [codes.mixed, codes.lower],
      c2: [codes.lower],
      c3: [codes.upper],
    });
    expect(await versions.editorsByClause(documentId, 0, last)).toEqual({
      c1: [codes.upper, codes.mixed, codes.lower],
      c2: [codes.lower],
      c3: [codes.upper],
    });
    expect(await versions.editorsByClause(documentId, before, before + 1)).toEqual({
      c1: [codes.lower],
      c2: [codes.lower],
    });
    expect(await versions.editorsByClause(documentId, last, last)).toEqual({});
    expect(await versions.editorsByClause('no-such-document', 0, 1_000_000)).toEqual({});
  });

  it('clauseEdits: who edited each clause in (after, upTo] and when each last did (ISO 8601 UTC)', async () => {
    const fixture = await fresh();
    const { versions } = fixture;
    const { documentId } = await fixture.createDocument();
    const { codes, upper, lower } = await delegations(fixture);
    const start = new Date().toISOString();
    const first = await commit(fixture, documentId, lower, ['c1', 'c2']);
    const afterFirst = new Date().toISOString();
    await waitFor(() => new Date().toISOString() > afterFirst, { what: 'the clock to move on' });
    const beforeSecond = new Date().toISOString();
    await commit(fixture, documentId, upper, ['c1']);
    const last = await commit(fixture, documentId, lower, ['c1']);
    const end = new Date().toISOString();
    const edits = await versions.clauseEdits(documentId, 0, last);
    expect(Object.keys(edits).sort()).toEqual(['c1', 'c2']);
    expect(edits.c1?.map((edit) => edit.code)).toEqual([codes.upper, codes.lower]);
    expect(edits.c2?.map((edit) => edit.code)).toEqual([codes.lower]);
    const times = Object.values(edits).flatMap((editors) => editors.map((edit) => edit.lastEditedAt ?? ''));
    for (const time of times) {
      expect(time).toMatch(ISO);
      expect(time >= start && time <= end).toBe(true);
    }
    // Two edits of c1 by the same delegation: the later one counts; its edit of c2 was the first commit only.
    const c1Lower = edits.c1?.find((edit) => edit.code === codes.lower)?.lastEditedAt ?? '';
    const c2Lower = edits.c2?.[0]?.lastEditedAt ?? '';
    expect(c1Lower >= beforeSecond).toBe(true);
    expect(c2Lower <= afterFirst).toBe(true);
    expect(await versions.clauseEdits(documentId, first, last)).toEqual({ c1: edits.c1 });
    expect(await versions.clauseEdits(documentId, last, last)).toEqual({});
    expect(await versions.clauseEdits('no-such-document', 0, 1_000_000)).toEqual({});
  });
}
