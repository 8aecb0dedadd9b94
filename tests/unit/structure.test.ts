import { CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type DocumentOutline, readClauses, writeOutline } from '../../server/src/content/outline';
import {
  canonicalText,
  clauseDisplayText,
  fingerprint,
  readDocumentStructure,
} from '../../server/src/content/structure';

const outline: DocumentOutline = {
  preamble: { heading: 'Preamble', paragraphs: ['Recalling the Joint Declaration,', 'Agree:'] },
  sections: [
    { title: 'Illegal migration', clauses: ['Exchange information.', 'Train border guards.'] },
    { title: 'Return', clauses: ['Prefer voluntary return.'] },
  ],
};

function outlineDoc(): Y.Doc {
  const doc = new Y.Doc();
  writeOutline(doc, outline);
  return doc;
}

function reloaded(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function element(
  nodeName: string,
  children: (Y.XmlElement | Y.XmlText)[],
  attrs: Record<string, string> = {},
) {
  const node = new Y.XmlElement(nodeName);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.insert(0, children);
  return node;
}

function text(content: string): Y.XmlText {
  const node = new Y.XmlText();
  node.insert(0, content);
  return node;
}

/** A section with one clause holding a formatted paragraph, a bullet list, an ordered list and an unknown node. */
function formattedDoc(): { doc: Y.Doc; formatted: Y.XmlText } {
  const doc = new Y.Doc();
  const formatted = new Y.XmlText();
  const paragraph = element(NodeName.paragraph, [formatted]);
  const bullets = element(NodeName.bulletList, [
    element(NodeName.listItem, [element(NodeName.paragraph, [text('first point')])]),
    element(NodeName.listItem, [
      element(NodeName.paragraph, [text('second point')]),
      element(NodeName.bulletList, [
        element(NodeName.listItem, [element(NodeName.paragraph, [text('nested')])]),
      ]),
    ]),
  ]);
  const ordered = element(NodeName.orderedList, [
    element(NodeName.listItem, [element(NodeName.paragraph, [text('one')])]),
    element(NodeName.listItem, [element(NodeName.paragraph, [text('two')])]),
  ]);
  const unknown = element('callout', [element(NodeName.paragraph, [text('Note')]), text('well')]);
  const clause = element(NodeName.clause, [paragraph, bullets, ordered, unknown], { [ID_ATTR]: 'cl-a' });
  const section = element(NodeName.section, [element(NodeName.sectionHeading, [text('Area')]), clause], {
    [ID_ATTR]: 'sec-a',
  });
  doc
    .getXmlFragment(CONTENT_FIELD)
    .insert(0, [element(NodeName.heading, [text('Title')], { level: '2' }), section]);
  formatted.insert(0, 'Strengthen ');
  formatted.insert(11, 'joint', { bold: {} });
  formatted.insert(16, ' cooperation', { italic: {} });
  formatted.insert(28, ' on all routes', { bracket: { id: 'br-1' } });
  formatted.insert(42, '.', {});
  return { doc, formatted };
}

describe('readDocumentStructure', () => {
  it('reads the preamble, numbered sections and clauses of an outline, with the ids of the Y.Doc', () => {
    const doc = outlineDoc();
    const structure = readDocumentStructure(doc);
    expect(structure.preamble).toEqual([
      { kind: 'heading', level: 1, runs: [{ text: 'Preamble' }] },
      { kind: 'paragraph', runs: [{ text: 'Recalling the Joint Declaration,' }] },
      { kind: 'paragraph', runs: [{ text: 'Agree:' }] },
    ]);
    expect(structure.sections.map((section) => [section.number, section.title])).toEqual([
      ['1', 'Illegal migration'],
      ['2', 'Return'],
    ]);
    const clauses = structure.sections.flatMap((section) => section.clauses);
    expect(clauses.map((clause) => [clause.id, clause.number, clause.text])).toEqual(
      readClauses(doc).map((clause) => [clause.id, clause.number, clause.text]),
    );
    expect(structure.sections[0]?.id).toMatch(/^sec-[0-9a-f]{12}$/);
  });

  it('keeps bold, italic and bracket marks as runs, and reads lists and unknown nodes', () => {
    const structure = readDocumentStructure(formattedDoc().doc);
    expect(structure.preamble).toEqual([{ kind: 'heading', level: 2, runs: [{ text: 'Title' }] }]);
    const clause = structure.sections[0]?.clauses[0];
    expect(clause?.id).toBe('cl-a');
    expect(clause?.blocks).toEqual([
      {
        kind: 'paragraph',
        runs: [
          { text: 'Strengthen ' },
          { text: 'joint', bold: true },
          { text: ' cooperation', italic: true },
          { text: ' on all routes', bracketId: 'br-1' },
          { text: '.' },
        ],
      },
      { kind: 'bulletItem', level: 1, runs: [{ text: 'first point' }] },
      { kind: 'bulletItem', level: 1, runs: [{ text: 'second point' }] },
      { kind: 'bulletItem', level: 2, runs: [{ text: 'nested' }] },
      { kind: 'orderedItem', level: 1, runs: [{ text: 'one' }] },
      { kind: 'orderedItem', level: 1, runs: [{ text: 'two' }] },
      { kind: 'paragraph', runs: [{ text: 'Note\nwell' }] },
    ]);
    expect(clause?.text).toBe(
      'Strengthen joint cooperation on all routes.\nfirst point\nsecond point\nnested\none\ntwo\nNote\nwell',
    );
    expect(clause && clauseDisplayText(clause).split('\n')[0]).toBe(
      'Strengthen joint cooperation[ on all routes].',
    );
  });

  it('gives clauses without an id a positional one and repeated ids a suffix', () => {
    const doc = new Y.Doc();
    const clause = (id?: string) =>
      element(NodeName.clause, [element(NodeName.paragraph, [text('x')])], id ? { [ID_ATTR]: id } : {});
    doc
      .getXmlFragment(CONTENT_FIELD)
      .insert(0, [
        element(NodeName.section, [
          element(NodeName.sectionHeading, [text('A')]),
          clause('cl-1'),
          clause(),
          clause('cl-1'),
        ]),
      ]);
    const ids = readDocumentStructure(doc).sections[0]?.clauses.map((entry) => entry.id);
    expect(ids).toEqual(['cl-1', 'anon-1.2', 'cl-1~2']);
  });
});

describe('readDocumentStructure: robustness', () => {
  it('reads hard breaks as newlines and non-exclusive bracket marks (bracket--<hash>)', () => {
    const doc = new Y.Doc();
    const first = new Y.XmlText();
    const second = new Y.XmlText();
    const paragraph = element(NodeName.paragraph, [first, new Y.XmlElement('hardBreak'), second]);
    const clause = element(NodeName.clause, [paragraph], { [ID_ATTR]: 'cl-b' });
    doc
      .getXmlFragment(CONTENT_FIELD)
      .insert(0, [element(NodeName.section, [element(NodeName.sectionHeading, [text('A')]), clause])]);
    first.insert(0, 'line one');
    second.insert(0, 'line two', { 'bracket--x1y2': { id: 'br-9' } });
    const read = readDocumentStructure(doc).sections[0]?.clauses[0];
    expect(read?.blocks[0]?.runs).toEqual([{ text: 'line one\n' }, { text: 'line two', bracketId: 'br-9' }]);
    expect(read?.text).toBe('line one\nline two');
  });

  it('keeps top-level blocks that follow a section in the preamble, so that the fingerprint covers them', () => {
    const doc = outlineDoc();
    const original = fingerprint(readDocumentStructure(doc));
    doc.getXmlFragment(CONTENT_FIELD).push([element(NodeName.paragraph, [text('Done in Poznań.')])]);
    const structure = readDocumentStructure(doc);
    expect(structure.preamble.at(-1)).toEqual({ kind: 'paragraph', runs: [{ text: 'Done in Poznań.' }] });
    expect(structure.sections).toHaveLength(2);
    expect(fingerprint(structure)).not.toBe(original);
  });
});

describe('canonicalText', () => {
  it('renders the preamble, "1. Title" and "1.1 text" lines, lists and brackets deterministically', () => {
    expect(canonicalText(readDocumentStructure(outlineDoc()))).toBe(
      [
        'Preamble',
        'Recalling the Joint Declaration,',
        'Agree:',
        '',
        '1. Illegal migration',
        '1.1 Exchange information.',
        '1.2 Train border guards.',
        '',
        '2. Return',
        '2.1 Prefer voluntary return.',
        '',
      ].join('\n'),
    );
    expect(canonicalText(readDocumentStructure(formattedDoc().doc))).toBe(
      [
        'Title',
        '',
        '1. Area',
        '1.1 Strengthen joint cooperation[ on all routes].',
        '    - first point',
        '    - second point',
        '      - nested',
        '    1) one',
        '    2) two',
        '    Note',
        '    well',
        '',
      ].join('\n'),
    );
  });

  it('normalises Windows newlines inside text', () => {
    const doc = new Y.Doc();
    doc
      .getXmlFragment(CONTENT_FIELD)
      .insert(0, [element(NodeName.paragraph, [text('line one\r\nline two')])]);
    expect(canonicalText(readDocumentStructure(doc))).toBe('line one\nline two\n');
  });
});

describe('fingerprint', () => {
  it('is the SHA-256 hex of the canonical text, stable across reloads and JSON round trips', () => {
    const doc = outlineDoc();
    const structure = readDocumentStructure(doc);
    const value = fingerprint(structure);
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(readDocumentStructure(reloaded(doc)))).toBe(value);
    expect(fingerprint(JSON.parse(JSON.stringify(structure)))).toBe(value);
  });

  it('does not depend on ids: the same text written twice has the same fingerprint', () => {
    expect(fingerprint(readDocumentStructure(outlineDoc()))).toBe(
      fingerprint(readDocumentStructure(outlineDoc())),
    );
  });

  it('changes on a one-character edit and when a passage is bracketed', () => {
    const { doc, formatted } = formattedDoc();
    const original = fingerprint(readDocumentStructure(doc));
    formatted.insert(0, 'X');
    const edited = fingerprint(readDocumentStructure(doc));
    expect(edited).not.toBe(original);
    formatted.delete(0, 1);
    expect(fingerprint(readDocumentStructure(doc))).toBe(original);
    formatted.format(0, 10, { bracket: { id: 'br-2' } });
    expect(fingerprint(readDocumentStructure(doc))).not.toBe(original);
  });
});
