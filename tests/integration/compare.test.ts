import {
  type ClauseComparison,
  type DocumentComparison,
  PARAGRAPH_BREAK,
  PILCROW,
  redlineParagraphs,
} from '@draftroom/shared';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, contentOf } from '../support/collabClient';
import { createSecondDocument, signInOutsider } from '../support/negotiationApi';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, VersionsApi, versionsAs } from '../support/versionsApi';
import {
  appendToClause,
  clauseIdsOf,
  joinParagraphs,
  moveClause,
  paragraphsOf,
  splitParagraph,
  storedContent,
  storedWith,
} from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

function clausesOf(comparison: DocumentComparison): ClauseComparison[] {
  return comparison.sections.flatMap((section) => section.clauses);
}

function clauseIn(comparison: DocumentComparison, clauseId: string): ClauseComparison {
  const entry = clausesOf(comparison).find((clause) => clause.clauseId === clauseId);
  if (!entry) throw new Error(`clause ${clauseId} is not in the comparison`);
  return entry;
}

/** The body paragraphs of a DOCX: each one's text and its XML (to read how its runs are marked). */
function docxParagraphs(docx: Uint8Array): { text: string; xml: string }[] {
  const entry = unzipSync(docx)['word/document.xml'];
  if (!entry) throw new Error('no word/document.xml');
  return (strFromU8(entry).match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((xml) => ({
    xml,
    text: [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1] ?? '').join(''),
  }));
}

/** The run properties of the run holding the ¶ of a paragraph, or undefined when it has none. */
function pilcrowRun(paragraphXml: string): string | undefined {
  return (paragraphXml.match(/<w:r>[\s\S]*?<\/w:r>/g) ?? []).find((run) => run.includes(`>${PILCROW}</w:t>`));
}

/** Clause id → editedBy, for the clauses that have attribution. */
function attribution(comparison: DocumentComparison): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const clause of clausesOf(comparison)) {
    if (clause.editedBy && clause.editedBy.length > 0) result[clause.clauseId] = clause.editedBy;
  }
  return result;
}

describe('compare API', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let hu: CollabClient;
  let cz: CollabClient;
  let huCookie: string;
  let czCookie: string;
  let ids: string[];
  let sectionIds: string[];
  let v1 = '';
  let v2 = '';
  let v3 = '';

  async function connectBoth(): Promise<void> {
    hu = await connectWellBehaved(server.wsUrl, server.actionPlanId(), huCookie);
    cz = await connectWellBehaved(server.wsUrl, server.actionPlanId(), czCookie);
  }

  async function converged(token: string): Promise<void> {
    await waitFor(() => contentOf(hu.doc) === contentOf(cz.doc) && contentOf(cz.doc).includes(token), {
      what: `both clients have ${token}`,
    });
    await storedWith(server, token);
  }

  const compare = async (query: Record<string, string>, as = pen) =>
    expectStatus(await as.compare(query), 200).comparison;

  beforeAll(async () => {
    server = await startTestServer({ compactAfterUpdates: 3 });
    pen = await versionsAs(server, DEMO.penHolder);
    huCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    czCookie = (await server.signIn(DEMO.czechDrafter)).cookie;
    await connectBoth();
    ids = clauseIdsOf(hu.doc);
    sectionIds = expectStatus(
      await pen.get(expectStatus(await pen.list(), 200)[0]?.id ?? ''),
      200,
    ).structure.sections.map((section) => section.id);
  });
  afterAll(async () => {
    hu.destroy();
    cz.destroy();
    await server.dispose();
  });

  it('attributes a clause edited by two delegations to both, through compaction and a restart', async () => {
    v1 = (await pen.saveOk('Before the drafting session')).id;
    for (let i = 0; i < 3; i++) {
      appendToClause(hu.doc, ids[2] ?? '', ` [HU ${i}]`);
      await converged(`[HU ${i}]`);
    }
    appendToClause(cz.doc, ids[2] ?? '', ' [CZ wording]');
    await converged('[CZ wording]');
    appendToClause(hu.doc, ids[4] ?? '', ' [HU only]');
    await converged('[HU only]');

    // The updates after v1 were compacted away: attribution comes from clause_edits alone.
    const db = server.server.db;
    const v1UpdateId = (
      db.prepare('SELECT last_update_id AS id FROM versions WHERE id = ?').get(v1) as { id: number }
    ).id;
    const compactedUpTo = (
      db
        .prepare('SELECT last_update_id AS id FROM document_states WHERE document_id = ?')
        .get(server.actionPlanId()) as { id: number }
    ).id;
    expect(compactedUpTo).toBeGreaterThan(v1UpdateId);
    expect(server.server.repositories.documentStorage.countUpdates(server.actionPlanId())).toBeLessThan(5);

    const expected = { [ids[2] ?? '']: ['CZ', 'HU'], [ids[4] ?? '']: ['HU'] };
    const toCurrent = await compare({ from: v1 });
    expect(attribution(toCurrent)).toEqual(expected);
    expect(clauseIn(toCurrent, ids[2] ?? '').change).toBe('changed');
    expect(toCurrent.summary.total).toMatchObject({ changed: 2, added: 0, removed: 0, moved: 0 });
    expect(await compare({ from: v1, to: 'current' })).toEqual(toCurrent);
    const defaulted = expectStatus(await pen.compare({ from: v1 }), 200);
    expect(defaulted.to).toEqual({ label: 'Current text', version: null });

    v2 = (await pen.saveOk('After the drafting session')).id;
    expect(attribution(await compare({ from: v1, to: v2 }))).toEqual(expected);
    // Backwards too: the same span of the update log.
    expect(attribution(await compare({ from: v2, to: v1 }))).toEqual(expected);

    hu.destroy();
    cz.destroy();
    await waitFor(() => server.server.collab.rooms.size === 0, { what: 'the document is unloaded' });
    await server.restart();
    expect(attribution(await compare({ from: v1, to: v2 }))).toEqual(expected);
    await connectBoth();
    expect(attribution(await compare({ from: v1 }))).toEqual(expected);
    expect(await compare({ from: v2 })).toMatchObject({ summary: { total: { changed: 0, added: 0 } } });
  });

  it('reports a clause deleted and re-inserted elsewhere with its id as moved, not removed and added', async () => {
    const clauseId = ids[1] ?? '';
    moveClause(cz.doc, clauseId, 1, 0);
    await waitFor(
      () =>
        clauseIdsOf(hu.doc).indexOf(clauseId) === 4 &&
        contentOf(hu.doc) === contentOf(cz.doc) &&
        storedContent(server) === contentOf(cz.doc),
      { what: 'the move reached HU and the database' },
    );
    v3 = (await pen.saveOk('Clause moved to area 2')).id;

    const comparison = await compare({ from: v2, to: v3 });
    const moved = clauseIn(comparison, clauseId);
    expect(moved).toMatchObject({
      change: 'moved',
      moved: true,
      textChanged: false,
      beforeNumber: '1.2',
      afterNumber: '2.1',
      beforeSectionId: sectionIds[0],
      afterSectionId: sectionIds[1],
    });
    expect(comparison.summary.total).toMatchObject({ added: 0, removed: 0, changed: 0, moved: 1 });
    expect(clausesOf(comparison).filter((clause) => clause.clauseId === clauseId)).toHaveLength(1);
    // Renumbered neighbours are not reported as changes.
    expect(clauseIn(comparison, ids[2] ?? '')).toMatchObject({ change: 'unchanged', beforeNumber: '1.3' });
    expect(clauseIn(comparison, ids[2] ?? '').afterNumber).toBe('1.2');
  });

  it('shows a status change between two versions as statusChange', async () => {
    const clauseId = ids[6] ?? '';
    expect((await pen.api.setStatus(clauseId, 'bracketed')).status).toBe(200);
    const v4 = (await pen.saveOk('With a bracketed clause')).id;
    const frozen = expectStatus(await pen.get(v4), 200);
    expect(frozen.negotiation.statuses).toEqual({ [clauseId]: 'bracketed' });

    const comparison = await compare({ from: v3, to: v4 });
    expect(clauseIn(comparison, clauseId)).toMatchObject({
      change: 'unchanged',
      statusChange: { from: 'open', to: 'bracketed' },
    });
    expect(comparison.summary.total).toMatchObject({ statusChanged: 1, changed: 0 });
    expect(clausesOf(comparison).filter((clause) => clause.statusChange)).toHaveLength(1);

    expect((await pen.api.setStatus(clauseId, 'agreed-ad-referendum')).status).toBe(200);
    expect(clauseIn(await compare({ from: v4 }), clauseId).statusChange).toEqual({
      from: 'bracketed',
      to: 'agreed-ad-referendum',
    });
  });

  it('answers 404 for unknown versions, 400 without "from"; readers may compare, others not', async () => {
    expect((await pen.compare({ from: 'no-such-version' })).status).toBe(404);
    expect((await pen.compare({ from: v1, to: 'no-such-version' })).status).toBe(404);
    expect((await pen.compare({})).status).toBe(400);
    const second = createSecondDocument(server);
    expect((await pen.on(second).compare({ from: v1 })).status).toBe(404);

    const observer = await versionsAs(server, DEMO.observer);
    const commenter = await versionsAs(server, DEMO.commenter);
    const expected = await compare({ from: v1, to: v2 });
    expect(await compare({ from: v1, to: v2 }, observer)).toEqual(expected);
    expect(await compare({ from: v1, to: v2 }, commenter)).toEqual(expected);
    const outsider = new VersionsApi(server, await signInOutsider(server), server.actionPlanId());
    const refused = await outsider.compare({ from: v1, to: v2 });
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body)).not.toContain('[HU');
  });

  /** Waits until both delegates and the database hold the same text, and `done` holds for it. */
  async function settled(done: () => boolean, what: string): Promise<void> {
    await waitFor(
      () => done() && contentOf(hu.doc) === contentOf(cz.doc) && storedContent(server) === contentOf(hu.doc),
      { what },
    );
  }

  const HEAD = 'Support returnees in their sustainable reintegration through access to employment, ';
  const TAIL = 'vocational training and micro-credit schemes in the countries of origin.';
  let beforeSplit = '';
  let afterSplit = '';

  it('reports a paragraph break added inside a clause as a change, redlined as an inserted ¶', async () => {
    const clauseId = ids[7] ?? '';
    expect(paragraphsOf(hu.doc, clauseId)).toEqual([`${HEAD}${TAIL}`]);
    beforeSplit = (await pen.saveOk('One paragraph')).id;
    splitParagraph(hu.doc, clauseId, TAIL);
    await settled(() => paragraphsOf(cz.doc, clauseId).length === 2, 'the split reached CZ and the database');
    afterSplit = (await pen.saveOk('Two paragraphs')).id;

    const comparison = await compare({ from: beforeSplit, to: afterSplit });
    const entry = clauseIn(comparison, clauseId);
    expect(entry).toMatchObject({ change: 'changed', textChanged: true, editedBy: ['HU'] });
    expect(comparison.summary.total).toMatchObject({ changed: 1, added: 0, removed: 0, split: 0 });
    // No word changed: the only change is the break, inserted between the two halves.
    expect(entry.redline).toEqual([
      { op: 'equal', text: HEAD },
      { op: 'insert', text: PARAGRAPH_BREAK },
      { op: 'equal', text: TAIL },
    ]);
    expect(redlineParagraphs(entry.redline, 'after')).toEqual([
      [
        { op: 'equal', text: HEAD },
        { op: 'insert', text: PILCROW, paragraphMark: true },
      ],
      [{ op: 'equal', text: TAIL }],
    ]);
    expect(redlineParagraphs(entry.redline, 'before')).toEqual([[{ op: 'equal', text: `${HEAD}${TAIL}` }]]);

    // The redline DOCX has the two paragraphs, the first ending with an inserted (underlined) ¶.
    const docx = await pen.redline({ from: beforeSplit, to: afterSplit });
    expect(docx.status).toBe(200);
    const paragraphs = docxParagraphs(docx.bytes);
    const first = paragraphs.findIndex((paragraph) => paragraph.text.includes(HEAD.trim()));
    expect(paragraphs[first]?.text.endsWith(`${HEAD}${PILCROW}`)).toBe(true);
    expect(paragraphs[first]?.text).not.toContain('vocational');
    expect(paragraphs[first + 1]?.text).toBe(TAIL);
    expect(pilcrowRun(paragraphs[first]?.xml ?? '')).toMatch(/<w:u /);
  });

  it('reports two paragraphs joined into one as a change, redlined as a deleted ¶', async () => {
    const clauseId = ids[7] ?? '';
    joinParagraphs(cz.doc, clauseId);
    await settled(() => paragraphsOf(hu.doc, clauseId).length === 1, 'the join reached HU and the database');
    const joined = (await pen.saveOk('Joined again')).id;

    const comparison = await compare({ from: afterSplit, to: joined });
    const entry = clauseIn(comparison, clauseId);
    expect(entry).toMatchObject({ change: 'changed', textChanged: true, editedBy: ['CZ'] });
    expect(entry.redline).toEqual([
      { op: 'equal', text: HEAD },
      { op: 'delete', text: PARAGRAPH_BREAK },
      { op: 'equal', text: TAIL },
    ]);
    // Side by side, the "before" column keeps the two paragraphs, the "after" one has one.
    expect(redlineParagraphs(entry.redline, 'before')).toHaveLength(2);
    expect(redlineParagraphs(entry.redline, 'after')).toEqual([[{ op: 'equal', text: `${HEAD}${TAIL}` }]]);
    // The text is back to what it was before the split: no change between those two.
    expect(clauseIn(await compare({ from: beforeSplit, to: joined }), clauseId).change).toBe('unchanged');

    // The redline DOCX shows the paragraphs of both sides, the first ending with a deleted (struck) ¶.
    const paragraphs = docxParagraphs((await pen.redline({ from: afterSplit, to: joined })).bytes);
    const first = paragraphs.findIndex((paragraph) => paragraph.text.includes(HEAD.trim()));
    expect(paragraphs[first]?.text.endsWith(`${HEAD}${PILCROW}`)).toBe(true);
    expect(paragraphs[first + 1]?.text).toBe(TAIL);
    expect(pilcrowRun(paragraphs[first]?.xml ?? '')).toMatch(/<w:strike/);
  });
});
