/**
 * Exact word-level edits between two plain texts, for changing text (the
 * amendment rebase and the server writing an accepted amendment into the
 * document), as opposed to showing a redline (./wordRedline.ts, which treats
 * whitespace differences as no change).
 *
 * A text is cut into exact tokens: words (letters, digits and marks, with
 * inner apostrophes and hyphens), single punctuation marks, runs of
 * whitespace other than a line break, and each line break ("\n", the break
 * between two paragraphs of a clause) on its own. Tokens compare by their
 * exact text, so the tokens of a text joined back give that text, and the
 * hunks of `before` → `after` applied to `before` give `after`, character
 * for character.
 */
import { DELETE, diffSequences, EQUAL } from './myers';

const EXACT_TOKEN = /\n|[^\S\n]+|[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

/** The exact tokens of a text: joined, they give the text back. */
export function exactTokens(text: string): string[] {
  return text.match(EXACT_TOKEN) ?? [];
}

/** True for a token of spaces (no line break): what `joinAcrossSpace` may bridge. */
function isSpaceToken(token: string): boolean {
  return token !== '\n' && token.trim() === '';
}

/**
 * One change: the tokens `[start, end)` of the old text replaced by
 * `insert` (start === end: a pure insertion before token `start`).
 */
export interface TokenHunk {
  start: number;
  end: number;
  insert: string[];
}

/** One change in characters: `before.slice(from, to)` replaced by `insert`. */
export interface TextHunk {
  from: number;
  to: number;
  insert: string;
}

/** Interns tokens as integer keys shared by every text of one comparison. */
function keyer(): (tokens: readonly string[]) => number[] {
  const keys = new Map<string, number>();
  return (tokens) =>
    tokens.map((token) => {
      let key = keys.get(token);
      if (key === undefined) {
        key = keys.size;
        keys.set(token, key);
      }
      return key;
    });
}

/**
 * The changes turning tokens `a` into tokens `b`, in order, never
 * overlapping, each separated from the next by at least one unchanged token.
 * With `joinAcrossSpace`, changes separated only by space tokens are one
 * change (covering those spaces): a region of changed words, as a person
 * would see it.
 */
export function tokenHunks(
  a: readonly string[],
  b: readonly string[],
  options: { joinAcrossSpace?: boolean } = {},
): TokenHunk[] {
  const keysOf = keyer();
  const ops = diffSequences(keysOf(a), keysOf(b));
  const hunks: TokenHunk[] = [];
  let i = 0;
  let j = 0;
  let open: TokenHunk | null = null;
  for (const op of ops) {
    if (op === EQUAL) {
      open = null;
      i++;
      j++;
      continue;
    }
    if (!open) {
      open = { start: i, end: i, insert: [] };
      hunks.push(open);
    }
    if (op === DELETE) open.end = ++i;
    else open.insert.push(b[j++] as string);
  }
  return options.joinAcrossSpace ? joinAcrossSpace(hunks, a) : hunks;
}

/** Joins consecutive hunks whose gap in `a` is only space tokens (the spaces become part of the hunk). */
function joinAcrossSpace(hunks: readonly TokenHunk[], a: readonly string[]): TokenHunk[] {
  const joined: TokenHunk[] = [];
  for (const hunk of hunks) {
    const last = joined[joined.length - 1];
    const gap = last ? a.slice(last.end, hunk.start) : [];
    if (last && gap.length > 0 && gap.every(isSpaceToken)) {
      joined[joined.length - 1] = {
        start: last.start,
        end: hunk.end,
        insert: [...last.insert, ...gap, ...hunk.insert],
      };
    } else {
      joined.push({ ...hunk, insert: [...hunk.insert] });
    }
  }
  return joined;
}

/**
 * The changes turning `before` into `after`, in characters of `before`,
 * ascending and non-overlapping: applying them (from the last to the first)
 * to `before` gives `after` exactly. Unchanged words are never part of one.
 */
export function textHunks(before: string, after: string): TextHunk[] {
  if (before === after) return [];
  const a = exactTokens(before);
  const offsets: number[] = [];
  let offset = 0;
  for (const token of a) {
    offsets.push(offset);
    offset += token.length;
  }
  offsets.push(offset);
  return tokenHunks(a, exactTokens(after)).map((hunk) => ({
    from: offsets[hunk.start] as number,
    to: offsets[hunk.end] as number,
    insert: hunk.insert.join(''),
  }));
}

/** Applies character hunks (as `textHunks` returns them) to `text`. */
export function applyTextHunks(text: string, hunks: readonly TextHunk[]): string {
  let result = text;
  for (let index = hunks.length - 1; index >= 0; index--) {
    const hunk = hunks[index] as TextHunk;
    result = result.slice(0, hunk.from) + hunk.insert + result.slice(hunk.to);
  }
  return result;
}
