// @vitest-environment happy-dom
/**
 * Writing an accepted amendment into the Y.Doc (server/src/amendments/clauseWriter.ts):
 * the clause reads exactly the new text, the result is a document the editor's
 * schema accepts, words not changed keep their formatting and their Yjs items
 * (so a concurrent typist's edit in the same clause merges untouched), and
 * paragraph breaks become splits and joins.
 */
import { CONTENT_FIELD } from '@draftroom/shared';
import { getSchema, type JSONContent } from '@tiptap/core';
import { Node } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildEditorExtensions } from '../../client/src/editor/extensions';
import {
  clauseIdSet,
  deleteClause,
  findClause,
  insertClauseAfter,
  rewriteClauseText,
} from '../../server/src/amendments/clauseWriter';
import { plainText, readClauses } from '../../server/src/content/outline';

const schema = getSchema(buildEditorExtensions({ ydoc: new Y.Doc() }));

const text = (value: string, marks: string[] = []): JSONContent => ({
  type: 'text',
  text: value,
  ...(marks.length > 0 ? { marks: marks.map((type) => ({ type })) } : {}),
});
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
const bullets = (...items: JSONContent[][]): JSONContent => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content })),
});

/** A document (as the editor writes it through Yjs) with clause `cl-1` holding `content`, then clause `cl-2`. */
function documentWith(content: JSONContent[]): Y.Doc {
  const json: JSONContent = {
    type: 'doc',
    content: [
      {
        type: 'section',
        attrs: { id: 'sec-1' },
        content: [
          { type: 'sectionHeading', content: [text('Return')] },
          { type: 'clause', attrs: { id: 'cl-1' }, content },
          { type: 'clause', attrs: { id: 'cl-2' }, content: [p(text('The other clause.'))] },
        ],
      },
    ],
  };
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(Node.fromJSON(schema, json), doc.getXmlFragment(CONTENT_FIELD));
  return doc;
}

function clauseOf(doc: Y.Doc, id = 'cl-1'): Y.XmlElement {
  const location = findClause(doc, id);
  if (!location) throw new Error(`no clause ${id}`);
  return location.clause;
}

/** Rewrites clause cl-1 in one transaction, as the server does. */
function rewrite(doc: Y.Doc, next: string): void {
  doc.transact(() => rewriteClauseText(clauseOf(doc), next));
}

/** The editor's reading of the document: throws when the schema does not accept it. */
function editorNode(doc: Y.Doc): Node {
  const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(CONTENT_FIELD), schema);
  node.check();
  return node;
}

/** The text runs of clause cl-1 with their marks, as the editor shows them. */
function runsOfClause(doc: Y.Doc): { text: string; marks: string[] }[] {
  const runs: { text: string; marks: string[] }[] = [];
  editorNode(doc).descendants((node, _position, parent) => {
    if (node.type.name === 'clause' && node.attrs.id !== 'cl-1') return false;
    if (node.isText) runs.push({ text: node.text ?? '', marks: node.marks.map((mark) => mark.type.name) });
    return parent?.type.name !== 'sectionHeading';
  });
  return runs.filter((run) => run.text !== 'Return');
}

describe('rewriting a clause’s text with the fewest edits', () => {
  it('changes only the changed words; untouched words keep their formatting; a replacement takes the replaced word’s', () => {
    const doc = documentWith([
      p(
        text('The '),
        text('partner states', ['bold']),
        text(' shall promote '),
        text('voluntary', ['italic']),
        text(' return.'),
      ),
    ]);
    rewrite(doc, 'The partner states should promote assisted voluntary return.');
    expect(plainText(clauseOf(doc))).toBe('The partner states should promote assisted voluntary return.');
    expect(runsOfClause(doc)).toEqual([
      { text: 'The ', marks: [] },
      { text: 'partner states', marks: ['bold'] },
      { text: ' should promote assisted ', marks: [] },
      { text: 'voluntary', marks: ['italic'] },
      { text: ' return.', marks: [] },
    ]);
  });

  it('leaves other clauses alone and is a no-op when the text is already as asked', () => {
    const doc = documentWith([p(text('Same words.'))]);
    const before = Y.encodeStateVector(doc);
    rewrite(doc, 'Same words.');
    expect(Y.encodeStateVector(doc)).toEqual(before);
    rewrite(doc, 'Other words.');
    expect(readClauses(doc).map((clause) => clause.text)).toEqual(['Other words.', 'The other clause.']);
  });

  it('splits a paragraph where a line break is added and joins paragraphs where one is removed', () => {
    const doc = documentWith([p(text('First sentence. Second sentence.')), p(text('Third paragraph.'))]);
    rewrite(doc, 'First sentence.\nSecond sentence.\nThird paragraph.');
    expect(editorNode(doc).toJSON().content[0].content[1].content).toHaveLength(3);
    expect(plainText(clauseOf(doc))).toBe('First sentence.\nSecond sentence.\nThird paragraph.');
    rewrite(doc, 'First sentence. Second sentence. Third paragraph.');
    expect(plainText(clauseOf(doc))).toBe('First sentence. Second sentence. Third paragraph.');
    expect(editorNode(doc).toJSON().content[0].content[1].content).toHaveLength(1);
  });

  it('edits list items in place and removes list items it empties', () => {
    const doc = documentWith([
      p(text('The states shall:')),
      bullets([p(text('exchange data;'))], [p(text('train border guards;'))], [p(text('report yearly.'))]),
    ]);
    rewrite(doc, 'The states shall:\nexchange statistical data;\nreport yearly.');
    expect(plainText(clauseOf(doc))).toBe('The states shall:\nexchange statistical data;\nreport yearly.');
    const list = editorNode(doc).toJSON().content[0].content[1].content[1];
    expect(list.type).toBe('bulletList');
    expect(list.content).toHaveLength(2);
  });

  it('keeps hard breaks and bracket marks of words it does not change', () => {
    const doc = documentWith([
      p(
        text('Promote remittances '),
        {
          type: 'text',
          text: 'and their investment',
          marks: [{ type: 'bracket', attrs: { id: 'br-123456' } }],
        },
        text(' in origin states.'),
        { type: 'hardBreak' },
        text('See the annex.'),
      ),
    ]);
    // A hard break takes no room in the plain text ("states.See"): it stays between the words around it.
    rewrite(doc, 'Promote remittances and their investment in countries of origin.See the annex.');
    expect(plainText(clauseOf(doc))).toBe(
      'Promote remittances and their investment in countries of origin.See the annex.',
    );
    const node = editorNode(doc);
    let hardBreaks = 0;
    node.descendants((child) => {
      if (child.type.name === 'hardBreak') hardBreaks++;
    });
    expect(hardBreaks).toBe(1);
    expect(runsOfClause(doc).find((run) => run.text === 'and their investment')?.marks).toEqual(['bracket']);
  });

  it('words inserted at a bracket’s edges stay outside it; words inserted inside it join it', () => {
    const bracket = (value: string): JSONContent => ({
      type: 'text',
      text: value,
      marks: [{ type: 'bracket', attrs: { id: 'br-654321' } }],
    });
    const doc = documentWith([
      p(bracket('Promote'), text(' remittances '), bracket('and investment'), text('.')),
    ]);
    rewrite(doc, 'States: Promote remittances and their investment, yearly.');
    expect(runsOfClause(doc)).toEqual([
      { text: 'States: ', marks: [] },
      { text: 'Promote', marks: ['bracket'] },
      { text: ' remittances ', marks: [] },
      { text: 'and their investment', marks: ['bracket'] },
      { text: ', yearly.', marks: [] },
    ]);
  });

  it('merges with a concurrent typist’s edit elsewhere in the same clause (their items are untouched)', () => {
    const server = documentWith([p(text('The states shall promote voluntary return and reintegration.'))]);
    const typist = new Y.Doc();
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(server));
    // The typist adds a word at the end while the server rewrites a word at the start.
    const typistText = (clauseOf(typist).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    typistText.insert(typistText.length - 1, ' measures');
    rewrite(server, 'The partner states shall promote voluntary return and reintegration.');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(typist));
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(server));
    const expected = 'The partner states shall promote voluntary return and reintegration measures.';
    expect(plainText(clauseOf(server))).toBe(expected);
    expect(plainText(clauseOf(typist))).toBe(expected);
  });

  it('always reaches the asked text, in a shape the editor accepts (random clauses and targets)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const words = ['migration', 'return', 'data', 'states', 'shall', 'the', 'and', 'border', ',', '.'];
    const sentence = (n: number) =>
      Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
    for (let round = 0; round < 150; round++) {
      const blocks: JSONContent[] = [
        p(text(sentence(3 + Math.floor(random() * 6)), random() < 0.3 ? ['bold'] : [])),
      ];
      if (random() < 0.5) blocks.push(bullets([p(text(sentence(3)))], [p(text(sentence(4)))]));
      if (random() < 0.5) blocks.push(p(text(sentence(5))));
      const doc = documentWith(blocks);
      const current = plainText(clauseOf(doc));
      const lines = current
        .split('\n')
        .map((line) => (random() < 0.5 ? line : sentence(2 + Math.floor(random() * 5))));
      if (random() < 0.3) lines.splice(Math.floor(random() * lines.length), 1);
      if (random() < 0.3) lines.splice(Math.floor(random() * (lines.length + 1)), 0, sentence(3));
      const target = (lines.length > 0 ? lines : [sentence(2)]).join(random() < 0.2 ? ' ' : '\n');
      rewrite(doc, target);
      expect(plainText(clauseOf(doc))).toBe(target);
      editorNode(doc);
      expect(readClauses(doc)[1]?.text).toBe('The other clause.');
      doc.destroy();
    }
  });

  it('applies many splits, joins and word changes in one clause of many paragraphs in place (random)', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const words = ['migration', 'return', 'data', 'states', 'shall', 'the', 'and', 'border'];
    const sentence = (n: number) =>
      Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
    for (let round = 0; round < 20; round++) {
      const blocks: JSONContent[] = [p(text('Anchor', ['bold']), text(` ${sentence(4)}`))];
      for (let index = 0; index < 40; index++) {
        blocks.push(
          random() < 0.2 ? bullets([p(text(sentence(3)))], [p(text(sentence(2)))]) : p(text(sentence(5))),
        );
      }
      const doc = documentWith(blocks);
      const [head = '', ...rest] = plainText(clauseOf(doc)).split('\n');
      let target = head;
      for (const line of rest) {
        const r = random();
        const changed =
          r < 0.3 ? line.replace(/\w+/, sentence(1)) : r < 0.4 ? `${line} ${sentence(2)}` : line;
        target += (random() < 0.15 ? ' ' : '\n') + changed + (random() < 0.1 ? `\n${sentence(3)}` : '');
      }
      rewrite(doc, target);
      expect(plainText(clauseOf(doc))).toBe(target);
      editorNode(doc);
      // Edited in place, never rewritten whole: the untouched first word keeps its formatting.
      expect(runsOfClause(doc)[0]).toEqual({ text: 'Anchor', marks: ['bold'] });
      doc.destroy();
    }
  });
});

describe('the cost of rewriting a clause of many paragraphs', () => {
  /** Counts calls of a Yjs method made on types inside a document (or only on `on`, when given). */
  function counting<K extends 'toDelta' | 'toArray' | 'insert'>(
    prototype: { [key in K]: (...args: never[]) => unknown },
    method: K,
    on?: unknown,
  ): { calls: number; restore(): void } {
    const original = prototype[method];
    const counter = {
      calls: 0,
      restore: () => {
        prototype[method] = original;
      },
    };
    prototype[method] = function (this: { doc: Y.Doc | null }, ...args: never[]) {
      if (on === undefined ? this.doc : this === on) counter.calls++;
      return original.apply(this, args);
    } as (typeof prototype)[K];
    return counter;
  }

  const lines = (count: number, line: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => line(index)).join('\n');

  it('reads each paragraph a bounded number of times, however many changes (2,000 paragraphs, 400 changes)', () => {
    const doc = documentWith([p(text('Start.'))]);
    rewrite(
      doc,
      lines(2_000, (index) => `Paragraph ${index} of the annex.`),
    );
    const target = lines(2_000, (index) =>
      index % 10 === 0 ? `Paragraph ${index} of the revised annex.` : `Paragraph ${index} of the annex.`,
    ).replace(/annex\.\nParagraph (\d*5) /g, 'annex. Paragraph $1 ');
    const reads = counting(Y.XmlText.prototype, 'toDelta');
    try {
      rewrite(doc, target);
    } finally {
      reads.restore();
    }
    expect(plainText(clauseOf(doc))).toBe(target);
    expect(reads.calls).toBeLessThan(10 * 2_400);
  });

  it('adds or removes thousands of paragraphs in one step each', () => {
    const doc = documentWith([p(text('Start.'))]);
    const many = lines(5_000, (index) => `Line ${index}.`);
    const inserts = counting(Y.XmlElement.prototype, 'insert', clauseOf(doc));
    try {
      rewrite(doc, many);
    } finally {
      inserts.restore();
    }
    expect(plainText(clauseOf(doc))).toBe(many);
    expect(inserts.calls).toBeLessThan(10);
    const scans = counting(Y.XmlElement.prototype, 'toArray', clauseOf(doc));
    try {
      rewrite(doc, 'Line 0. Line 4999.');
    } finally {
      scans.restore();
    }
    expect(plainText(clauseOf(doc))).toBe('Line 0. Line 4999.');
    expect(scans.calls).toBeLessThan(50);
    editorNode(doc);
  });
});

describe('inserting and deleting clauses', () => {
  it('inserts a new clause with a fresh id after a given one, one paragraph per line', () => {
    const doc = documentWith([p(text('First.'))]);
    let id: string | undefined;
    doc.transact(() => {
      id = insertClauseAfter(doc, 'cl-1', 'A new clause.\nWith two paragraphs.');
    });
    expect(id).toMatch(/^cl-[0-9a-f]{12}$/);
    expect(readClauses(doc).map((clause) => [clause.id, clause.text])).toEqual([
      ['cl-1', 'First.'],
      [id, 'A new clause.\nWith two paragraphs.'],
      ['cl-2', 'The other clause.'],
    ]);
    editorNode(doc);
    expect(insertClauseAfter(doc, 'cl-missing', 'x')).toBeUndefined();
  });

  it('deletes a clause, and says when there is none', () => {
    const doc = documentWith([p(text('First.'))]);
    expect(deleteClause(doc, 'cl-1')).toBe(true);
    expect([...clauseIdSet(doc)]).toEqual(['cl-2']);
    expect(deleteClause(doc, 'cl-1')).toBe(false);
    editorNode(doc);
  });
});
