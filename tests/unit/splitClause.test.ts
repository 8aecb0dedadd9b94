// @vitest-environment happy-dom
/**
 * "Split clause" (Ctrl+Enter) at a space: neither the clause that ends there
 * nor the new one keeps a stray space, wherever around the space the cursor
 * was; the new clause gets a fresh id and the old one keeps its own.
 */
import { ID_ATTR, NodeName } from '@draftroom/shared';
import { Editor, type JSONContent } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ClauseCommands } from '../../client/src/editor/clauseCommands';
import { Clause, DraftDocument, Section, SectionHeading } from '../../client/src/editor/schema';

const CLAUSE_ID = 'cl-original';
let editor: Editor | null = null;

afterEach(() => {
  editor?.destroy();
  editor = null;
});

function editorWithClause(paragraphs: JSONContent[]): Editor {
  editor = new Editor({
    element: document.createElement('div'),
    extensions: [
      StarterKit.configure({ document: false, undoRedo: false, trailingNode: false }),
      DraftDocument,
      Section,
      SectionHeading,
      Clause,
      ClauseCommands,
    ],
    content: {
      type: 'doc',
      content: [
        {
          type: NodeName.section,
          attrs: { [ID_ATTR]: 'sec-1' },
          content: [
            { type: NodeName.sectionHeading, content: [{ type: 'text', text: 'Return' }] },
            { type: NodeName.clause, attrs: { [ID_ATTR]: CLAUSE_ID }, content: paragraphs },
          ],
        },
      ],
    },
  });
  return editor;
}

const paragraph = (text: string): JSONContent => ({
  type: NodeName.paragraph,
  content: text ? [{ type: 'text', text }] : [],
});

/** Document position of character `offset` of the clause's first paragraph. */
function positionInFirstParagraph(current: Editor, offset: number): number {
  let found = -1;
  current.state.doc.descendants((node, pos) => {
    if (found === -1 && node.type.name === NodeName.clause) found = pos + 2 + offset;
    return found === -1;
  });
  return found;
}

interface ClauseSeen {
  id: string;
  paragraphs: string[];
}

function clauses(current: Editor): ClauseSeen[] {
  const seen: ClauseSeen[] = [];
  current.state.doc.descendants((node) => {
    if (node.type.name !== NodeName.clause) return true;
    const paragraphs: string[] = [];
    node.forEach((child) => {
      paragraphs.push(child.textContent);
    });
    seen.push({ id: String(node.attrs[ID_ATTR]), paragraphs });
    return false;
  });
  return seen;
}

function splitAt(text: string, offset: number): ClauseSeen[] {
  const current = editorWithClause([paragraph(text)]);
  current.commands.setTextSelection(positionInFirstParagraph(current, offset));
  expect(current.commands.splitClause()).toBe(true);
  return clauses(current);
}

describe('splitting a clause at a space', () => {
  it.each([
    ['before the space', 8],
    ['after the space', 9],
  ])('"word one two", cursor %s: "word one" and "two"', (_where, offset) => {
    const [first, second, ...rest] = splitAt('word one two', offset);
    expect(rest).toEqual([]);
    expect(first).toEqual({ id: CLAUSE_ID, paragraphs: ['word one'] });
    expect(second?.paragraphs).toEqual(['two']);
    expect(second?.id).toMatch(/^cl-/);
    expect(second?.id).not.toBe(CLAUSE_ID);
  });

  it('removes a run of spaces and tabs around the cursor, and only there', () => {
    const [first, second] = splitAt('word  one \t two  three', 10);
    expect(first?.paragraphs).toEqual(['word  one']);
    expect(second?.paragraphs).toEqual(['two  three']);
  });

  it('keeps the words whole when the cursor is inside a word', () => {
    const [first, second] = splitAt('word one two', 6);
    expect(first?.paragraphs).toEqual(['word o']);
    expect(second?.paragraphs).toEqual(['ne two']);
  });

  it('after a trailing space at the end: the clause loses the space and an empty clause follows', () => {
    const [first, second] = splitAt('word one two ', 13);
    expect(first).toEqual({ id: CLAUSE_ID, paragraphs: ['word one two'] });
    expect(second?.paragraphs).toEqual(['']);
  });

  it('before a leading space at the start: an empty clause comes before and the text keeps its id', () => {
    const [first, second] = splitAt(' word one two', 0);
    expect(first?.paragraphs).toEqual(['']);
    expect(second).toEqual({ id: CLAUSE_ID, paragraphs: ['word one two'] });
  });

  it('at a space in a later paragraph: the paragraphs before stay, the new clause starts with the word', () => {
    const current = editorWithClause([paragraph('First paragraph.'), paragraph('Second part here')]);
    const secondParagraphStart = positionInFirstParagraph(current, 'First paragraph.'.length) + 2;
    current.commands.setTextSelection(secondParagraphStart + 'Second part'.length);
    expect(current.commands.splitClause()).toBe(true);
    const [first, second] = clauses(current);
    expect(first?.paragraphs).toEqual(['First paragraph.', 'Second part']);
    expect(second?.paragraphs).toEqual(['here']);
  });
});
