/**
 * A word-level three-way merge: an amendment's change (its `base` clause text
 * → its `proposed` wording) applied to the clause's `current` text, which
 * others may have changed since the amendment was tabled.
 *
 * Both changes are read as regions of `base`'s exact tokens (./textHunks.ts):
 * the amendment's regions (changes separated only by spaces count as one
 * region) and the current text's. The result is `base` with both sets of
 * regions applied. When a region of the amendment overlaps, touches or
 * contains an insertion point of a region of the current text (the same
 * words, or words right next to each other with no space between) the merge
 * is not clean: nothing is guessed, and the caller shows base, proposed and
 * current side by side. A region both changed identically is applied once.
 *
 * Invariants (tests/unit/rebase.test.ts): current = base → proposed;
 * proposed = base → current; disjoint changes → both kept; every word of the
 * result comes from exactly one of: base (changed by neither side), the
 * amendment's region, or the current text's region — never dropped, never
 * twice.
 */
import { exactTokens, type TokenHunk, tokenHunks } from './textHunks';

export type RebaseResult = { clean: true; text: string } | { clean: false };

function sameHunk(x: TokenHunk, y: TokenHunk): boolean {
  return (
    x.start === y.start &&
    x.end === y.end &&
    x.insert.length === y.insert.length &&
    x.insert.every((token, index) => token === y.insert[index])
  );
}

/** Closed intervals: overlapping, touching, or one's insertion point inside or at an end of the other. */
function collide(x: TokenHunk, y: TokenHunk): boolean {
  return x.start <= y.end && y.start <= x.end;
}

/**
 * Applies the change `base` → `proposed` to `current` at word level.
 * Texts are clause plain texts (paragraphs joined by "\n"). Returns
 * `{ clean: true, text }` with the merged text, or `{ clean: false }` when
 * the change's regions collide with regions `current` changed.
 */
export function rebaseChange(base: string, proposed: string, current: string): RebaseResult {
  if (current === base) return { clean: true, text: proposed };
  if (proposed === base) return { clean: true, text: current };
  if (proposed === current) return { clean: true, text: current };
  const baseTokens = exactTokens(base);
  const ours = tokenHunks(baseTokens, exactTokens(proposed), { joinAcrossSpace: true });
  const theirs = tokenHunks(baseTokens, exactTokens(current), { joinAcrossSpace: true });
  const merged: TokenHunk[] = [];
  let t = 0;
  for (const hunk of ours) {
    while (t < theirs.length && (theirs[t] as TokenHunk).end < hunk.start)
      merged.push(theirs[t++] as TokenHunk);
    const next = theirs[t];
    if (next && sameHunk(next, hunk)) {
      merged.push(hunk);
      t++;
      continue;
    }
    if (next && collide(next, hunk)) return { clean: false };
    merged.push(hunk);
  }
  while (t < theirs.length) merged.push(theirs[t++] as TokenHunk);
  merged.sort((x, y) => x.start - y.start || x.end - y.end);
  const out: string[] = [];
  let at = 0;
  for (const hunk of merged) {
    for (; at < hunk.start; at++) out.push(baseTokens[at] as string);
    for (const token of hunk.insert) out.push(token);
    at = hunk.end;
  }
  for (; at < baseTokens.length; at++) out.push(baseTokens[at] as string);
  return { clean: true, text: out.join('') };
}
