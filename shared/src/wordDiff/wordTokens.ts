/**
 * Tokens of the word-level diff: each word or punctuation mark with the
 * whitespace that follows it. Tokens compare by their word alone, so that a
 * whitespace run is never matched on its own (which would scatter a change
 * around the spaces it shares with the old text); whitespace gained or lost
 * after an equal word is reported by the redline separately. Whitespace
 * before the first word is a token of its own. A paragraph break
 * (`PARAGRAPH_BREAK`, see ./comparedText.ts) is a token like a word, so that
 * splitting or joining paragraphs is an edit.
 */
import { PARAGRAPH_BREAK } from '../redline';

const TOKEN_PATTERN =
  /\u2029|[^\S\u2029]+|[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

/** Splits a text into words, whitespace runs, single punctuation marks and paragraph breaks. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** Whitespace, paragraph breaks included: never a word of its own. */
export function isWhitespace(text: string): boolean {
  return text.trim() === '';
}

/** Whitespace without a paragraph break: what may be re-paired or shifted around a change. */
export function isSpace(text: string): boolean {
  return isWhitespace(text) && !text.includes(PARAGRAPH_BREAK);
}

export interface WordToken {
  /** A word or punctuation mark; empty for leading whitespace and for part boundaries. */
  word: string;
  /** The whitespace that follows it, as written. */
  space: string;
  /** Comparison key; negative for a part boundary (equal to nothing). */
  key: number;
}

const LEADING_SPACE = '\u0000leading';

/** Interns comparison keys as integers, shared by the two sides of one diff. */
export class TokenKeys {
  private readonly keys = new Map<string, number>();

  keyOf(canonical: string): number {
    let key = this.keys.get(canonical);
    if (key === undefined) {
      key = this.keys.size;
      this.keys.set(canonical, key);
    }
    return key;
  }
}

/** The tokens of a text. */
export function wordTokens(text: string, keys: TokenKeys): WordToken[] {
  const tokens: WordToken[] = [];
  for (const piece of tokenize(text)) {
    const last = tokens[tokens.length - 1];
    // A paragraph break is a token of its own: a split or a join is an edit, compared like a word.
    if (piece === PARAGRAPH_BREAK) tokens.push({ word: piece, space: '', key: keys.keyOf(PARAGRAPH_BREAK) });
    else if (isWhitespace(piece) && last) last.space += piece;
    else if (isWhitespace(piece)) tokens.push({ word: '', space: piece, key: keys.keyOf(LEADING_SPACE) });
    else tokens.push({ word: piece, space: '', key: keys.keyOf(piece.normalize('NFC')) });
  }
  return tokens;
}

/** The number of words (and punctuation marks) of a text. */
export function wordCount(text: string): number {
  return tokenize(text).filter((token) => !isWhitespace(token)).length;
}
