/**
 * Word-level redlines. Texts are diffed as words and punctuation marks, each
 * with the whitespace after it (see ./wordTokens.ts): how much whitespace,
 * or which kind, is never an edit, and equal stretches keep the "after" text
 * as written; whitespace added or removed at either end of a text is not
 * reported. The result is then made readable: a change is shown as whole
 * words (its deleted words, then its inserted words), a pure insertion or
 * deletion carries its leading space (" and coast"). Paragraph breaks
 * (`PARAGRAPH_BREAK`) are compared like words, never as whitespace.
 */
import { PARAGRAPH_BREAK, type RedlineSegment as Segment } from '../redline';
import { DEFAULT_MAX_EDIT_DISTANCE, DELETE, diffSequences, type EditOp, EQUAL, INSERT } from './myers';
import { isSpace, isWhitespace, TokenKeys, type WordToken, wordCount, wordTokens } from './wordTokens';

export { tokenize } from './wordTokens';

/**
 * The text as compared: whitespace runs collapsed to one space — or, when a
 * run holds paragraph breaks, to those breaks — trimmed, in NFC.
 */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\s+/g, (run) => PARAGRAPH_BREAK.repeat(run.split(PARAGRAPH_BREAK).length - 1) || ' ')
    .trim()
    .normalize('NFC');
}

interface TokenEdit {
  op: Segment['op'];
  /** The "after" text, or for a deletion the "before" text. */
  text: string;
  /** For an equal token: its "before" text (whitespace may differ). */
  beforeText?: string;
}

/** The redline of one text against another. */
export function wordRedline(before: string, after: string): Segment[] {
  if (before === after) return after === '' ? [] : [{ op: 'equal', text: after }];
  return splitDiff(before, [after]).redlines[0] ?? [];
}

/** A text diffed against consecutive parts that together replace it (a split clause). */
export interface SplitDiff {
  /** One redline per part; each part's insertions and equal text are its own, deletions fall where they occur. */
  redlines: Segment[][];
  /** Per part: its words that are equal to words of the original text. */
  matchedWords: number[];
  /** Per part: its number of words. */
  partWords: number[];
  beforeWords: number;
}

/**
 * Diffs `before` against the concatenation of `parts`, then cuts the result at
 * the part boundaries. With `minMatchedWords`, the search gives up (reporting
 * no match) as soon as fewer words than that could still be equal — cheap for
 * texts that turn out unrelated.
 */
export function splitDiff(before: string, parts: readonly string[], minMatchedWords = 0): SplitDiff {
  const keys = new TokenKeys();
  const beforeTokens = wordTokens(before, keys);
  const afterTokens: WordToken[] = [];
  parts.forEach((text, index) => {
    if (index > 0) afterTokens.push({ word: '', space: '', key: -index });
    for (const token of wordTokens(text, keys)) afterTokens.push(token);
  });
  // Equal tokens = (N + M − D) / 2; a little slack for the leading-space tokens and re-paired words.
  const maxEditDistance = beforeTokens.length + afterTokens.length - 2 * minMatchedWords + 4;
  const ops = diffSequences(
    beforeTokens.map((token) => token.key),
    afterTokens.map((token) => token.key),
    minMatchedWords > 0 ? Math.min(Math.max(maxEditDistance, 0), DEFAULT_MAX_EDIT_DISTANCE) : undefined,
  );
  const edits = cutAtBoundaries(ops, beforeTokens, afterTokens, parts.length);
  return {
    redlines: edits.map((partEdits) =>
      toSegments(groupChanges(slideEditsLeft(trimEdgeWhitespace(partEdits)))),
    ),
    matchedWords: edits.map((partEdits) => countWords(partEdits, 'equal')),
    partWords: parts.map(wordCount),
    beforeWords: wordCount(before),
  };
}

/** Pushes the edits of one token: its word, then its whitespace. */
function pushToken(edits: TokenEdit[], op: 'insert' | 'delete', token: WordToken): void {
  if (token.word) edits.push({ op, text: token.word });
  if (token.space) edits.push({ op, text: token.space });
}

function pushEqual(edits: TokenEdit[], before: WordToken, after: WordToken): void {
  if (after.word) edits.push({ op: 'equal', text: after.word, beforeText: before.word });
  if (after.space && before.space) edits.push({ op: 'equal', text: after.space, beforeText: before.space });
  else if (after.space) edits.push({ op: 'insert', text: after.space });
  else if (before.space) edits.push({ op: 'delete', text: before.space });
}

/**
 * Emits one change: deleted tokens, then inserted ones. Words at its start or
 * end that only gained or lost the whitespace after them ("a" → "a ,") are
 * shown as equal words with that whitespace inserted or deleted.
 */
function pushChange(edits: TokenEdit[], deleted: readonly WordToken[], inserted: readonly WordToken[]): void {
  const sameWord = (a: WordToken | undefined, b: WordToken | undefined) =>
    a !== undefined && a.word === b?.word;
  let head = 0;
  while (head < deleted.length && sameWord(deleted[head], inserted[head])) head++;
  let tail = 0;
  while (
    tail < Math.min(deleted.length, inserted.length) - head &&
    sameWord(deleted[deleted.length - 1 - tail], inserted[inserted.length - 1 - tail])
  ) {
    tail++;
  }
  for (let index = 0; index < head; index++)
    pushEqual(edits, deleted[index] as WordToken, inserted[index] as WordToken);
  for (const token of deleted.slice(head, deleted.length - tail)) pushToken(edits, 'delete', token);
  for (const token of inserted.slice(head, inserted.length - tail)) pushToken(edits, 'insert', token);
  for (let index = tail; index > 0; index--) {
    pushEqual(
      edits,
      deleted[deleted.length - index] as WordToken,
      inserted[inserted.length - index] as WordToken,
    );
  }
}

/** Word and whitespace edits from token ops, one list per part. */
function cutAtBoundaries(
  ops: readonly EditOp[],
  beforeTokens: readonly WordToken[],
  afterTokens: readonly WordToken[],
  partCount: number,
): TokenEdit[][] {
  const edits: TokenEdit[][] = Array.from({ length: partCount }, () => []);
  let i = 0;
  let j = 0;
  let part = 0;
  let deleted: WordToken[] = [];
  let inserted: WordToken[] = [];
  const flush = () => {
    pushChange(edits[part] as TokenEdit[], deleted, inserted);
    deleted = [];
    inserted = [];
  };
  for (const op of ops) {
    if (op === DELETE) {
      deleted.push(beforeTokens[i++] as WordToken);
      continue;
    }
    const token = afterTokens[j++] as WordToken;
    if (op === INSERT && token.key >= 0) {
      inserted.push(token);
      continue;
    }
    flush();
    if (op === EQUAL) pushEqual(edits[part] as TokenEdit[], beforeTokens[i++] as WordToken, token);
    else part++;
  }
  flush();
  return edits;
}

function countWords(edits: readonly TokenEdit[], op: Segment['op']): number {
  return edits.filter((edit) => edit.op === op && !isWhitespace(edit.text)).length;
}

/** Whitespace added or removed at either end of a text is no edit: keep the "after" whitespace as equal. */
function trimEdgeWhitespace(edits: readonly TokenEdit[]): TokenEdit[] {
  const result = [...edits];
  const settle = (index: number): boolean => {
    const edit = result[index] as TokenEdit;
    if (!isWhitespace(edit.text)) return false;
    if (edit.op === 'insert') result[index] = { op: 'equal', text: edit.text };
    if (edit.op === 'delete') result[index] = { op: 'equal', text: '' };
    return true;
  };
  for (let index = 0; index < result.length && settle(index); index++);
  for (let index = result.length - 1; index >= 0 && settle(index); index--);
  return result.filter((edit) => edit.text !== '');
}

/**
 * One way to show a pure insertion or deletion: a run that ends with a space
 * right after an equal space is shifted one token left, so that "border" +
 * " and coast" + " guards" is shown rather than "border " + "and coast " +
 * "guards". Texts follow their tokens: equal text stays the "after" text.
 */
function slideEditsLeft(edits: readonly TokenEdit[]): TokenEdit[] {
  const result = [...edits];
  let start = 0;
  while (start < result.length) {
    const op = (result[start] as TokenEdit).op;
    let end = start;
    while (end + 1 < result.length && result[end + 1]?.op === op) end++;
    const previous = result[start - 1];
    const last = result[end] as TokenEdit;
    const pureRun = op !== 'equal' && result[end + 1]?.op !== (op === 'insert' ? 'delete' : 'insert');
    const pureBefore = previous?.op === 'equal';
    if (pureRun && pureBefore && isSpace(previous.text) && isSpace(last.text) && end > start) {
      const [shifted, kept]: TokenEdit[] =
        op === 'insert'
          ? [
              { op, text: previous.text },
              { op: 'equal', text: last.text, beforeText: previous.beforeText },
            ]
          : [
              { op, text: previous.beforeText ?? previous.text },
              { op: 'equal', text: previous.text, beforeText: last.text },
            ];
      // The run between them stays where it is: only its two ends change (no splice of the whole run).
      result[start - 1] = shifted as TokenEdit;
      result[end] = kept as TokenEdit;
    }
    start = end + 1;
  }
  return result;
}

/** Whitespace at the end of a text, not counting paragraph breaks. */
const TRAILING_SPACE = /[^\S\u2029]+$/u;

/**
 * Whole-word changes: whitespace left equal between two changes joins them,
 * and each run of changes becomes its deleted text followed by its inserted text.
 */
function groupChanges(edits: readonly TokenEdit[]): TokenEdit[] {
  const grouped: TokenEdit[] = [];
  let deleted = '';
  let inserted = '';
  const flush = () => {
    // A replacement ending in whitespace on both sides: that whitespace is equal.
    const trailing = deleted && inserted ? TRAILING_SPACE.exec(inserted)?.[0] : undefined;
    const deletedSpace = trailing ? TRAILING_SPACE.exec(deleted)?.[0] : undefined;
    if (trailing && deletedSpace) {
      deleted = deleted.slice(0, -deletedSpace.length);
      inserted = inserted.slice(0, -trailing.length);
    }
    if (deleted) grouped.push({ op: 'delete', text: deleted });
    if (inserted) grouped.push({ op: 'insert', text: inserted });
    if (trailing && deletedSpace) grouped.push({ op: 'equal', text: trailing });
    deleted = '';
    inserted = '';
  };
  edits.forEach((edit, index) => {
    const joinsChanges =
      edit.op === 'equal' &&
      isSpace(edit.text) &&
      (deleted !== '' || inserted !== '') &&
      edits[index + 1] !== undefined &&
      edits[index + 1]?.op !== 'equal';
    if (edit.op === 'delete' || joinsChanges) deleted += edit.text;
    if (edit.op === 'insert' || joinsChanges) inserted += edit.text;
    if (edit.op === 'equal' && !joinsChanges) {
      flush();
      grouped.push(edit);
    }
  });
  flush();
  return grouped;
}

function toSegments(edits: readonly TokenEdit[]): Segment[] {
  const segments: Segment[] = [];
  for (const edit of edits) {
    const last = segments[segments.length - 1];
    if (last && last.op === edit.op) last.text += edit.text;
    else segments.push({ op: edit.op, text: edit.text });
  }
  return segments;
}

/** The "before" and "after" texts a redline stands for. */
export function redlineSides(segments: readonly Segment[]): { before: string; after: string } {
  let before = '';
  let after = '';
  for (const segment of segments) {
    if (segment.op !== 'insert') before += segment.text;
    if (segment.op !== 'delete') after += segment.text;
  }
  return { before, after };
}
