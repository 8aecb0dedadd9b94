/**
 * The browser's pure amendment helpers: placing a word redline on the text a
 * view shows (the proposal editor shows the proposed side, "Show amendments"
 * the clause's current side), new-clause labels, the panel's filter and
 * order, who may co-sign or withdraw, counts, and reading the API's 409s.
 */
import type { Amendment } from '@draftroom/shared';
import { PILCROW } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import {
  clauseChangedSince,
  clauseRedline,
  countAmendments,
  DEFAULT_AMENDMENT_FILTER,
  filterAmendments,
  mayCosponsor,
  mayWithdraw,
  mayWithdrawCosponsorship,
  newClauseLabels,
  nextNewClauseLabel,
  redlineText,
  tabledAgainstNote,
} from '../../client/src/amendments/amendmentModel';
import { amendmentRefusal } from '../../client/src/amendments/api';
import { amendmentCountsBySection } from '../../client/src/amendments/dashboard/amendmentCounts';
import { alignRedline, breaksInRanges } from '../../client/src/amendments/redlineAlign';
import { ApiRequestError } from '../../client/src/api';
import { buildDirectory } from '../../client/src/negotiation/clauseDirectory';
import { amendmentRecord, OLENA } from '../support/amendmentRecord';

const actor = OLENA;
const amendment = amendmentRecord;

/** The shown text with each range wrapped in [ ] and each gap as {text}. */
function render(shown: string, before: string, after: string, side: 'before' | 'after'): string {
  const { ranges, gaps } = alignRedline(redlineText(shown), clauseRedline(before, after), side);
  const marks: { at: number; text: string }[] = [
    ...ranges.map((range) => ({ at: range.to, text: ']' })),
    ...gaps.map((gap) => ({ at: gap.at, text: `{${gap.text}}` })),
    ...ranges.map((range) => ({ at: range.from, text: '[' })),
  ];
  let result = '';
  for (let index = 0; index <= shown.length; index++) {
    for (const mark of marks.filter((candidate) => candidate.at === index)) result += mark.text;
    result += shown[index] ?? '';
  }
  return result;
}

describe('a redline placed on the text a view shows', () => {
  const before = 'The quick brown fox.';
  const after = 'The quick red fox jumps.';

  it('marks inserted words in the proposed text and draws the deleted ones where they were', () => {
    expect(render(after, before, after, 'after')).toBe('The quick {brown}[red] fox[ jumps].');
  });

  it('strikes deleted words in the current text and draws the inserted ones where they would go', () => {
    expect(render(before, before, after, 'before')).toBe('The quick [brown]{red} fox{ jumps}.');
  });

  it('passes over whitespace the word diff does not report', () => {
    // A pure deletion carries its leading space (wordRedline); the doubled space before it is not a change.
    expect(render('The  quick brown fox. ', 'The  quick brown fox. ', 'The quick fox.', 'before')).toBe(
      'The  quick[ brown] fox. ',
    );
    expect(render('One\ttwo three.', 'One two three.', 'One two four.', 'before')).toBe(
      'One\ttwo [three]{four}.',
    );
  });

  it('marks a joined paragraph break on the side that has it, and draws a split one as ¶', () => {
    const joined = alignRedline(
      redlineText('First.\nSecond.'),
      clauseRedline('First.\nSecond.', 'First. Second.'),
      'before',
    );
    expect(breaksInRanges('First.\nSecond.', joined.ranges)).toEqual([6]);
    const split = alignRedline(redlineText('One two.'), clauseRedline('One two.', 'One\ntwo.'), 'before');
    expect(split.gaps.map((gap) => gap.text).join('')).toContain(PILCROW);
    const typed = alignRedline(redlineText('One\ntwo.'), clauseRedline('One two.', 'One\ntwo.'), 'after');
    expect(breaksInRanges('One\ntwo.', typed.ranges)).toEqual([3]);
  });

  it('marks nothing when the texts are equal, everything when the clause is deleted', () => {
    expect(render(before, before, before, 'before')).toBe(before);
    expect(render(before, before, '', 'before')).toBe(`[${before}]`);
    expect(render('New clause.', '', 'New clause.', 'after')).toBe('[New clause.]');
  });
});

describe('amendments in the panel', () => {
  const list = [
    amendment({ id: 'a', number: 1, clauseId: 'cl-b', proponentCode: 'UA' }),
    amendment({ id: 'b', number: 2, clauseId: 'cl-a', proponentCode: 'HU', status: 'rejected' }),
    amendment({
      id: 'c',
      number: 3,
      clauseId: 'cl-a',
      proponentCode: 'RO',
      cosponsors: [{ participantCode: 'UA', by: actor, at: '2025-03-01T11:00:00Z' }],
    }),
    amendment({ id: 'd', number: 4, clauseId: 'cl-gone', proponentCode: 'UA' }),
  ];
  const order = new Map([
    ['cl-a', 0],
    ['cl-b', 1],
  ]);
  const sections = new Map([
    ['cl-a', 'sec-1'],
    ['cl-b', 'sec-2'],
  ]);
  const filter = (change: Partial<typeof DEFAULT_AMENDMENT_FILTER>) =>
    filterAmendments(
      list,
      { ...DEFAULT_AMENDMENT_FILTER, ...change },
      (id) => order.get(id),
      (id) => sections.get(id),
    ).map((item) => item.number);

  it('lists open ones by default, in document order, deleted clauses last', () => {
    expect(filter({})).toEqual([3, 1, 4]);
    expect(filter({ status: 'all' })).toEqual([2, 3, 1, 4]);
    expect(filter({ status: 'rejected' })).toEqual([2]);
  });

  it('filters by delegation (tabled or co-sponsored), section and clause', () => {
    expect(filter({ participant: 'UA' })).toEqual([3, 1, 4]);
    expect(filter({ participant: 'RO' })).toEqual([3]);
    expect(filter({ sectionId: 'sec-2' })).toEqual([1]);
    expect(filter({ clauseId: 'cl-a', status: 'all' })).toEqual([2, 3]);
  });

  it('labels proposed new clauses by the clause they follow, in the order tabled', () => {
    const inserts = [
      amendment({ id: 'x', number: 5, kind: 'insert', clauseId: 'cl-a' }),
      amendment({ id: 'y', number: 2, kind: 'insert', clauseId: 'cl-a' }),
      amendment({ id: 'z', number: 3, kind: 'insert', clauseId: 'cl-gone', clauseNumber: '4.1' }),
    ];
    const labels = newClauseLabels(inserts, (id) => (id === 'cl-a' ? '2.3' : undefined));
    expect(labels.get('y')).toBe('2.3a (new)');
    expect(labels.get('x')).toBe('2.3b (new)');
    expect(labels.get('z')).toBe('4.1a (new)');
    expect(nextNewClauseLabel(inserts, 'cl-a', '2.3')).toBe('2.3c (new)');
  });

  it('says when the clause changed since it was tabled', () => {
    const tabled = amendment({});
    expect(clauseChangedSince(tabled, tabled.baseText)).toBe(false);
    expect(clauseChangedSince(tabled, undefined)).toBe(false);
    expect(clauseChangedSince(tabled, 'Promote return.')).toBe(true);
    expect(tabledAgainstNote(tabled, true)).toBe('Tabled against Rev. 1; clause changed since');
    expect(tabledAgainstNote(amendment({ baseVersionLabel: null }), true)).toBe(
      'Tabled against an earlier text; clause changed since',
    );
    expect(tabledAgainstNote(tabled, false)).toBeNull();
  });

  it('lets another delegation co-sign once, its proponent withdraw, observers neither', () => {
    const tabled = list[2] as Amendment; // RO's, co-signed by UA
    expect(mayCosponsor(tabled, 'HU', 'commenter')).toBe(true);
    expect(mayCosponsor(tabled, 'UA', 'commenter')).toBe(false);
    expect(mayCosponsor(tabled, 'RO', 'pen-holder')).toBe(false);
    expect(mayCosponsor(tabled, 'HU', 'observer')).toBe(false);
    expect(mayWithdrawCosponsorship(tabled, 'UA', 'commenter')).toBe(true);
    expect(mayWithdrawCosponsorship(tabled, 'HU', 'commenter')).toBe(false);
    expect(mayWithdraw(tabled, 'RO', 'commenter')).toBe(true);
    expect(mayWithdraw(tabled, 'UA', 'pen-holder')).toBe(false);
    expect(mayWithdraw(list[1] as Amendment, 'HU', 'drafter')).toBe(false);
    expect(mayCosponsor(list[1] as Amendment, 'UA', 'commenter')).toBe(false);
  });

  it('counts tabled, decided and withdrawn, per clause and section for the dashboard', () => {
    const all = [...list, amendment({ id: 'e', number: 5, clauseId: 'cl-b', status: 'withdrawn' })];
    expect(countAmendments(all)).toEqual({ tabled: 3, decided: 1, withdrawn: 1, total: 5 });
    const clause = (id: string, number: string, sectionNumber: string) => ({
      id,
      number,
      sectionId: `sec-${sectionNumber}`,
      sectionNumber,
      sectionTitle: '',
      text: '',
    });
    const directory = buildDirectory(
      [clause('cl-a', '1.1', '1'), clause('cl-c', '1.2', '1'), clause('cl-b', '2.1', '2')],
      [
        { id: 'sec-1', number: '1', title: 'Return' },
        { id: 'sec-2', number: '2', title: 'Asylum' },
        { id: 'sec-3', number: '3', title: 'Empty' },
      ],
    );
    const groups = amendmentCountsBySection(directory, all);
    expect(groups.map((group) => group.section?.number ?? 'deleted')).toEqual(['1', '2', 'deleted']);
    expect(
      groups[0]?.clauses.map((entry) => [entry.clause.number, entry.counts.tabled, entry.counts.decided]),
    ).toEqual([['1.1', 1, 1]]);
    expect(groups[1]?.counts).toEqual({ tabled: 1, decided: 0, withdrawn: 1, total: 2 });
    expect(groups[2]?.counts.total).toBe(1);
  });
});

describe('refusals of the amendment endpoints', () => {
  const refusal = (status: number, body: Record<string, unknown>) =>
    amendmentRefusal(new ApiRequestError(status, body as never));

  it('reads a clause that changed under a proposal, with its current text', () => {
    expect(
      refusal(409, {
        error: 'clause_changed',
        code: 'clause_changed',
        message: 'Redraft.',
        currentText: 'Now.',
      }),
    ).toEqual({ kind: 'clause-changed', message: 'Redraft.', currentText: 'Now.' });
  });

  it('reads a conflict with base, proposed and current text', () => {
    const read = refusal(409, {
      error: 'amendment_conflict',
      code: 'amendment_conflict',
      message: 'Decide.',
      amendmentId: 'am-1',
      baseText: 'A.',
      proposedText: 'B.',
      currentText: 'C.',
    });
    expect(read.kind).toBe('conflict');
    if (read.kind === 'conflict') {
      expect([read.conflict.baseText, read.conflict.proposedText, read.conflict.currentText]).toEqual([
        'A.',
        'B.',
        'C.',
      ]);
    }
  });

  it('reads an agreed clause, and anything else as a plain message', () => {
    expect(refusal(409, { error: 'clause_locked', message: 'Reopen it.' }).kind).toBe('locked');
    expect(refusal(403, { error: 'forbidden', message: 'Your role does not allow this.' })).toEqual({
      kind: 'other',
      message: 'Your role does not allow this.',
    });
    expect(amendmentRefusal(new Error('offline'))).toEqual({ kind: 'other', message: 'offline' });
  });
});
