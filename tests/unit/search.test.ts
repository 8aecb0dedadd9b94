// @vitest-environment happy-dom
/**
 * Find in the document (matches across clauses, next and previous with wrap,
 * clause numbers) and search in comments (every word, case and accents
 * ignored), on the editor's own schema.
 */
import { type CommentThread, ID_ATTR, NodeName } from '@draftroom/shared';
import { Editor, type JSONContent } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { Clause, DraftDocument, Section, SectionHeading } from '../../client/src/editor/schema';
import { searchTerms, threadMatchesSearch } from '../../client/src/negotiation/panel/commentSearch';
import {
  activeMatchIndex,
  FindInDocument,
  findMatches,
  findNumbered,
  looksLikeNumber,
  pickMatch,
  selectMatch,
  setFindQuery,
} from '../../client/src/search/findInDocument';

let editor: Editor | null = null;

afterEach(() => {
  editor?.destroy();
  editor = null;
});

const text = (value: string): JSONContent => ({ type: 'text', text: value });
const clause = (id: string, value: string): JSONContent => ({
  type: NodeName.clause,
  attrs: { [ID_ATTR]: id },
  content: [{ type: 'paragraph', content: [text(value)] }],
});
const section = (id: string, title: string, clauses: JSONContent[]): JSONContent => ({
  type: NodeName.section,
  attrs: { [ID_ATTR]: id },
  content: [{ type: NodeName.sectionHeading, content: [text(title)] }, ...clauses],
});

function actionPlan(): Editor {
  editor = new Editor({
    element: document.createElement('div'),
    extensions: [
      StarterKit.configure({ document: false, undoRedo: false, trailingNode: false }),
      DraftDocument,
      Section,
      SectionHeading,
      Clause,
      FindInDocument,
    ],
    content: {
      type: 'doc',
      content: [
        section('s1', 'Return and readmission', [
          clause('c11', 'Give priority to voluntary return over forced return.'),
          clause('c12', 'Support returnees.'),
        ]),
        section('s2', 'Legal migration', [
          clause('c21', 'Promote circular migration.'),
          clause('c22', 'RETURN of qualified nationals.'),
        ]),
      ],
    },
  });
  return editor;
}

/** The text of each match, in order. */
function matchedTexts(instance: Editor): string[] {
  return findMatches(instance.state).map(({ from, to }) => instance.state.doc.textBetween(from, to));
}

describe('find in the document', () => {
  it('finds every match across headings and clauses, whatever the case', () => {
    const instance = actionPlan();
    setFindQuery(instance.view, 'return');
    expect(matchedTexts(instance)).toEqual(['Return', 'return', 'return', 'return', 'RETURN']);
    setFindQuery(instance.view, 'nothing like this');
    expect(findMatches(instance.state)).toEqual([]);
    setFindQuery(instance.view, '');
    expect(findMatches(instance.state)).toEqual([]);
  });

  it('goes to the next and previous match, wrapping round at both ends', () => {
    const instance = actionPlan();
    setFindQuery(instance.view, 'return');
    const matches = findMatches(instance.state);
    expect(activeMatchIndex(instance.state, matches)).toBe(-1);

    // From the start of the document the first match; then each next one, then round to the first.
    const seen: number[] = [];
    for (let step = 0; step < matches.length + 1; step++) {
      selectMatch(instance.view, 1);
      seen.push(activeMatchIndex(instance.state, findMatches(instance.state)));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 0]);
    selectMatch(instance.view, -1);
    expect(activeMatchIndex(instance.state, findMatches(instance.state))).toBe(4);
    selectMatch(instance.view, -1);
    expect(activeMatchIndex(instance.state, findMatches(instance.state))).toBe(3);
  });

  it('from a caret that is not on a match, goes to the first match at or after it', () => {
    const instance = actionPlan();
    setFindQuery(instance.view, 'return');
    const matches = findMatches(instance.state);
    const third = matches[2];
    if (!third) throw new Error('expected five matches');
    instance.commands.setTextSelection(third.from);
    expect(pickMatch(instance.state, matches, 1)).toEqual(third);
    expect(pickMatch(instance.state, matches, -1)).toEqual(matches[1]);
  });

  it('reads clause and section numbers from the structure', () => {
    const instance = actionPlan();
    expect(looksLikeNumber('2.1')).toBe(true);
    expect(looksLikeNumber(' 2. ')).toBe(true);
    expect(looksLikeNumber('2012–2016')).toBe(false);
    expect(looksLikeNumber('return')).toBe(false);

    const clauseTarget = findNumbered(instance.state.doc, '2.2');
    expect(clauseTarget).toMatchObject({
      kind: 'clause',
      number: '2.2',
      label: 'RETURN of qualified nationals.',
    });
    expect(instance.state.doc.nodeAt(clauseTarget?.pos ?? -1)?.attrs[ID_ATTR]).toBe('c22');
    expect(findNumbered(instance.state.doc, '1')).toMatchObject({
      kind: 'section',
      number: '1',
      label: 'Return and readmission',
    });
    expect(findNumbered(instance.state.doc, '2.3')).toBeNull();
    expect(findNumbered(instance.state.doc, '3')).toBeNull();
  });
});

function thread(overrides: Partial<CommentThread> & { bodies: [string, string][] }): CommentThread {
  const { bodies, ...rest } = overrides;
  return {
    id: 't1',
    documentId: 'd1',
    clauseId: 'c11',
    anchor: null,
    author: { userId: 'u1', name: 'Jana Nováková', participantCode: 'CZ' },
    createdAt: '2011-11-04T10:00:00.000Z',
    resolvedAt: null,
    resolvedBy: null,
    comments: bodies.map(([name, body], index) => ({
      id: `m${index}`,
      threadId: 't1',
      author: { userId: `u${index}`, name, participantCode: name === 'Martin Weber' ? 'ICMPD' : 'CZ' },
      body,
      createdAt: '2011-11-04T10:00:00.000Z',
      editedAt: null,
      deletedAt: null,
      mentions: [],
    })),
    ...rest,
  };
}

describe('search in comments', () => {
  const reintegration = thread({
    anchor: { start: 'a', end: 'b', quote: 'voluntary return' },
    bodies: [
      ['Jana Nováková', 'Should this refer to the European Reintegration Network?'],
      ['Martin Weber', 'We will propose a sentence before the Poznań drafting meeting.'],
    ],
  });

  it('matches every word typed, in any comment, ignoring case and accents', () => {
    expect(threadMatchesSearch(reintegration, searchTerms('poznan'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('NETWORK drafting'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('network budapest'), '2.2')).toBe(false);
  });

  it('matches the quoted text, authors, delegation codes and the clause number', () => {
    expect(threadMatchesSearch(reintegration, searchTerms('voluntary'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('novakova'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('icmpd'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('clause 2.2'), '2.2')).toBe(true);
    expect(threadMatchesSearch(reintegration, searchTerms('clause 2.2'), undefined)).toBe(false);
  });

  it('an empty search matches everything', () => {
    expect(searchTerms('   ')).toEqual([]);
    expect(threadMatchesSearch(reintegration, searchTerms(''), undefined)).toBe(true);
  });
});
