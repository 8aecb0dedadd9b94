import { describe, expect, it } from 'vitest';
import { rebaseChange } from '../../shared/src/wordDiff/rebase';
import { applyTextHunks, exactTokens, textHunks, tokenHunks } from '../../shared/src/wordDiff/textHunks';
import { seededRandom } from '../support/tokenTypist';

const VOCABULARY = [
  'migration',
  'partnership',
  'states',
  'shall',
  'promote',
  'return',
  'voluntary',
  'the',
  'of',
  'and',
  'readmission',
  'Ukraine',
  'data',
  'border',
];

/** A clause-like text: words, spaces, some punctuation, a paragraph break now and then. */
function randomText(random: () => number, words: number): string {
  let text = '';
  for (let index = 0; index < words; index++) {
    text += VOCABULARY[Math.floor(random() * VOCABULARY.length)];
    const r = random();
    if (index === words - 1) break;
    text += r < 0.08 ? ',\u0020' : r < 0.12 ? '.\n' : r < 0.15 ? '  ' : ' ';
  }
  return text;
}

/** Words `[from, to)` (as exact tokens) of `text` replaced by `insert`. */
function replaceTokens(text: string, from: number, to: number, insert: string): string {
  const tokens = exactTokens(text);
  return [...tokens.slice(0, from), insert, ...tokens.slice(to)].join('');
}

/** Indexes of the word tokens of a text. */
function wordIndexes(text: string): number[] {
  return exactTokens(text).flatMap((token, index) => (/[\p{L}\p{N}]/u.test(token) ? [index] : []));
}

describe('exact tokens and text hunks', () => {
  it('cut a text into tokens that join back to it exactly', () => {
    for (const text of [
      '',
      '  leading and trailing  ',
      'Paragraph one.\nParagraph two,\tend\n\n',
      'l’État membre — co-operation (2011) 🇺🇦 émigré',
    ]) {
      expect(exactTokens(text).join('')).toBe(text);
    }
    expect(exactTokens('a\n b')).toEqual(['a', '\n', ' ', 'b']);
  });

  it('turn one text into another exactly, touching only changed words', () => {
    const before = 'The states shall promote voluntary return.';
    const after = 'The states should promote safe and voluntary return.';
    const hunks = textHunks(before, after);
    expect(applyTextHunks(before, hunks)).toBe(after);
    expect(hunks.map((hunk) => before.slice(hunk.from, hunk.to))).toEqual(['shall', '']);
    expect(hunks.map((hunk) => hunk.insert.trim())).toEqual(['should', 'safe and']);
  });

  it('round-trip random texts', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 300; round++) {
      const before = randomText(random, 1 + Math.floor(random() * 30));
      const after = randomText(random, Math.floor(random() * 30));
      expect(applyTextHunks(before, textHunks(before, after))).toBe(after);
    }
  });

  it('join changes separated only by spaces when asked', () => {
    const a = exactTokens('one two three four');
    const b = exactTokens('one 2 3 four');
    expect(tokenHunks(a, b)).toHaveLength(2);
    expect(tokenHunks(a, b, { joinAcrossSpace: true })).toEqual([
      { start: 2, end: 5, insert: ['2', ' ', '3'] },
    ]);
  });
});

describe('rebaseChange (three-way merge at word level)', () => {
  it('gives the proposal when the clause did not change, and the current text when nothing is proposed', () => {
    expect(rebaseChange('a b c', 'a x c', 'a b c')).toEqual({ clean: true, text: 'a x c' });
    expect(rebaseChange('a b c', 'a b c', 'a b y')).toEqual({ clean: true, text: 'a b y' });
  });

  it('keeps both changes when they are in different words', () => {
    const base = 'The partner states shall promote voluntary return and reintegration.';
    const proposed = 'The partner states shall actively promote voluntary return and reintegration.';
    const current = 'The partner states shall promote voluntary return and sustainable reintegration.';
    expect(rebaseChange(base, proposed, current)).toEqual({
      clean: true,
      text: 'The partner states shall actively promote voluntary return and sustainable reintegration.',
    });
  });

  it('keeps a paragraph split in one region and a change in another paragraph', () => {
    const base = 'First paragraph here. Second sentence.\nOther paragraph.';
    const proposed = 'First paragraph here.\nSecond sentence.\nOther paragraph.';
    const current = 'First paragraph here. Second sentence.\nOther paragraph, amended.';
    expect(rebaseChange(base, proposed, current)).toEqual({
      clean: true,
      text: 'First paragraph here.\nSecond sentence.\nOther paragraph, amended.',
    });
  });

  it('is not clean when both changed the same words', () => {
    expect(rebaseChange('a b c d', 'a x c d', 'a y c d')).toEqual({ clean: false });
    expect(rebaseChange('a b c d', 'a x y d', 'a b z d')).toEqual({ clean: false });
    expect(rebaseChange('one two three', 'one three', 'one TWO three')).toEqual({ clean: false });
  });

  it('is not clean when both inserted at the same place, or one inserted inside the other’s change', () => {
    expect(rebaseChange('a b', 'a x b', 'a y b')).toEqual({ clean: false });
    expect(rebaseChange('a b c d', 'a d', 'a b new c d')).toEqual({ clean: false });
  });

  it('applies once a change both sides made identically', () => {
    expect(rebaseChange('a b c d e', 'a X c d e', 'a X c d E')).toEqual({ clean: true, text: 'a X c d E' });
  });

  it('gives the current text when it already reads as proposed', () => {
    expect(rebaseChange('a b c', 'a x c', 'a x c')).toEqual({ clean: true, text: 'a x c' });
  });

  it('deletes a whole clause only when nothing changed it (any other change collides)', () => {
    expect(rebaseChange('a b c', '', 'a b c')).toEqual({ clean: true, text: '' });
    expect(rebaseChange('a b c', '', 'a b c d')).toEqual({ clean: false });
  });

  describe('properties over random clauses', () => {
    const random = seededRandom(2026);
    const cases = Array.from({ length: 400 }, () => {
      const base = randomText(random, 4 + Math.floor(random() * 40));
      const other = randomText(random, Math.floor(random() * 40));
      return { base, other };
    });

    it('current = base → proposed; proposed = base → current', () => {
      for (const { base, other } of cases) {
        expect(rebaseChange(base, other, base)).toEqual({ clean: true, text: other });
        expect(rebaseChange(base, base, other)).toEqual({ clean: true, text: other });
      }
    });

    it('disjoint word changes are both kept, in place', () => {
      for (const { base } of cases) {
        const words = wordIndexes(base);
        if (words.length < 4) continue;
        // Two word positions at least two words apart: the one earlier is changed by one side, the later by the other.
        const first = words[Math.floor(random() * (words.length - 3))] as number;
        const laterChoices = words.filter((index) => index >= first + 4);
        if (laterChoices.length === 0) continue;
        const second = laterChoices[Math.floor(random() * laterChoices.length)] as number;
        const proposed = replaceTokens(base, first, first + 1, 'PROPOSED');
        const current = replaceTokens(base, second, second + 1, 'CURRENT');
        const expected = replaceTokens(proposed, second, second + 1, 'CURRENT');
        const swappedSides = rebaseChange(base, current, proposed);
        expect(rebaseChange(base, proposed, current)).toEqual({ clean: true, text: expected });
        expect(swappedSides).toEqual({ clean: true, text: expected });
      }
    });

    it('changes of the same word never merge', () => {
      for (const { base } of cases) {
        const words = wordIndexes(base);
        const at = words[Math.floor(random() * words.length)] as number;
        const proposed = replaceTokens(base, at, at + 1, 'PROPOSED');
        const current = replaceTokens(base, at, at + 1, 'CURRENT');
        expect(rebaseChange(base, proposed, current)).toEqual({ clean: false });
      }
    });

    it('a clean merge never drops or doubles a word: each word count is base + both sides’ gains', () => {
      const count = (text: string) => {
        const counts = new Map<string, number>();
        for (const token of exactTokens(text))
          if (token.trim()) counts.set(token, (counts.get(token) ?? 0) + 1);
        return counts;
      };
      let clean = 0;
      for (let round = 0; round < 400; round++) {
        const base = randomText(random, 10 + Math.floor(random() * 30));
        // Each side inserts words of its own (suffixed), so that no change can be made identically by both.
        const mutate = (text: string, suffix: string) => {
          const tokens = exactTokens(text);
          const at = Math.floor(random() * tokens.length);
          const span = Math.floor(random() * 3);
          const words = randomText(random, 1 + Math.floor(random() * 3)).replace(
            /\p{L}+/gu,
            (w) => w + suffix,
          );
          return replaceTokens(text, at, Math.min(tokens.length, at + span), words);
        };
        const proposed = mutate(base, 'P');
        const current = mutate(base, 'C');
        const result = rebaseChange(base, proposed, current);
        if (!result.clean) continue;
        clean++;
        const [b, p, c, r] = [base, proposed, current, result.text].map(count) as Map<string, number>[];
        const words = new Set([
          ...(b as Map<string, number>).keys(),
          ...(p as Map<string, number>).keys(),
          ...(c as Map<string, number>).keys(),
        ]);
        for (const word of words) {
          const of = (map: Map<string, number> | undefined) => map?.get(word) ?? 0;
          expect(of(r)).toBe(of(b) + (of(p) - of(b)) + (of(c) - of(b)));
        }
      }
      expect(clean).toBeGreaterThan(100);
    });
  });
});
