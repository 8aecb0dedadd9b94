/**
 * Where a word redline falls in a text that shows one side of it. The
 * proposal editor shows the proposed wording (the "after" side: its inserted
 * words are marked in place, its deleted words drawn where they were); the
 * live text under "Show amendments" shows the clause as it is (the "before"
 * side: deleted words are struck through in place, inserted words drawn
 * where they would go). Either way the text on screen is never changed.
 *
 * The word diff (`wordRedline`) keeps equal text "as written" on the after
 * side but does not report whitespace-only differences, nor whitespace at the
 * ends; alignment therefore walks the shown text and the redline together,
 * letting whitespace on either side pass unmatched.
 */
import { PARAGRAPH_BREAK, PILCROW, type RedlineSegment } from '@draftroom/shared';

/** A range of the shown text, in UTF-16 offsets, `from < to`. */
export interface RedlineRange {
  from: number;
  to: number;
}

/** Text of the side not shown, drawn at offset `at` of the shown text. */
export interface RedlineGap {
  at: number;
  text: string;
}

export interface AlignedRedline {
  /** Marked ranges of the shown text: deleted words (side `before`) or inserted words (side `after`). */
  ranges: RedlineRange[];
  /** The other side's words: inserted (side `before`) or deleted (side `after`), each at its place. */
  gaps: RedlineGap[];
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char);

/**
 * Advances through `shown` from `cursor` over the characters of `text`;
 * returns the offset after them. Whitespace present on one side only is
 * passed over; any other mismatch (a normalisation difference) counts as a match.
 */
function advance(shown: string, cursor: number, text: string): number {
  let at = cursor;
  let index = 0;
  while (index < text.length && at < shown.length) {
    const a = shown[at];
    const b = text[index];
    if (a === b) {
      at++;
      index++;
    } else if (isSpace(b)) index++;
    else if (isSpace(a)) at++;
    else {
      at++;
      index++;
    }
  }
  return at;
}

/** Skips whitespace of `shown` that the next segment does not start with (the diff left it out). */
function skipUnreportedSpace(shown: string, cursor: number, text: string): number {
  let at = cursor;
  if (isSpace(text[0])) return at;
  while (at < shown.length && isSpace(shown[at]) && shown[at] !== text[0]) at++;
  return at;
}

/**
 * Places `segments` (a redline between two texts) on `shown`, which is the
 * text of side `side`: `before` = equal + deleted words, `after` = equal +
 * inserted words. Gaps carry the other side's text with paragraph breaks
 * shown as ¶.
 */
export function alignRedline(
  shown: string,
  segments: readonly RedlineSegment[],
  side: 'before' | 'after',
): AlignedRedline {
  const marked: RedlineSegment['op'] = side === 'before' ? 'delete' : 'insert';
  const ranges: RedlineRange[] = [];
  const gaps: RedlineGap[] = [];
  let cursor = 0;
  for (const segment of segments) {
    if (segment.op === 'equal') {
      cursor = advance(shown, cursor, segment.text);
    } else if (segment.op === marked) {
      const from = skipUnreportedSpace(shown, cursor, segment.text);
      cursor = advance(shown, from, segment.text);
      if (cursor > from) ranges.push({ from, to: cursor });
    } else {
      const text = segment.text.split(PARAGRAPH_BREAK).join(PILCROW);
      if (text.trim() !== '') gaps.push({ at: cursor, text });
    }
  }
  return { ranges, gaps };
}

/**
 * Offsets of the paragraph breaks ("\n" or `PARAGRAPH_BREAK`) of `shown` that
 * lie inside `ranges`: a paragraph split or joined, drawn as a ¶ at the end of
 * its paragraph (an inline mark on the break itself would show nothing).
 */
export function breaksInRanges(shown: string, ranges: readonly RedlineRange[]): number[] {
  const offsets: number[] = [];
  for (const range of ranges) {
    for (let at = range.from; at < range.to; at++) {
      if (shown[at] === '\n' || shown[at] === PARAGRAPH_BREAK) offsets.push(at);
    }
  }
  return offsets;
}
