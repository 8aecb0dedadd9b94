import { CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type DocumentOutline,
  encodeOutline,
  plainText,
  readClauses,
  writeOutline,
} from '../../server/src/content/outline';

const outline: DocumentOutline = {
  preamble: { heading: 'A Preamble', paragraphs: ['Recalling one thing,', 'Agree:'] },
  sections: [
    { title: 'First area', clauses: ['Do the first thing.', 'Do the second thing.', 'Do the third thing.'] },
    { title: 'Second area', clauses: ['Cooperate.'] },
    { title: 'Empty area', clauses: [] },
    { title: 'Fourth area', clauses: ['Report back.', 'Review.'] },
  ],
};

function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

describe('writeOutline / readClauses', () => {
  it('numbers clauses by position: section.clause, counting empty sections', () => {
    const doc = new Y.Doc();
    writeOutline(doc, outline);
    expect(readClauses(doc).map((clause) => [clause.number, clause.text])).toEqual([
      ['1.1', 'Do the first thing.'],
      ['1.2', 'Do the second thing.'],
      ['1.3', 'Do the third thing.'],
      ['2.1', 'Cooperate.'],
      ['4.1', 'Report back.'],
      ['4.2', 'Review.'],
    ]);
  });

  it('gives every clause and section a unique id, and clauses their section’s id', () => {
    const doc = new Y.Doc();
    writeOutline(doc, outline);
    const clauses = readClauses(doc);
    for (const clause of clauses) expect(clause.id).toMatch(/^cl-[0-9a-f]{12}$/);
    expect(new Set(clauses.map((clause) => clause.id)).size).toBe(clauses.length);
    const sectionIds = doc
      .getXmlFragment(CONTENT_FIELD)
      .toArray()
      .filter(
        (node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === NodeName.section,
      )
      .map((section) => String(section.getAttribute(ID_ATTR)));
    expect(sectionIds).toHaveLength(4);
    for (const id of sectionIds) expect(id).toMatch(/^sec-[0-9a-f]{12}$/);
    expect(new Set(sectionIds).size).toBe(4);
    expect(clauses.map((clause) => clause.sectionId)).toEqual([
      sectionIds[0],
      sectionIds[0],
      sectionIds[0],
      sectionIds[1],
      sectionIds[3],
      sectionIds[3],
    ]);
  });

  it('writes the preamble heading and paragraphs before the sections', () => {
    const doc = new Y.Doc();
    writeOutline(doc, outline);
    const blocks = doc.getXmlFragment(CONTENT_FIELD).toArray() as Y.XmlElement[];
    expect(blocks.map((block) => block.nodeName)).toEqual([
      NodeName.heading,
      NodeName.paragraph,
      NodeName.paragraph,
      NodeName.section,
      NodeName.section,
      NodeName.section,
      NodeName.section,
    ]);
    expect(blocks[0]?.getAttribute('level')).toBe(1);
    expect(plainText(blocks[0] as Y.XmlElement)).toBe('A Preamble');
    expect(plainText(blocks[3] as Y.XmlElement)).toBe(
      'First area\nDo the first thing.\nDo the second thing.\nDo the third thing.',
    );
  });

  it('makes fresh ids for each document written from the same outline', () => {
    const first = readClauses(docOf(encodeOutline(outline))).map((clause) => clause.id);
    const second = readClauses(docOf(encodeOutline(outline))).map((clause) => clause.id);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
  });

  it('encodeOutline gives one update that reproduces the outline and keeps ids stable when decoded twice', () => {
    const update = encodeOutline(outline);
    const a = docOf(update);
    const b = docOf(update);
    expect(readClauses(a)).toEqual(readClauses(b));
    expect(readClauses(a).map((clause) => clause.text)).toEqual(
      outline.sections.flatMap((section) => section.clauses),
    );
  });

  it('reads an empty document as having no clauses', () => {
    expect(readClauses(new Y.Doc())).toEqual([]);
  });
});

describe('plainText', () => {
  it('joins paragraphs of a container with newlines, and ignores formatting and embeds', () => {
    const clause = new Y.XmlElement(NodeName.clause);
    const first = new Y.XmlElement(NodeName.paragraph);
    const firstText = new Y.XmlText();
    const second = new Y.XmlElement(NodeName.paragraph);
    const secondText = new Y.XmlText();
    const doc = new Y.Doc();
    doc.getXmlFragment('x').insert(0, [clause]);
    clause.insert(0, [first, second]);
    first.insert(0, [firstText]);
    second.insert(0, [secondText]);
    firstText.insert(0, 'Bold ', { bold: true });
    firstText.insert(5, 'and plain');
    firstText.insertEmbed(14, { image: 'x.png' });
    secondText.insert(0, 'Second paragraph');
    expect(plainText(first)).toBe('Bold and plain');
    expect(plainText(clause)).toBe('Bold and plain\nSecond paragraph');
    expect(plainText(firstText)).toBe('Bold and plain');
  });
});
