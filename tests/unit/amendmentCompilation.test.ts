import type { Amendment } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { amendmentRedline } from '../../server/src/amendments/amendmentText';
import {
  buildCompilation,
  type CompilationText,
  newClauseLetter,
  parseCompilationQuery,
  readCompilationText,
} from '../../server/src/amendments/compilation';
import { exportCompilationDocx, statusText } from '../../server/src/amendments/compilationDocx';
import { writeOutline } from '../../server/src/content/outline';
import { amendmentRecord } from '../support/amendmentRecord';
import {
  amendmentTables,
  cellText,
  documentXmlOf,
  markedText,
  paragraphTexts,
} from '../support/compilationDocx';

const actor = (code: string) => ({ userId: `u-${code}`, name: `Delegate ${code}`, participantCode: code });

function amendment(number: number, overrides: Partial<Amendment>): Amendment {
  return amendmentRecord({
    id: `am-${number}`,
    number,
    clauseId: 'c1',
    baseText: '',
    proposedText: '',
    tabledBy: actor('UA'),
    tabledAt: '2026-11-30T00:53:00.000Z',
    ...overrides,
  });
}

const TEXT: CompilationText = {
  sections: [
    { id: 's1', number: '1', title: 'Preventing irregular migration' },
    { id: 's2', number: '2', title: 'Return and readmission' },
  ],
  clauses: [
    { id: 'c1', number: '1.1', sectionId: 's1', text: 'Exchange information on routes.' },
    { id: 'c2', number: '1.2', sectionId: 's1', text: 'Train border guards.' },
    { id: 'c3', number: '2.1', sectionId: 's2', text: 'Give priority to voluntary return.' },
  ],
};

const AMENDMENTS: Amendment[] = [
  amendment(3, {
    kind: 'insert',
    clauseId: 'c1',
    proposedText: 'Set up contact points.',
    proponentCode: 'HU',
  }),
  amendment(1, {
    clauseId: 'c3',
    clauseNumber: '2.1',
    baseText: 'Give priority to voluntary return.',
    proposedText: 'Give clear priority to voluntary return.',
    cosponsors: [{ participantCode: 'MD', by: actor('MD'), at: '2026-11-30T01:00:00.000Z' }],
  }),
  amendment(2, {
    clauseId: 'c1',
    baseText: 'Exchange information on routes.',
    proposedText: 'Exchange data on routes.',
    status: 'rejected',
    decidedBy: actor('PL'),
    decidedAt: '2026-12-01T09:00:00.000Z',
  }),
  amendment(4, { kind: 'insert', clauseId: 'c1', proposedText: 'Share risk analyses.', proponentCode: 'CZ' }),
  amendment(5, {
    kind: 'delete',
    clauseId: 'gone',
    clauseNumber: '1.3',
    baseText: 'An old clause.',
    status: 'fallen',
    fallenReason: 'clause-deleted',
  }),
];

const compile = (filters: Parameters<typeof buildCompilation>[0]['filters'] = {}) =>
  buildCompilation({
    documentId: 'doc',
    title: 'Action Plan',
    generatedAt: '2026-12-02T10:00:00.000Z',
    text: TEXT,
    amendments: AMENDMENTS,
    filters,
  });

describe('the compilation of amendments', () => {
  it('lists amended clauses in document order, new clauses right after theirs, gone clauses last', () => {
    const compilation = compile();
    expect(compilation.clauses.map((entry) => entry.number)).toEqual([
      '1.1',
      '1.1a (new)',
      '1.1b (new)',
      '2.1',
      '1.3 (deleted)',
    ]);
    expect(compilation.clauses.map((entry) => entry.amendments.map((a) => a.number))).toEqual([
      [2],
      [3],
      [4],
      [1],
      [5],
    ]);
    const [first] = compilation.clauses;
    expect(first).toMatchObject({
      currentText: 'Exchange information on routes.',
      sectionTitle: 'Preventing irregular migration',
    });
    expect(compilation.clauses[1]).toMatchObject({ clauseId: 'c1', currentText: '' });
  });

  it('filters by delegation (proponent or co-sponsor), open only and section, keeping new-clause letters', () => {
    expect(compile({ participantCode: 'MD' }).clauses.map((entry) => entry.number)).toEqual(['2.1']);
    expect(compile({ participantCode: 'CZ' }).clauses.map((entry) => entry.number)).toEqual(['1.1b (new)']);
    expect(compile({ openOnly: true }).clauses.map((entry) => entry.number)).toEqual([
      '1.1a (new)',
      '1.1b (new)',
      '2.1',
    ]);
    expect(compile({ sectionId: 's2' }).clauses.map((entry) => entry.number)).toEqual(['2.1']);
    expect(compile({ sectionId: 's1', openOnly: true, participantCode: 'UA' }).clauses).toEqual([]);
  });

  it('lists an accepted new clause under the clause it created', () => {
    const text: CompilationText = {
      ...TEXT,
      clauses: [
        TEXT.clauses[0] as CompilationText['clauses'][number],
        { id: 'new', number: '1.2', sectionId: 's1', text: 'Set up contact points.' },
        ...TEXT.clauses.slice(1),
      ],
    };
    const accepted = amendment(3, {
      kind: 'insert',
      clauseId: 'c1',
      proposedText: 'Set up contact points.',
      status: 'accepted',
      createdClauseId: 'new',
    });
    const compilation = buildCompilation({
      documentId: 'doc',
      title: 'T',
      generatedAt: '2026-12-02T10:00:00.000Z',
      text,
      amendments: [accepted],
      filters: {},
    });
    expect(compilation.clauses.map((entry) => [entry.number, entry.clauseId])).toEqual([['1.2', 'new']]);
  });

  it('letters new clauses a … z, aa, ab', () => {
    expect([0, 1, 25, 26, 27, 52].map(newClauseLetter)).toEqual(['a', 'b', 'z', 'aa', 'ab', 'ba']);
  });

  it('refuses bad filters with a 400 and accepts codes in any case', () => {
    const known = { sectionIds: new Set(['s1']), participantCodes: new Set(['UA', 'HU']) };
    expect(parseCompilationQuery({ section: 's1', delegation: 'ua', open: '1' }, known)).toEqual({
      sectionId: 's1',
      participantCode: 'UA',
      openOnly: true,
    });
    expect(parseCompilationQuery({}, known)).toEqual({});
    for (const query of [
      { section: 'nope' },
      { delegation: 'FR' },
      { open: 'yes' },
      { delegation: ['UA', 'HU'] },
      { sort: 'number' },
      { section: '<script>' },
    ]) {
      expect(() => parseCompilationQuery(query, known)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('reads section titles and clause texts from a Y.Doc', () => {
    const doc = new Y.Doc();
    writeOutline(doc, {
      preamble: { heading: 'Preamble', paragraphs: [] },
      sections: [
        { title: 'First', clauses: ['One.', 'Two.'] },
        { title: 'Second', clauses: ['Three.'] },
      ],
    });
    const text = readCompilationText(doc);
    expect(text.sections.map((section) => [section.number, section.title])).toEqual([
      ['1', 'First'],
      ['2', 'Second'],
    ]);
    expect(text.clauses.map((clause) => [clause.number, clause.text, clause.sectionId])).toEqual([
      ['1.1', 'One.', text.sections[0]?.id],
      ['1.2', 'Two.', text.sections[0]?.id],
      ['2.1', 'Three.', text.sections[1]?.id],
    ]);
  });

  it('redlines an amendment per column, keeping paragraphs', () => {
    const change = {
      kind: 'modify' as const,
      baseText: 'One two.\nThree.',
      proposedText: 'One new two.\nThree.',
    };
    expect(amendmentRedline(change, 'before').map((p) => p.map((piece) => piece.text).join(''))).toEqual([
      'One two.',
      'Three.',
    ]);
    const after = amendmentRedline(change, 'after');
    expect(after[0]?.filter((piece) => piece.op === 'insert').map((piece) => piece.text.trim())).toEqual([
      'new',
    ]);
  });
});

describe('the compilation DOCX', () => {
  it('holds each amendment: number, sponsors, both columns marked, justification and status', async () => {
    const docx = await exportCompilationDocx({
      compilation: compile(),
      processName: 'Prague Process',
      timeZone: 'Europe/Prague',
    });
    const xml = documentXmlOf(docx);
    const paragraphs = paragraphTexts(xml);
    expect(paragraphs).toContain('Compilation of amendments');
    expect(paragraphs).toContain('All amendments, every section and delegation.');
    expect(paragraphs).toContain('Prague Process — 2 December 2026, 11:00 CET');
    expect(paragraphs).toContain('1.1a (new)\tProposed new clause');
    expect(paragraphs).toContain('1.3 (deleted)\tNo longer in the text');
    expect(paragraphs).toContain('AM 1  Change wording');
    expect(
      paragraphs.some((text) => text.startsWith('Proponent: UA · Co-sponsors: MD · Tabled 30 November 2026')),
    ).toBe(true);
    expect(paragraphs).toContain('Status: Fallen (the clause was deleted)');
    expect(paragraphs).toContain('Status: Rejected — Delegate PL (PL), 1 December 2026, 10:00 CET');
    expect(paragraphs).toContain('Justification: none given');
    const tables = amendmentTables(xml);
    expect(tables).toHaveLength(5);
    expect(
      tables.every(
        (table) => table.header[0] === 'Text as tabled against' && table.header[1] === 'Amendment',
      ),
    ).toBe(true);
    // Document order: AM 2 (1.1), AM 3, AM 4 (new clauses), AM 1 (2.1), AM 5 (gone).
    const [am2, am3, , am1, am5] = tables;
    expect(markedText(am2?.left ?? [], (run) => run.strike).trim()).toBe('information');
    expect(markedText(am2?.right ?? [], (run) => run.bold && run.underline).trim()).toBe('data');
    expect(cellText(am1?.right ?? [])).toBe('Give clear priority to voluntary return.');
    expect(markedText(am1?.right ?? [], (run) => run.bold && run.underline).trim()).toBe('clear');
    expect(markedText(am1?.left ?? [], (run) => run.strike)).toBe('');
    expect(cellText(am3?.left ?? [])).toBe('(New clause after 1.1)');
    expect(markedText(am3?.right ?? [], (run) => run.bold && run.underline)).toBe('Set up contact points.');
    expect(markedText(am5?.left ?? [], (run) => run.strike)).toBe('An old clause.');
    expect(cellText(am5?.right ?? [])).toBe('(Delete the clause)');
  });

  it('names a new clause after its anchor’s number today, not as tabled', async () => {
    const renumbered: CompilationText = {
      sections: TEXT.sections,
      clauses: [
        { id: 'c0', number: '1.1', sectionId: 's1', text: 'A clause added before.' },
        { id: 'c1', number: '1.2', sectionId: 's1', text: 'Exchange information on routes.' },
      ],
    };
    const inserted = amendment(7, {
      kind: 'insert',
      clauseId: 'c1',
      clauseNumber: '1.1',
      proposedText: 'New.',
    });
    const compilation = buildCompilation({
      documentId: 'doc',
      title: 'T',
      generatedAt: '2026-12-02T10:00:00.000Z',
      text: renumbered,
      amendments: [inserted],
      filters: {},
    });
    expect(compilation.clauses.map((entry) => entry.number)).toEqual(['1.2a (new)']);
    const docx = await exportCompilationDocx({ compilation, processName: 'P' });
    expect(cellText(amendmentTables(documentXmlOf(docx))[0]?.left ?? [])).toBe('(New clause after 1.2)');
  });

  it('states the filters and the covering compromise', async () => {
    const covered = amendment(1, {
      baseText: 'A.',
      proposedText: 'B.',
      status: 'covered-by-compromise',
      coveredBy: 6,
    });
    expect(statusText(covered)).toMatch(/^Covered by compromise AM 6/);
    const compilation = buildCompilation({
      documentId: 'doc',
      title: 'T',
      generatedAt: '2026-12-02T10:00:00.000Z',
      text: TEXT,
      amendments: AMENDMENTS,
      filters: { sectionId: 's2', participantCode: 'UA', openOnly: true },
    });
    const docx = await exportCompilationDocx({
      compilation,
      processName: 'P',
      sectionLabel: '2. Return and readmission',
    });
    expect(paragraphTexts(documentXmlOf(docx))).toContain(
      'Filters: section 2. Return and readmission; delegation UA (proponent or co-sponsor); open (tabled) amendments only.',
    );
  });
});
