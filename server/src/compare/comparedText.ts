/**
 * The texts compare diffs: a clause's paragraphs (bracketed passages in
 * `[` … `]`) and the preamble's blocks, joined by `PARAGRAPH_BREAK` so that
 * the paragraph structure is part of what is compared (a paragraph split or
 * joined inside a clause is a change). A line break inside a paragraph stays
 * "\n", which compares as whitespace.
 */
import { type Block, type ClauseStructure, PARAGRAPH_BREAK } from '@draftroom/shared';
import { canonicalBlocks, clauseDisplayText } from '../content/structure';

/** A clause's paragraphs as printed, joined by `PARAGRAPH_BREAK`. */
export function clauseComparedText(clause: Pick<ClauseStructure, 'blocks'>): string {
  return clause.blocks.map((block) => clauseDisplayText({ blocks: [block] })).join(PARAGRAPH_BREAK);
}

/** The preamble's blocks as canonical lines (list markers included), joined by `PARAGRAPH_BREAK`. */
export function preambleComparedText(blocks: readonly Block[]): string {
  return canonicalBlocks(blocks).join(PARAGRAPH_BREAK);
}
