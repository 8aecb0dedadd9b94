/**
 * Paragraph breaks in compared texts (issue 13, item 7): a split or a join
 * inside a clause is a change, the redline keeps every break exactly once on
 * each side, and `redlineParagraphs` gives each view its paragraphs with a ¶
 * for each inserted or deleted break.
 */
import {
  type Block,
  PARAGRAPH_BREAK as P,
  PILCROW,
  type RedlineSegment,
  redlineParagraphs,
} from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { compareStructures } from '../../server/src/compare/compareStructures';
import { buildStructure } from '../../server/src/compare/fixtures';
import { normaliseWhitespace, redlineSides, wordRedline } from '../../shared/src/wordDiff/wordRedline';
import { seededRandom } from '../support/tokenTypist';

const breaks = (text: string) => text.split(P).length - 1;

describe('normaliseWhitespace with paragraph breaks', () => {
  it('keeps each break, drops the spaces around it, and trims breaks at either end', () => {
    expect(normaliseWhitespace(`A b.  ${P} C d.`)).toBe(`A b.${P}C d.`);
    expect(normaliseWhitespace(`A b.${P}${P}C d.`)).toBe(`A b.${P}${P}C d.`);
    expect(normaliseWhitespace(`${P}A b.${P} `)).toBe('A b.');
    expect(normaliseWhitespace('A b.\n C d.')).toBe('A b. C d.');
  });
});

describe('wordRedline with paragraph breaks', () => {
  it('redlines a split as an inserted break and a join as a deleted one, words untouched', () => {
    expect(wordRedline('Train guards. Identify victims.', `Train guards. ${P}Identify victims.`)).toEqual([
      { op: 'equal', text: 'Train guards. ' },
      { op: 'insert', text: P },
      { op: 'equal', text: 'Identify victims.' },
    ]);
    expect(wordRedline(`Train guards. ${P}Identify victims.`, 'Train guards. Identify victims.')).toEqual([
      { op: 'equal', text: 'Train guards. ' },
      { op: 'delete', text: P },
      { op: 'equal', text: 'Identify victims.' },
    ]);
  });

  it('never matches a break with whitespace: a new paragraph of words is inserted with its break', () => {
    const segments = wordRedline(
      'Train guards. Identify victims.',
      `Train guards.${P}New words. Identify victims.`,
    );
    expect(segments.filter((segment) => segment.op === 'insert').map((segment) => segment.text)).toEqual([
      `${P}New words.`,
    ]);
  });

  it('on random texts, rebuilds the new text exactly and the old one up to spaces, breaks kept', () => {
    const random = seededRandom(13);
    const words = ['states', 'shall', 'return', ',', '.', 'and'];
    const gaps = [' ', ' ', '  ', '\n', P, ` ${P}`, `${P}${P}`];
    const randomText = () => {
      let text = '';
      for (let count = Math.floor(random() * 12); count > 0; count--) {
        text += words[Math.floor(random() * words.length)];
        text += gaps[Math.floor(random() * gaps.length)];
      }
      return text;
    };
    for (let round = 0; round < 400; round++) {
      const before = randomText();
      const after = randomText();
      const segments = wordRedline(before, after);
      const sides = redlineSides(segments);
      expect(sides.after).toBe(after);
      expect(normaliseWhitespace(sides.before)).toBe(normaliseWhitespace(before));
      // Each view has one paragraph per break of its side, and no piece holds a break.
      const inner = (text: string) => breaks(normaliseWhitespace(text));
      const afterParagraphs = redlineParagraphs(segments, 'after');
      expect(afterParagraphs).toHaveLength(breaks(after) + 1);
      expect(redlineParagraphs(segments, 'before')).toHaveLength(breaks(sides.before) + 1);
      for (const piece of redlineParagraphs(segments, 'inline').flat()) expect(piece.text).not.toContain(P);
      // A different paragraph structure is never shown as "no change".
      if (inner(before) !== inner(after))
        expect(segments.some((segment) => segment.op !== 'equal')).toBe(true);
    }
  });
});

describe('redlineParagraphs', () => {
  const joined: RedlineSegment[] = [
    { op: 'equal', text: 'A b. ' },
    { op: 'delete', text: P },
    { op: 'equal', text: 'C d.' },
  ];

  it('ends a paragraph at every break its view shows, with a ¶ for a changed one', () => {
    expect(redlineParagraphs(joined, 'inline')).toEqual([
      [
        { op: 'equal', text: 'A b. ' },
        { op: 'delete', text: PILCROW, paragraphMark: true },
      ],
      [{ op: 'equal', text: 'C d.' }],
    ]);
    expect(redlineParagraphs(joined, 'after')).toEqual([[{ op: 'equal', text: 'A b. C d.' }]]);
    expect(redlineParagraphs([], 'inline')).toEqual([[]]);
  });
});

describe('compareStructures with paragraphs', () => {
  const version = (blocks: string[]) =>
    buildStructure({
      sections: [
        {
          id: 's1',
          title: 'Return',
          clauses: [
            { id: 'c1', text: blocks.map((text): Block => ({ kind: 'paragraph', runs: [{ text }] })) },
          ],
        },
      ],
    });

  it('reports a clause changed when its paragraphs were split or joined, unchanged when only spaces moved', () => {
    const one = { structure: version(['Train guards. Identify victims.']) };
    const two = { structure: version(['Train guards. ', 'Identify victims.']) };
    const twoSpaced = { structure: version(['Train guards.', '  Identify victims.']) };
    const clause = (before: typeof one, after: typeof one) =>
      compareStructures(before, after).sections[0]?.clauses[0];
    expect(clause(one, two)).toMatchObject({ change: 'changed', textChanged: true });
    expect(clause(two, one)).toMatchObject({ change: 'changed', textChanged: true });
    expect(clause(two, twoSpaced)).toMatchObject({ change: 'unchanged', textChanged: false });
  });
});
