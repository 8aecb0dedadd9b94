/**
 * The compilation of amendments (JSON and DOCX) and the amendments' state in
 * versions and compare, against a real server: amendments are tabled,
 * co-signed, withdrawn and decided through the HTTP API.
 */
import type {
  Amendment,
  AmendmentChangeEntry,
  Compilation,
  DocumentStructure,
  VersionSummary,
} from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amendmentTables,
  cellText,
  documentXmlOf,
  markedText,
  paragraphTexts,
} from '../support/compilationDocx';
import { type ApiResult, signInOutsider } from '../support/negotiationApi';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { convertWithLibreOffice, hasLibreOffice } from '../support/verifyDocx';
import { DOCX_TYPE, expectStatus, VersionsApi, versionsAs } from '../support/versionsApi';
import { appendToClause } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

type Clause = DocumentStructure['sections'][number]['clauses'][number];

const COMPILATION = '/amendments/compilation';

function compilationOf(
  api: VersionsApi,
  query: Record<string, string> = {},
): Promise<ApiResult<Compilation>> {
  const search = new URLSearchParams(query).toString();
  return api.request('GET', `/api/documents/${api.documentId}${COMPILATION}${search ? `?${search}` : ''}`);
}

function compilationDocx(api: VersionsApi, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  return api.download(`/api/documents/${api.documentId}${COMPILATION}.docx${search ? `?${search}` : ''}`);
}

async function table(api: VersionsApi, body: Record<string, unknown>): Promise<Amendment> {
  return expectStatus(
    await api.request<Amendment>('POST', `/api/documents/${api.documentId}/amendments`, body),
    201,
  );
}

async function act(api: VersionsApi, amendment: Amendment, path: string, body?: unknown): Promise<Amendment> {
  const url = `/api/documents/${api.documentId}/amendments/${amendment.id}/${path}`;
  return expectStatus(await api.request<Amendment>('POST', url, body), 200);
}

const numbersOf = (compilation: Compilation) => compilation.clauses.map((entry) => entry.number);
const amendmentNumbers = (compilation: Compilation) =>
  compilation.clauses.map((entry) => entry.amendments.map((amendment) => amendment.number));

async function compareAmendments(
  api: VersionsApi,
  from: string,
  to: string,
): Promise<AmendmentChangeEntry[]> {
  const result = await api.compare({ from, to });
  return (expectStatus(result, 200) as unknown as { amendments: AmendmentChangeEntry[] }).amendments;
}

const changeLine = (entry: AmendmentChangeEntry) =>
  `AM ${entry.number} ${entry.tabled ? 'tabled' : '-'} ${entry.decided ? 'decided' : '-'} ${entry.statusBefore ?? 'none'}→${entry.statusAfter}`;

describe('the compilation of amendments', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let ua: VersionsApi;
  let hu: VersionsApi;
  let cz: VersionsApi;
  let observer: VersionsApi;
  let rev1: VersionSummary;
  let sections: DocumentStructure['sections'];
  let clause11: Clause;
  let clause21: Clause;
  const am: Record<number, Amendment> = {};

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    ua = await versionsAs(server, DEMO.commenter);
    hu = await versionsAs(server, DEMO.hungarianDrafter);
    cz = await versionsAs(server, DEMO.czechDrafter);
    observer = await versionsAs(server, DEMO.observer);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    sections = expectStatus(await pen.get(rev1.id), 200).structure.sections;
    const [first, second] = sections;
    if (!second?.clauses[0] || !first?.clauses[0]) throw new Error('unexpected demo');
    [clause11, clause21] = [first.clauses[0], second.clauses[0]];

    am[1] = await table(ua, {
      kind: 'modify',
      clauseId: clause21.id,
      baseText: clause21.text,
      proposedText: `${clause21.text} Ukrainian addition.`,
      justification: 'Return must be sustainable.',
    });
    am[2] = await table(hu, {
      kind: 'modify',
      clauseId: clause11.id,
      baseText: clause11.text,
      proposedText: clause11.text.replace(/^\S+/, 'Hungarian'),
      justification: '',
    });
    am[2] = await act(ua, am[2], 'cosponsors');
    am[3] = await table(ua, {
      kind: 'insert',
      clauseId: clause11.id,
      proposedText: 'A first new clause from Ukraine.',
      justification: 'A gap in the plan.',
    });
    am[4] = await table(cz, {
      kind: 'insert',
      clauseId: clause11.id,
      proposedText: 'A second new clause from Czechia.',
      justification: '',
    });
    am[2] = await act(pen, am[2], 'decision', { decision: 'reject' });
  });
  afterAll(() => server?.dispose());

  it('lists each amended clause in document order with its current text, new clauses as "1.1a (new)"', async () => {
    const compilation = expectStatus(await compilationOf(observer), 200);
    expect(numbersOf(compilation)).toEqual(['1.1', '1.1a (new)', '1.1b (new)', '2.1']);
    expect(amendmentNumbers(compilation)).toEqual([[2], [3], [4], [1]]);
    const [entry11, newA, , entry21] = compilation.clauses;
    expect(entry11).toMatchObject({
      clauseId: clause11.id,
      currentText: clause11.text,
      sectionTitle: sections[0]?.title,
    });
    expect(entry21).toMatchObject({ clauseId: clause21.id, currentText: clause21.text });
    expect(newA).toMatchObject({ clauseId: clause11.id, currentText: '' });
    expect(newA?.amendments[0]).toMatchObject({ kind: 'insert', proponentCode: 'UA' });
    expect(entry11?.amendments[0]).toMatchObject({
      status: 'rejected',
      proponentCode: 'HU',
      cosponsors: [expect.objectContaining({ participantCode: 'UA' })],
    });
    expect(compilation.sections.map((section) => section.id)).toEqual(sections.map((section) => section.id));
    expect(compilation.filters).toEqual({});
  });

  it('filters by delegation (proponent or co-sponsor), open only and section', async () => {
    const byUkraine = expectStatus(await compilationOf(pen, { delegation: 'UA' }), 200);
    expect(numbersOf(byUkraine)).toEqual(['1.1', '1.1a (new)', '2.1']);
    expect(byUkraine.filters).toEqual({ participantCode: 'UA' });
    const open = expectStatus(await compilationOf(pen, { open: '1' }), 200);
    expect(amendmentNumbers(open)).toEqual([[3], [4], [1]]);
    const czechOpen = expectStatus(await compilationOf(pen, { delegation: 'cz', open: 'true' }), 200);
    expect(numbersOf(czechOpen)).toEqual(['1.1b (new)']);
    const second = sections[1]?.id ?? '';
    const inSection = expectStatus(await compilationOf(pen, { section: second }), 200);
    expect(numbersOf(inSection)).toEqual(['2.1']);
    expect(inSection.filters).toEqual({ sectionId: second });
  });

  it('refuses bad filters with a 400', async () => {
    const bad: Record<string, string>[] = [
      { section: 'no-such-section' },
      { delegation: 'XX' },
      { open: 'maybe' },
      { order: 'number' },
      { section: '<b>' },
    ];
    for (const query of bad) {
      const answer = await compilationOf(pen, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect((await compilationDocx(pen, query)).status).toBe(400);
    }
    const repeated = await pen.request(
      'GET',
      `/api/documents/${pen.documentId}${COMPILATION}?delegation=UA&delegation=HU`,
    );
    expect(repeated.status).toBe(400);
  });

  it('is readable by every role, and a 404 without one (JSON and DOCX)', async () => {
    for (const api of [pen, ua, hu, observer]) expect((await compilationOf(api)).status).toBe(200);
    const outsider = new VersionsApi(server, await signInOutsider(server), pen.documentId);
    expect((await compilationOf(outsider)).status).toBe(404);
    expect((await compilationDocx(outsider)).status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/documents/${pen.documentId}${COMPILATION}`);
    expect(anonymous.status).toBe(401);
  });

  it('writes the DOCX: each amendment with number, sponsors, both columns marked, justification, status', async () => {
    const download = await compilationDocx(observer);
    expect(download.status).toBe(200);
    expect(download.contentType).toBe(DOCX_TYPE);
    expect(decodeURIComponent(download.disposition)).toContain(
      'Action Plan 2012–2016 — Compilation of amendments.docx',
    );
    const xml = documentXmlOf(download.bytes);
    const paragraphs = paragraphTexts(xml);
    expect(paragraphs).toContain('Compilation of amendments');
    expect(paragraphs).toContain('All amendments, every section and delegation.');
    for (const [number, kind] of [
      [1, 'Change wording'],
      [2, 'Change wording'],
      [3, 'New clause'],
      [4, 'New clause'],
    ] as const) {
      expect(paragraphs).toContain(`AM ${number}  ${kind}`);
    }
    expect(paragraphs.some((line) => line.startsWith('Proponent: HU · Co-sponsors: UA · Tabled '))).toBe(
      true,
    );
    expect(paragraphs.some((line) => line.startsWith('Proponent: UA · No co-sponsors · Tabled '))).toBe(true);
    expect(paragraphs).toContain('1.1a (new)\tProposed new clause');
    expect(paragraphs).toContain('Justification: Return must be sustainable.');
    expect(paragraphs).toContain('Justification: none given');
    expect(
      paragraphs.some((line) =>
        /^Status: Rejected — Anna Nowak \(PL\), \d+ \w+ \d{4}, \d\d:\d\d /.test(line),
      ),
    ).toBe(true);
    expect(paragraphs.filter((line) => line === 'Status: Tabled')).toHaveLength(3);

    const [am2, am3, am4, am1] = amendmentTables(xml);
    expect(am2?.header).toEqual(['Text as tabled against', 'Amendment']);
    const firstWord = clause11.text.split(' ')[0] ?? '';
    expect(markedText(am2?.left ?? [], (run) => run.strike).trim()).toBe(firstWord);
    expect(markedText(am2?.right ?? [], (run) => run.bold && run.underline).trim()).toBe('Hungarian');
    expect(cellText(am1?.left ?? [])).toBe(clause21.text);
    expect(markedText(am1?.left ?? [], (run) => run.strike)).toBe('');
    expect(markedText(am1?.right ?? [], (run) => run.bold && run.underline).trim()).toBe(
      'Ukrainian addition.',
    );
    expect(cellText(am3?.left ?? [])).toBe('(New clause after 1.1)');
    expect(markedText(am3?.right ?? [], (run) => run.bold && run.underline)).toBe(
      'A first new clause from Ukraine.',
    );
    expect(markedText(am4?.right ?? [], (run) => run.bold && run.underline)).toBe(
      'A second new clause from Czechia.',
    );
  });

  it('states its filters in the DOCX', async () => {
    const download = await compilationDocx(pen, {
      section: sections[1]?.id ?? '',
      delegation: 'UA',
      open: '1',
    });
    const paragraphs = paragraphTexts(documentXmlOf(download.bytes));
    expect(paragraphs).toContain(
      `Filters: section 2. ${sections[1]?.title}; delegation UA (proponent or co-sponsor); open (tabled) amendments only.`,
    );
    expect(amendmentTables(documentXmlOf(download.bytes))).toHaveLength(1);
  });

  it.skipIf(!hasLibreOffice())(
    'opens in LibreOffice with the amendments and their columns',
    () => {
      return compilationDocx(pen).then((download) => {
        const flat = convertWithLibreOffice(download.bytes, 'docx', 'fodt').toString('utf8');
        const text = flat.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
        for (const expected of [
          'Compilation of amendments',
          'AM 1',
          'AM 4',
          'Text as tabled against',
          'Ukrainian addition.',
        ]) {
          expect(text).toContain(expected);
        }
        expect(flat).toMatch(/style:text-line-through-style="solid"/);
      });
    },
    120_000,
  );
});

describe('versions keep the amendments’ state; compare lists those tabled and decided between two sides', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let ua: VersionsApi;
  let hu: VersionsApi;
  let rev1: VersionSummary;
  let rev2: VersionSummary;
  let rev3: VersionSummary;
  let clauses: Clause[];
  const am: Record<number, Amendment> = {};

  const storedSnapshot = (versionId: string) =>
    (
      server.server.db.prepare('SELECT amendments FROM versions WHERE id = ?').get(versionId) as {
        amendments: string | null;
      }
    ).amendments;

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    ua = await versionsAs(server, DEMO.commenter);
    hu = await versionsAs(server, DEMO.hungarianDrafter);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    const structure = expectStatus(await pen.get(rev1.id), 200).structure;
    clauses = structure.sections.flatMap((section) => section.clauses);
    const [c11, c12] = clauses;
    const c21 = structure.sections[1]?.clauses[0];
    if (!c11 || !c12 || !c21) throw new Error('unexpected demo');
    const modify = (clause: Clause, proposedText: string) => ({
      kind: 'modify',
      clauseId: clause.id,
      baseText: clause.text,
      proposedText,
      justification: 'Clearer.',
    });
    am[1] = await table(ua, modify(c21, `${c21.text} Ukrainian addition.`));
    am[2] = await table(hu, modify(c11, `${c11.text} Hungarian addition.`));
    am[3] = await table(ua, { kind: 'insert', clauseId: c11.id, proposedText: 'A new clause.' });
    am[2] = await act(pen, am[2], 'decision', { decision: 'reject' });
    rev2 = await pen.saveOk('Rev. 2');
    am[1] = await act(pen, am[1], 'decision', { decision: 'accept' });
    am[3] = await act(ua, am[3], 'withdrawal');
    am[4] = await table(hu, modify(c12, `${c12.text} Another Hungarian addition.`));
    rev3 = await pen.saveOk('Rev. 3');
  });
  afterAll(() => server?.dispose());

  it('stores the amendments’ state with each version it saves', () => {
    const rev2State = JSON.parse(storedSnapshot(rev2.id) ?? 'null') as { number: number; status: string }[];
    expect(rev2State.map((entry) => [entry.number, entry.status])).toEqual([
      [1, 'tabled'],
      [2, 'rejected'],
      [3, 'tabled'],
    ]);
    const rev3State = JSON.parse(storedSnapshot(rev3.id) ?? 'null') as { number: number; status: string }[];
    expect(rev3State.map((entry) => [entry.number, entry.status])).toEqual([
      [1, 'accepted'],
      [2, 'rejected'],
      [3, 'withdrawn'],
      [4, 'tabled'],
    ]);
    // The seeded Rev. 1 was saved without a snapshot.
    expect(storedSnapshot(rev1.id)).toBeNull();
  });

  it('lists the amendments tabled and decided between two versions, in either order', async () => {
    const expected = [
      'AM 1 - decided tabled→accepted',
      'AM 3 - decided tabled→withdrawn',
      'AM 4 tabled - none→tabled',
    ];
    expect((await compareAmendments(pen, rev2.id, rev3.id)).map(changeLine)).toEqual(expected);
    expect((await compareAmendments(ua, rev3.id, rev2.id)).map(changeLine)).toEqual(expected);
    const [accepted] = await compareAmendments(pen, rev2.id, rev3.id);
    expect(accepted).toMatchObject({
      amendmentId: am[1]?.id,
      kind: 'modify',
      clauseNumber: '2.1',
      proponentCode: 'UA',
      compromise: false,
    });
  });

  it('lists them in the redline DOCX too', async () => {
    const redline = await pen.redline({ from: rev2.id, to: rev3.id });
    expect(redline.status).toBe(200);
    const paragraphs = paragraphTexts(documentXmlOf(redline.bytes));
    const heading = paragraphs.indexOf('Amendments tabled and decided between them');
    expect(heading).toBeGreaterThan(0);
    expect(paragraphs.slice(heading + 1, heading + 4)).toEqual([
      'AM 1 (2.1, UA): Tabled → Accepted',
      'AM 3 (new clause after 1.1, UA): Tabled → Withdrawn',
      'AM 4 (1.2, HU): Tabled',
    ]);
  });

  it('reads a version saved without a snapshot from the amendment records at its time', async () => {
    expect((await compareAmendments(pen, rev1.id, rev2.id)).map(changeLine)).toEqual([
      'AM 1 tabled - none→tabled',
      'AM 2 tabled decided none→rejected',
      'AM 3 tabled - none→tabled',
    ]);
  });

  it('compares against the current text with the live amendments', async () => {
    expect(await compareAmendments(pen, rev3.id, 'current')).toEqual([]);
    am[4] = await act(pen, am[4] as Amendment, 'decision', { decision: 'reject' });
    expect((await compareAmendments(pen, rev3.id, 'current')).map(changeLine)).toEqual([
      'AM 4 - decided tabled→rejected',
    ]);
    expect((await compareAmendments(pen, 'current', rev2.id)).map(changeLine)).toEqual([
      'AM 1 - decided tabled→accepted',
      'AM 3 - decided tabled→withdrawn',
      'AM 4 tabled decided none→rejected',
    ]);
  });

  it('keeps the snapshots across a restart', async () => {
    await server.restart();
    expect((await compareAmendments(pen, rev2.id, rev3.id)).map((entry) => entry.number)).toEqual([1, 3, 4]);
  });

  it('shows the live text in the compilation: an accepted change and a clause edited since tabling', async () => {
    const c12 = clauses[1] as Clause;
    const compilation = expectStatus(await compilationOf(pen), 200);
    const entry21 = compilation.clauses.find((entry) => entry.clauseId === am[1]?.clauseId);
    expect(entry21?.currentText).toBe(am[1]?.proposedText);
    // A drafter types in clause 1.2 (AM 4's clause): the compilation reads the open room's text.
    am[5] = await table(ua, {
      kind: 'modify',
      clauseId: c12.id,
      baseText: c12.text,
      proposedText: `${c12.text} Ukrainian words.`,
    });
    const drafter = await connectWellBehaved(server.wsUrl, pen.documentId, hu.who.cookie);
    try {
      appendToClause(drafter.doc, c12.id, ' Typed live.');
      await waitFor(
        async () =>
          expectStatus(await compilationOf(pen, { open: '1' }), 200).clauses.find(
            (entry) => entry.clauseId === c12.id,
          )?.currentText === `${c12.text} Typed live.`,
        { what: 'the live edit in the compilation' },
      );
      const paragraphs = paragraphTexts(documentXmlOf((await compilationDocx(pen, { open: '1' })).bytes));
      expect(paragraphs).toContain('Tabled against Rev. 3; clause changed since.');
    } finally {
      drafter.destroy();
    }
  });
});
