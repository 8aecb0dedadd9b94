import type { DocumentComparison } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { comparedClauses, compareStructures } from '../../server/src/compare/compareStructures';
import {
  buildStructure,
  makeLargeStructure,
  reviseLargeStructure,
  type StructureSpec,
} from '../../server/src/compare/fixtures';
import type { ComparableDocument } from '../../server/src/compare/types';

const TEXT = {
  a: 'Strengthen the exchange of information and risk analysis on irregular migration routes.',
  b: 'Develop joint training for border guards on the detection of forged documents.',
  c: 'Promote operational cooperation between law enforcement authorities against smuggling.',
  d: 'Give priority to voluntary return over forced return.',
  e: 'Support returnees in their sustainable reintegration in the countries of origin.',
};

function spec(): StructureSpec {
  return {
    preamble: ['The participating states of the Prague Process,'],
    sections: [
      {
        id: 's1',
        title: 'Illegal migration',
        clauses: [
          { id: 'a', text: TEXT.a },
          { id: 'b', text: TEXT.b },
          { id: 'c', text: TEXT.c },
        ],
      },
      {
        id: 's2',
        title: 'Return',
        clauses: [
          { id: 'd', text: TEXT.d },
          { id: 'e', text: TEXT.e },
        ],
      },
    ],
  };
}

const version = (
  edit: (draft: StructureSpec) => void = () => {},
  extra: Omit<ComparableDocument, 'structure'> = {},
) => {
  const draft = spec();
  edit(draft);
  return { structure: buildStructure(draft), ...extra };
};

function clause(comparison: DocumentComparison, id: string) {
  const found = comparedClauses(comparison).find((entry) => entry.clauseId === id);
  if (!found) throw new Error(`no entry for clause ${id}`);
  return found;
}

const order = (comparison: DocumentComparison) =>
  comparison.sections.map((section) => [section.sectionId, section.clauses.map((entry) => entry.clauseId)]);

const section = (draft: StructureSpec, id: string) => draft.sections.find((entry) => entry.id === id)!;

describe('compareStructures: text', () => {
  it('reports identical versions as unchanged, with the full text as one equal segment', () => {
    const comparison = compareStructures(version(), version());
    expect(comparedClauses(comparison).map((entry) => entry.change)).toEqual(Array(5).fill('unchanged'));
    expect(clause(comparison, 'b').redline).toEqual([{ op: 'equal', text: TEXT.b }]);
    expect(comparison.summary.total).toMatchObject({ added: 0, removed: 0, moved: 0, changed: 0, split: 0 });
    expect(comparison.summary.total.unchanged).toBe(5);
    expect(comparison.preamble.changed).toBe(false);
  });

  it('reports word edits with exact insert and delete segments', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses[1]!.text =
        'Develop joint training for border and coast guards on the detection of false documents.';
    });
    const entry = clause(compareStructures(version(), after), 'b');
    expect(entry.change).toBe('changed');
    expect(entry.textChanged).toBe(true);
    expect(entry.redline).toEqual([
      { op: 'equal', text: 'Develop joint training for border' },
      { op: 'insert', text: ' and coast' },
      { op: 'equal', text: ' guards on the detection of ' },
      { op: 'delete', text: 'forged' },
      { op: 'insert', text: 'false' },
      { op: 'equal', text: ' documents.' },
    ]);
  });

  it('reports whitespace-only edits as unchanged, keeping the new text', () => {
    const edited = 'Give  priority to voluntary return\nover forced return. ';
    const after = version((draft) => {
      section(draft, 's2').clauses[0]!.text = edited;
    });
    const entry = clause(compareStructures(version(), after), 'd');
    expect(entry.change).toBe('unchanged');
    expect(entry.textChanged).toBe(false);
    expect(entry.redline).toEqual([{ op: 'equal', text: edited }]);
  });

  it('reports a preamble edit', () => {
    const after = version((draft) => {
      draft.preamble = ['The participating states and the EU,'];
    });
    const comparison = compareStructures(version(), after);
    expect(comparison.preamble.changed).toBe(true);
    expect(comparison.preamble.redline).toEqual([
      { op: 'equal', text: 'The participating states ' },
      { op: 'delete', text: 'of' },
      { op: 'insert', text: 'and' },
      { op: 'equal', text: ' the ' },
      { op: 'delete', text: 'Prague Process' },
      { op: 'insert', text: 'EU' },
      { op: 'equal', text: ',' },
    ]);
    expect(comparison.summary.preambleChanged).toBe(true);
  });
});

describe('compareStructures: clauses added, removed, moved, renumbered', () => {
  it('reports an added clause, and renumbers the clauses after it without reporting them', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses.unshift({ id: 'new', text: 'Map the routes.' });
    });
    const comparison = compareStructures(version(), after);
    expect(clause(comparison, 'new')).toMatchObject({
      change: 'added',
      afterNumber: '1.1',
      redline: [{ op: 'insert', text: 'Map the routes.' }],
    });
    expect(clause(comparison, 'new').beforeNumber).toBeUndefined();
    for (const [id, from, to] of [
      ['a', '1.1', '1.2'],
      ['b', '1.2', '1.3'],
      ['c', '1.3', '1.4'],
    ] as const) {
      expect(clause(comparison, id)).toMatchObject({
        change: 'unchanged',
        moved: false,
        beforeNumber: from,
        afterNumber: to,
      });
    }
    expect(comparison.summary.total).toMatchObject({ added: 1, moved: 0, changed: 0, unchanged: 5 });
  });

  it('reports a removed clause where it stood, with its old number', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses.splice(1, 1);
    });
    const comparison = compareStructures(version(), after);
    expect(clause(comparison, 'b')).toMatchObject({
      change: 'removed',
      beforeNumber: '1.2',
      sectionId: 's1',
      redline: [{ op: 'delete', text: TEXT.b }],
    });
    expect(clause(comparison, 'b').afterNumber).toBeUndefined();
    expect(order(comparison)).toEqual([
      ['s1', ['a', 'b', 'c']],
      ['s2', ['d', 'e']],
    ]);
    expect(clause(comparison, 'c')).toMatchObject({
      change: 'unchanged',
      beforeNumber: '1.3',
      afterNumber: '1.2',
    });
  });

  it('reports a clause moved to another section as a move, not a delete and an insert', () => {
    const after = version((draft) => {
      const [moved] = section(draft, 's1').clauses.splice(0, 1);
      section(draft, 's2').clauses.push(moved!);
    });
    const comparison = compareStructures(version(), after);
    expect(clause(comparison, 'a')).toMatchObject({
      change: 'moved',
      moved: true,
      beforeNumber: '1.1',
      afterNumber: '2.3',
      beforeSectionId: 's1',
      afterSectionId: 's2',
      sectionId: 's2',
      redline: [{ op: 'equal', text: TEXT.a }],
    });
    expect(clause(comparison, 'b')).toMatchObject({
      change: 'unchanged',
      beforeNumber: '1.2',
      afterNumber: '1.1',
    });
    expect(comparison.summary.total).toMatchObject({ moved: 1, added: 0, removed: 0 });
  });

  it('reports only the clause that left the order within a section as moved', () => {
    const after = version((draft) => {
      const clauses = section(draft, 's1').clauses;
      clauses.unshift(clauses.pop()!);
    });
    const comparison = compareStructures(version(), after);
    expect(comparedClauses(comparison).map((entry) => [entry.clauseId, entry.change])).toEqual([
      ['c', 'moved'],
      ['a', 'unchanged'],
      ['b', 'unchanged'],
      ['d', 'unchanged'],
      ['e', 'unchanged'],
    ]);
  });

  it('reports a clause both moved and edited as changed, flagged moved, and counts it as both', () => {
    const after = version((draft) => {
      const [moved] = section(draft, 's2').clauses.splice(0, 1);
      moved!.text = 'Give priority to voluntary return.';
      section(draft, 's1').clauses.push(moved!);
    });
    const comparison = compareStructures(version(), after);
    expect(clause(comparison, 'd')).toMatchObject({ change: 'changed', moved: true, textChanged: true });
    const entry = clause(comparison, 'd');
    expect(entry.redline.filter((segment) => segment.op !== 'equal')).toEqual([
      { op: 'delete', text: ' over forced return' },
    ]);
    expect(comparison.summary.total).toMatchObject({ changed: 1, moved: 1 });
  });
});

describe('compareStructures: splits', () => {
  const original =
    'Develop joint training for border guards. Identify victims of trafficking in human beings.';
  const before = () =>
    version((draft) => {
      section(draft, 's1').clauses[1]!.text = original;
    });

  it('reports a new clause taking the tail of the clause before it as split from it', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses.splice(
        1,
        1,
        { id: 'b', text: 'Develop joint training for border guards.' },
        { id: 'b2', text: 'Identify the victims of trafficking in human beings.' },
      );
    });
    const comparison = compareStructures(before(), after);
    expect(clause(comparison, 'b2')).toMatchObject({ change: 'split', splitFrom: 'b', afterNumber: '1.3' });
    expect(clause(comparison, 'b2').redline).toEqual([
      { op: 'equal', text: 'Identify' },
      { op: 'insert', text: ' the' },
      { op: 'equal', text: ' victims of trafficking in human beings.' },
    ]);
    expect(clause(comparison, 'b')).toMatchObject({ change: 'changed', splitInto: ['b2'] });
    expect(clause(comparison, 'c')).toMatchObject({
      change: 'unchanged',
      beforeNumber: '1.3',
      afterNumber: '1.4',
    });
    expect(comparison.summary.total).toMatchObject({ split: 1, added: 0, changed: 1 });
  });

  it('reports a clause whose id disappeared into two new clauses as removed and split', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses.splice(
        1,
        1,
        { id: 'n1', text: 'Develop joint training for border guards.' },
        { id: 'n2', text: 'Identify victims of trafficking in human beings.' },
      );
    });
    const comparison = compareStructures(before(), after);
    expect(clause(comparison, 'b')).toMatchObject({ change: 'removed', splitInto: ['n1', 'n2'] });
    expect(clause(comparison, 'n1')).toMatchObject({ change: 'split', splitFrom: 'b' });
    expect(clause(comparison, 'n2')).toMatchObject({ change: 'split', splitFrom: 'b' });
    expect(clause(comparison, 'n2').redline).toEqual([
      { op: 'equal', text: 'Identify victims of trafficking in human beings.' },
    ]);
  });

  it('does not take an unrelated new clause after a shortened one for a split', () => {
    const after = version((draft) => {
      section(draft, 's1').clauses.splice(
        1,
        1,
        { id: 'b', text: 'Develop joint training for border guards.' },
        { id: 'x', text: 'Set up a network of national contact points for labour migration.' },
      );
    });
    const comparison = compareStructures(before(), after);
    expect(clause(comparison, 'x').change).toBe('added');
    expect(clause(comparison, 'b').splitInto).toBeUndefined();
  });
});

describe('compareStructures: negotiation and attribution', () => {
  it('reports a status change on an unchanged clause without changing its text verdict', () => {
    const comparison = compareStructures(
      version(() => {}, { statuses: { a: 'bracketed' } }),
      version(() => {}, { statuses: { a: 'agreed', b: 'open' } }),
    );
    expect(clause(comparison, 'a')).toMatchObject({
      change: 'unchanged',
      statusChange: { from: 'bracketed', to: 'agreed' },
    });
    expect(clause(comparison, 'b').statusChange).toBeUndefined();
    expect(comparison.summary.total.statusChanged).toBe(1);
  });

  it('reports brackets added (with their marks in the text), changed and removed', () => {
    const before = version(() => {}, {
      brackets: { old: { clauseId: 'd', text: 'voluntary', alternatives: ['voluntary'] } },
    });
    const after = version(
      (draft) => {
        section(draft, 's1').clauses[0]!.text = [
          { text: 'Strengthen the exchange of information' },
          { text: ' and risk analysis', bracketId: 'br' },
          { text: ' on irregular migration routes.' },
        ];
      },
      {
        brackets: {
          br: { clauseId: 'a', text: ' and risk analysis', alternatives: [' and risk analysis', ''] },
          old: { clauseId: 'd', text: 'voluntary', alternatives: ['voluntary', 'assisted'] },
        },
      },
    );
    const comparison = compareStructures(before, after);
    const entry = clause(comparison, 'a');
    expect(entry.bracketChanges).toEqual([
      {
        bracketId: 'br',
        change: 'added',
        after: { text: ' and risk analysis', alternatives: [' and risk analysis', ''] },
      },
    ]);
    expect(entry.redline.filter((segment) => segment.op !== 'equal')).toEqual([
      { op: 'insert', text: '[' },
      { op: 'insert', text: ']' },
    ]);
    expect(clause(comparison, 'd').bracketChanges?.[0]).toMatchObject({
      bracketId: 'old',
      change: 'changed',
    });
    const resolved = compareStructures(after, version());
    expect(clause(resolved, 'a').bracketChanges?.map((change) => change.change)).toEqual(['removed']);
  });

  it('reports delegation positions given, changed and withdrawn', () => {
    const comparison = compareStructures(
      version(() => {}, { positions: { c: { DE: 'support', FR: 'reservation', AT: 'support' } } }),
      version(() => {}, { positions: { c: { DE: 'support', FR: 'support', HU: 'reservation' } } }),
    );
    expect(clause(comparison, 'c').positionChanges).toEqual([
      { participantCode: 'AT', from: 'support' },
      { participantCode: 'FR', from: 'reservation', to: 'support' },
      { participantCode: 'HU', to: 'reservation' },
    ]);
  });

  it('carries the participants who edited a changed clause, and none for unchanged clauses', () => {
    const after = version((draft) => {
      section(draft, 's2').clauses[1]!.text =
        'Support returnees in their reintegration in the countries of origin.';
    });
    const comparison = compareStructures(version(), after, {
      attribution: { e: ['MD', 'AT', 'MD'], a: ['DE'] },
    });
    expect(clause(comparison, 'e').editedBy).toEqual(['AT', 'MD']);
    expect(clause(comparison, 'a').editedBy).toBeUndefined();
  });
});

describe('compareStructures: sections and summary', () => {
  it('reports sections added and renamed, and counts clauses per section', () => {
    const after = version((draft) => {
      section(draft, 's2').title = 'Readmission and Return';
      section(draft, 's1').clauses[2]!.text =
        'Promote cooperation between law enforcement authorities against smuggling.';
      section(draft, 's1').clauses.splice(0, 1);
      draft.sections.splice(1, 0, {
        id: 's3',
        title: 'Legal migration',
        clauses: [{ id: 'f', text: 'Inform.' }],
      });
    });
    const comparison = compareStructures(version(), after);
    expect(
      comparison.sections.map((entry) => [
        entry.sectionId,
        entry.change,
        entry.beforeNumber,
        entry.afterNumber,
      ]),
    ).toEqual([
      ['s1', 'unchanged', '1', '1'],
      ['s3', 'added', undefined, '2'],
      ['s2', 'renamed', '2', '3'],
    ]);
    expect(comparison.sections[2]?.titleRedline).toEqual([
      { op: 'insert', text: 'Readmission and ' },
      { op: 'equal', text: 'Return' },
    ]);
    expect(clause(comparison, 'd')).toMatchObject({
      change: 'unchanged',
      beforeNumber: '2.1',
      afterNumber: '3.1',
    });
    const counts = Object.fromEntries(
      comparison.summary.sections.map((entry) => [entry.sectionId, entry.counts]),
    );
    expect(counts.s1).toMatchObject({ removed: 1, changed: 1, unchanged: 1, added: 0 });
    expect(counts.s3).toMatchObject({ added: 1, removed: 0 });
    expect(counts.s2).toMatchObject({ unchanged: 2, changed: 0 });
    expect(comparison.summary.sections.find((entry) => entry.sectionId === 's2')).toMatchObject({
      number: '3',
      title: 'Readmission and Return',
      change: 'renamed',
    });
    expect(comparison.summary.sectionChanges).toEqual({ added: 1, removed: 0, renamed: 1, moved: 0 });
    expect(comparison.summary.total).toMatchObject({ added: 1, removed: 1, changed: 1, unchanged: 3 });
  });

  it('reports a removed section where it stood, and a section moved to the front as moved', () => {
    const removed = compareStructures(
      version(),
      version((draft) => void draft.sections.splice(0, 1)),
    );
    expect(removed.sections.map((entry) => [entry.sectionId, entry.change])).toEqual([
      ['s1', 'removed'],
      ['s2', 'unchanged'],
    ]);
    expect(removed.sections[0]?.clauses.map((entry) => entry.change)).toEqual([
      'removed',
      'removed',
      'removed',
    ]);
    const moved = compareStructures(
      version(),
      version((draft) => void draft.sections.reverse()),
    );
    expect(moved.sections.map((entry) => [entry.sectionId, entry.change, entry.moved])).toEqual([
      ['s2', 'moved', true],
      ['s1', 'unchanged', false],
    ]);
    expect(clause(moved, 'd')).toMatchObject({
      change: 'unchanged',
      moved: false,
      beforeNumber: '2.1',
      afterNumber: '1.1',
    });
  });
});

describe('compareStructures: a large document', () => {
  it('generates the same document for the same seed, and finds what the revision did', () => {
    const original = makeLargeStructure(200, 11);
    expect(makeLargeStructure(200, 11)).toEqual(original);
    expect(original.sections.flatMap((entry) => entry.clauses)).toHaveLength(200);
    const revised = reviseLargeStructure(original, 5);
    const beforeIds = new Set(original.sections.flatMap((entry) => entry.clauses.map((item) => item.id)));
    const afterIds = new Set(revised.sections.flatMap((entry) => entry.clauses.map((item) => item.id)));
    const comparison = compareStructures({ structure: original }, { structure: revised });
    expect(comparison.summary.total.removed).toBe([...beforeIds].filter((id) => !afterIds.has(id)).length);
    expect(comparison.summary.total.added).toBe([...afterIds].filter((id) => !beforeIds.has(id)).length);
    expect(comparison.summary.total.moved).toBe(1);
    expect(comparison.summary.total.changed).toBeGreaterThan(5);
    const same = compareStructures({ structure: original }, { structure: structuredClone(original) });
    expect(same.summary.total.unchanged).toBe(200);
  });
});
