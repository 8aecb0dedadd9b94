import { describe, expect, it } from 'vitest';
import { longestIncreasingSubsequence, placeRemoved } from '../../server/src/compare/order';
import { DELETE, diffSequences, type EditOp, EQUAL, INSERT } from '../../shared/src/wordDiff/myers';
import { redlineSides, splitDiff, tokenize, wordRedline } from '../../shared/src/wordDiff/wordRedline';

/** Replays an edit script: the sequence it produces from `a`. */
function apply(a: readonly number[], b: readonly number[], ops: readonly EditOp[]): number[] {
  const result: number[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === EQUAL) {
      expect(a[i]).toBe(b[j]);
      result.push(a[i++] as number);
      j++;
    } else if (op === DELETE) {
      i++;
    } else {
      result.push(b[j++] as number);
    }
  }
  expect(i).toBe(a.length);
  return result;
}

/** The length of a longest common subsequence, by dynamic programming. */
function lcsLength(a: readonly number[], b: readonly number[]): number {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = table[i] as number[];
      row[j] =
        a[i - 1] === b[j - 1]
          ? (table[i - 1]?.[j - 1] as number) + 1
          : Math.max(table[i - 1]?.[j] as number, row[j - 1] as number);
    }
  }
  return table[a.length]?.[b.length] as number;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('diffSequences (Myers)', () => {
  it('produces a minimal edit script that turns a into b, on random sequences', () => {
    const random = seeded(7);
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(random() * 30) }, () => Math.floor(random() * 5));
      const b = Array.from({ length: Math.floor(random() * 30) }, () => Math.floor(random() * 5));
      const ops = diffSequences(a, b);
      expect(apply(a, b, ops)).toEqual(b);
      expect(ops.filter((op) => op === EQUAL).length).toBe(lcsLength(a, b));
    }
  });

  it('handles empty and identical sequences', () => {
    expect(diffSequences([], [])).toEqual([]);
    expect(diffSequences([1, 2], [1, 2])).toEqual([EQUAL, EQUAL]);
    expect(diffSequences([], [3])).toEqual([INSERT]);
    expect(diffSequences([3], [])).toEqual([DELETE]);
  });

  it('falls back to delete-all/insert-all beyond the edit distance limit, still a valid script', () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [7, 8, 9, 10, 11, 12];
    const ops = diffSequences(a, b, 3);
    expect(apply(a, b, ops)).toEqual(b);
    expect(ops).toEqual([...new Array(6).fill(DELETE), ...new Array(6).fill(INSERT)]);
  });
});

describe('tokenize', () => {
  it('splits words, whitespace runs and punctuation, keeping hyphenated words and apostrophes whole', () => {
    expect(tokenize("Third-country State's rights,  e.g. 2012–2016")).toEqual([
      'Third-country',
      ' ',
      "State's",
      ' ',
      'rights',
      ',',
      '  ',
      'e',
      '.',
      'g',
      '.',
      ' ',
      '2012',
      '–',
      '2016',
    ]);
  });
});

describe('wordRedline', () => {
  it('reports an inserted phrase as exactly those words', () => {
    expect(
      wordRedline(
        'Develop joint training for border guards.',
        'Develop joint training for border and coast guards.',
      ),
    ).toEqual([
      { op: 'equal', text: 'Develop joint training for border' },
      { op: 'insert', text: ' and coast' },
      { op: 'equal', text: ' guards.' },
    ]);
  });

  it('shows a pure deletion with its leading space, keeping the new whitespace in equal text', () => {
    expect(wordRedline('Train all  border guards.', 'Train  border guards.')).toEqual([
      { op: 'equal', text: 'Train' },
      { op: 'delete', text: ' all' },
      { op: 'equal', text: '  border guards.' },
    ]);
  });

  it('reports a replaced run of words as one deletion then one insertion', () => {
    expect(wordRedline('the quick brown fox', 'the slow red fox')).toEqual([
      { op: 'equal', text: 'the ' },
      { op: 'delete', text: 'quick brown' },
      { op: 'insert', text: 'slow red' },
      { op: 'equal', text: ' fox' },
    ]);
  });

  it('treats whitespace differences as equal and keeps the new whitespace', () => {
    const segments = wordRedline('Promote  cooperation\r\nnow.', ' Promote cooperation\nnow. ');
    expect(segments).toEqual([{ op: 'equal', text: ' Promote cooperation\nnow. ' }]);
  });

  it('still reports whitespace added between a word and punctuation', () => {
    expect(wordRedline('a, b', 'a , b')).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'insert', text: ' ' },
      { op: 'equal', text: ', b' },
    ]);
  });

  it('is consistent: the redline rebuilds the new text and, whitespace aside, the old one', () => {
    const before =
      'Ensure the effective implementation of readmission agreements, including joint committees.';
    const after =
      'Ensure full implementation of all readmission agreements and protocols, including committees.';
    const sides = redlineSides(wordRedline(before, after));
    expect(sides.after).toBe(after);
    expect(sides.before).toBe(before);
  });
});

describe('wordRedline on random edits', () => {
  const words = ['states', 'shall', 'cooperate', 'on', 'return', ',', '.', 'and', 'the', 'migrants'];
  const spaces = [' ', ' ', ' ', '  ', '\n'];

  function randomText(random: () => number): string {
    let text = '';
    const length = Math.floor(random() * 14);
    for (let index = 0; index < length; index++) {
      text += words[Math.floor(random() * words.length)];
      text += spaces[Math.floor(random() * spaces.length)];
    }
    return text;
  }

  it('always rebuilds the new text exactly and the old text up to whitespace', () => {
    const random = seeded(42);
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    for (let round = 0; round < 300; round++) {
      const before = randomText(random);
      const after = randomText(random);
      const segments = wordRedline(before, after);
      const sides = redlineSides(segments);
      expect(sides.after).toBe(after);
      expect(squash(sides.before)).toBe(squash(before));
      for (let index = 1; index < segments.length; index++) {
        expect(segments[index]?.op === 'equal' && segments[index - 1]?.op === 'equal').toBe(false);
      }
    }
  });
});

describe('splitDiff', () => {
  it('cuts a diff at part boundaries and counts the words each part took from the original', () => {
    const diff = splitDiff('Train guards on documents. Identify victims of trafficking.', [
      'Train guards on documents.',
      'Identify all victims of trafficking.',
    ]);
    // Punctuation marks count as words.
    expect(diff.matchedWords).toEqual([5, 5]);
    expect(diff.partWords).toEqual([5, 6]);
    expect(diff.beforeWords).toBe(10);
    expect(diff.redlines[1]).toEqual([
      { op: 'equal', text: 'Identify' },
      { op: 'insert', text: ' all' },
      { op: 'equal', text: ' victims of trafficking.' },
    ]);
  });
});

describe('splitDiff with a minimum of matched words', () => {
  it('gives up on unrelated texts and reports them as replaced, still a valid redline', () => {
    const before = 'Strengthen national asylum systems with the support of UNHCR.';
    const part = 'Reduce the costs of remittance transfers.';
    // Without a minimum, "the" would be found equal; with it, only the trimmed common end is.
    expect(splitDiff(before, [part]).redlines[0]).toContainEqual({ op: 'equal', text: ' the ' });
    const diff = splitDiff(before, [part], 20);
    expect(diff.matchedWords).toEqual([1]);
    expect(diff.redlines[0]).toEqual([
      { op: 'delete', text: 'Strengthen national asylum systems with the support of UNHCR' },
      { op: 'insert', text: 'Reduce the costs of remittance transfers' },
      { op: 'equal', text: '.' },
    ]);
    expect(splitDiff(before, [before], 10).matchedWords).toEqual([10]);
  });
});

describe('order helpers', () => {
  it('finds a longest increasing subsequence', () => {
    const values = [3, 0, 1, 4, 2, 5];
    const kept = [...longestIncreasingSubsequence(values)].sort();
    expect(kept.map((index) => values[index])).toEqual([0, 1, 2, 5]);
  });

  it('places removed items after the kept item that preceded them', () => {
    const removed = new Map([
      ['x', 'x'],
      ['y', 'y'],
    ]);
    expect(placeRemoved(['b', 'a', 'c'], (id) => id, ['x', 'a', 'y', 'b', 'c'], removed)).toEqual([
      'x',
      'b',
      'a',
      'y',
      'c',
    ]);
  });
});
