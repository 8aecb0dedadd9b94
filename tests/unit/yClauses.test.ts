import { CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { enclosingClauseId, readYSections, yFlatText, yNodeId, yPlainText } from '@draftroom/shared/yClauses';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { directoryFromYDoc } from '../../client/src/negotiation/dashboard/yDocClauses';
import { readClauses } from '../../server/src/content/outline';

function element(nodeName: string, children: (Y.XmlElement | Y.XmlText)[], id?: unknown): Y.XmlElement {
  const node = new Y.XmlElement(nodeName);
  if (id !== undefined) node.setAttribute(ID_ATTR, id as string);
  node.insert(0, children);
  return node;
}

function text(value: string): Y.XmlText {
  const node = new Y.XmlText();
  node.insert(0, value);
  return node;
}

const paragraph = (...children: (Y.XmlElement | Y.XmlText)[]) => element(NodeName.paragraph, children);

/**
 * A document as an adversary or an old editor might leave it: a preamble, a
 * clause with two paragraphs and a line break, a clause without an id, one
 * whose id is a number, a stray paragraph in a section, a section without an
 * id and one with no clause.
 */
function awkwardDocument(): Y.Doc {
  const doc = new Y.Doc();
  doc
    .getXmlFragment(CONTENT_FIELD)
    .insert(0, [
      element(NodeName.heading, [text('Preamble')]),
      paragraph(text('Agree:')),
      element(
        NodeName.section,
        [
          element(NodeName.sectionHeading, [text('  Illegal   migration ')]),
          element(
            NodeName.clause,
            [
              paragraph(text('Exchange'), element('hardBreak', []), text('information.')),
              paragraph(text('Report.')),
            ],
            'cl-a',
          ),
          element(NodeName.clause, [paragraph(text('No id yet.'))]),
          paragraph(text('Stray paragraph.')),
          element(NodeName.clause, [paragraph(text('Numeric id.'))], 7),
          element(NodeName.clause, [paragraph(text('Train border guards.'))], 'cl-d'),
        ],
        'sec-1',
      ),
      element(NodeName.section, [element(NodeName.sectionHeading, [text('Return')])]),
      element(
        NodeName.section,
        [
          element(NodeName.sectionHeading, [text('Partnership')]),
          element(NodeName.clause, [paragraph(text('Meet.'))], 'cl-e'),
        ],
        'sec-3',
      ),
    ]);
  return doc;
}

describe('readYSections', () => {
  it('numbers sections and every clause element by position, skipping the preamble and stray blocks', () => {
    const sections = readYSections(awkwardDocument());
    expect(sections.map((section) => [section.id, section.number, section.index])).toEqual([
      ['sec-1', '1', 0],
      [null, '2', 1],
      ['sec-3', '3', 2],
    ]);
    expect(sections[0]?.clauses.map((clause) => [clause.id, clause.number, clause.index])).toEqual([
      ['cl-a', '1.1', 0],
      [null, '1.2', 1],
      [null, '1.3', 2],
      ['cl-d', '1.4', 3],
    ]);
    expect(sections[1]?.clauses).toEqual([]);
    expect(sections[2]?.clauses.map((clause) => clause.number)).toEqual(['3.1']);
    expect(sections.map((section) => section.heading && yPlainText(section.heading))).toEqual([
      '  Illegal   migration ',
      'Return',
      'Partnership',
    ]);
  });

  it('reads nothing from an empty document', () => {
    expect(readYSections(new Y.Doc())).toEqual([]);
  });
});

describe('clause text', () => {
  const clause = () => readYSections(awkwardDocument())[0]?.clauses[0]?.element as Y.XmlElement;

  it('as stored: paragraph pieces joined as they are, blocks by newlines', () => {
    expect(yPlainText(clause())).toBe('Exchangeinformation.\nReport.');
  });

  it('on one line: every piece separated by a space, whitespace collapsed', () => {
    expect(yFlatText(clause())).toBe('Exchange information. Report.');
    const heading = readYSections(awkwardDocument())[0]?.heading as Y.XmlElement;
    expect(yFlatText(heading)).toBe('Illegal migration');
  });
});

describe('yNodeId and enclosingClauseId', () => {
  it('take only a non-empty string id', () => {
    const [first, , numeric] = readYSections(awkwardDocument())[0]?.clauses ?? [];
    expect(yNodeId(first?.element as Y.XmlElement)).toBe('cl-a');
    expect(yNodeId(numeric?.element as Y.XmlElement)).toBeNull();
    expect(yNodeId(element(NodeName.clause, [], ''))).toBeNull();
  });

  it('find the nearest clause at or above a type, or null outside clauses', () => {
    const [section] = readYSections(awkwardDocument());
    const [first, , numeric] = section?.clauses ?? [];
    const firstParagraph = first?.element.get(0) as Y.XmlElement;
    expect(enclosingClauseId(firstParagraph.get(0) as Y.XmlText)).toBe('cl-a');
    expect(enclosingClauseId(first?.element ?? null)).toBe('cl-a');
    expect(enclosingClauseId(numeric?.element.get(0) as Y.XmlElement)).toBeNull();
    expect(enclosingClauseId(section?.heading ?? null)).toBeNull();
    expect(enclosingClauseId(section?.element ?? null)).toBeNull();
    expect(enclosingClauseId(null)).toBeNull();
  });
});

describe('the server and dashboard readers over the shared one', () => {
  it('the server reads every clause, its id as stored ("" when missing), and its stored text', () => {
    const clauses = readClauses(awkwardDocument());
    expect(clauses.map((clause) => [clause.id, clause.number, clause.sectionId, clause.text])).toEqual([
      ['cl-a', '1.1', 'sec-1', 'Exchangeinformation.\nReport.'],
      ['', '1.2', 'sec-1', 'No id yet.'],
      ['7', '1.3', 'sec-1', 'Numeric id.'],
      ['cl-d', '1.4', 'sec-1', 'Train border guards.'],
      ['cl-e', '3.1', 'sec-3', 'Meet.'],
    ]);
  });

  it('the dashboard lists only clauses with an id, numbered among all, text and titles on one line', () => {
    const directory = directoryFromYDoc(awkwardDocument());
    expect(directory.sections).toEqual([
      { id: 'sec-1', number: '1', title: 'Illegal migration' },
      { id: null, number: '2', title: 'Return' },
      { id: 'sec-3', number: '3', title: 'Partnership' },
    ]);
    expect(directory.clauses).toEqual([
      {
        id: 'cl-a',
        number: '1.1',
        sectionId: 'sec-1',
        sectionNumber: '1',
        sectionTitle: 'Illegal migration',
        text: 'Exchange information. Report.',
      },
      {
        id: 'cl-d',
        number: '1.4',
        sectionId: 'sec-1',
        sectionNumber: '1',
        sectionTitle: 'Illegal migration',
        text: 'Train border guards.',
      },
      {
        id: 'cl-e',
        number: '3.1',
        sectionId: 'sec-3',
        sectionNumber: '3',
        sectionTitle: 'Partnership',
        text: 'Meet.',
      },
    ]);
    expect(directory.byId.get('cl-d')?.number).toBe('1.4');
  });
});
