/**
 * Durability testing by unique tokens: each simulated person types tokens
 * like `[c3-17]` at random token boundaries of one text node of the document
 * model (`modelText`: the first Y.XmlText of the content), so every token
 * stays contiguous (nobody types inside another's) and can be counted in any
 * copy of the text: the clients', a fresh load, or the SQLite file.
 */
import type * as Y from 'yjs';
import type { CollabClient } from './collabClient';
import { modelText, modelTextString } from './modelText';

const TOKEN = /\[c\d+-\d+\]/g;

/** Every token in `text`, in order (duplicates kept). */
export function tokensIn(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** How often each token occurs in `text`. */
export function tokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokensIn(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** The tokens of `expected` not found exactly once in `text`: missing ones and duplicated ones. */
export function notExactlyOnce(
  text: string,
  expected: Iterable<string>,
): { missing: string[]; duplicated: string[] } {
  const counts = tokenCounts(text);
  const missing: string[] = [];
  const duplicated: string[] = [];
  for (const token of expected) {
    const count = counts.get(token) ?? 0;
    if (count === 0) missing.push(token);
    else if (count > 1) duplicated.push(token);
  }
  return { missing, duplicated };
}

/** A small deterministic PRNG (mulberry32): reproducible random moments and positions. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One person typing tokens into their own client's copy of the document,
 * online or not: into the model's first text node, or (a subclass) into the
 * text `target` gives, read back as `text`.
 */
export class TokenTypist {
  readonly typed: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    public client: CollabClient,
    private readonly random: () => number,
  ) {}

  /** The plain text the tokens are typed into, as this client holds it. */
  get text(): string {
    return modelTextString(this.client.doc);
  }

  /** The Y.XmlText the tokens are typed into (the same text `text` reads). */
  protected target(): Y.XmlText {
    return modelText(this.client.doc);
  }

  /** Types the next token at a random token boundary; returns it. */
  typeOne(): string {
    const token = `[${this.name}-${this.typed.length + 1}]`;
    const current = this.text;
    const boundaries = [0];
    for (let i = current.indexOf(']'); i !== -1; i = current.indexOf(']', i + 1)) boundaries.push(i + 1);
    this.target().insert(boundaries[Math.floor(this.random() * boundaries.length)] ?? 0, token);
    this.typed.push(token);
    return token;
  }

  /** Keeps typing one token every `minMs`–`maxMs` until stopped. */
  start(minMs = 15, maxMs = 45): void {
    const next = () => {
      this.timer = setTimeout(
        () => {
          this.typeOne();
          next();
        },
        minMs + this.random() * (maxMs - minMs),
      );
    };
    next();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Tokens in this client's copy that others typed: it can only have received them from the server. */
  receivedTokens(): string[] {
    const own = `[${this.name}-`;
    return tokensIn(this.text).filter((token) => !token.startsWith(own));
  }
}
