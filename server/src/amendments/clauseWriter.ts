/**
 * Writes amendment outcomes into a document's Y.Doc, as a person typing
 * would: a clause's text rewritten to a new plain text with the fewest edits
 * (word level, ./clauseBlocks.ts), a new clause inserted after another, a
 * clause deleted. Words not changed keep their Yjs items and their
 * formatting, so people typing elsewhere in the same clause at that moment
 * are not disturbed: their edits merge around the change like anyone else's.
 *
 * Call these inside one Yjs transaction (Room.applyServerChange does).
 */
import { CONTENT_FIELD, ID_ATTR, NodeName, newNodeId, type TextHunk, textHunks } from '@draftroom/shared';
import * as Y from 'yjs';
import { plainText } from '../content/outline';
import {
  blockLength,
  deleteInBlock,
  insertBlocksAfter,
  joinBlocks,
  locate,
  removeBlocks,
  replaceInBlock,
  splitBlock,
  type TextBlock,
  textBlocks,
} from './clauseBlocks';

/** A clause element, its section and its index among the section's children. */
export interface ClauseLocation {
  clause: Y.XmlElement;
  section: Y.XmlElement;
  index: number;
}

/** Where the clause with id `clauseId` is, or undefined when the document has none. */
export function findClause(doc: Y.Doc, clauseId: string): ClauseLocation | undefined {
  for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(section instanceof Y.XmlElement) || section.nodeName !== NodeName.section) continue;
    const children = section.toArray();
    for (let index = 0; index < children.length; index++) {
      const clause = children[index];
      if (clause instanceof Y.XmlElement && clause.nodeName === NodeName.clause) {
        if (clause.getAttribute(ID_ATTR) === clauseId) return { clause, section, index };
      }
    }
  }
  return undefined;
}

/**
 * The ids of every clause in the document: reads only the section and clause
 * elements' id attributes, never their text (cheap enough to run after a
 * stored turn: O(sections + clauses)).
 */
export function clauseIdSet(doc: Y.Doc): Set<string> {
  const ids = new Set<string>();
  for (const section of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(section instanceof Y.XmlElement) || section.nodeName !== NodeName.section) continue;
    for (const clause of section.toArray()) {
      if (!(clause instanceof Y.XmlElement) || clause.nodeName !== NodeName.clause) continue;
      const id = clause.getAttribute(ID_ATTR);
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

/** Paragraph elements holding `text`'s lines (an empty line is an empty paragraph). */
function paragraphsOf(text: string): Y.XmlElement[] {
  return text.split('\n').map((line) => {
    const paragraph = new Y.XmlElement(NodeName.paragraph);
    if (line !== '') {
      const content = new Y.XmlText();
      content.insert(0, line);
      paragraph.insert(0, [content]);
    }
    return paragraph;
  });
}

/** Replaces everything in a clause by plain paragraphs of `text` (when it cannot be edited in place). */
function replaceClauseContent(clause: Y.XmlElement, text: string): void {
  clause.delete(0, clause.length);
  clause.insert(0, paragraphsOf(text));
}

/**
 * Applies one character hunk to the clause, whose text blocks are `blocks`
 * (as textBlocks read them before this hunk), and leaves `blocks` right for
 * every offset up to the hunk's start: the blocks before the one where it
 * starts are untouched (element, start, length), and that one becomes the
 * block holding its start now (a split or join may have moved that text
 * into another element; its start is the same). So the hunks before it are
 * applied without reading the clause again.
 */
function applyHunk(clause: Y.XmlElement, blocks: TextBlock[], hunk: TextHunk): void {
  const from = locate(blocks, hunk.from);
  const to = locate(blocks, hunk.to);
  const lines = hunk.insert.split('\n');
  const startBlock = blocks[from.index] as TextBlock;
  const first = startBlock.element;
  let block = first;
  if (from.index === to.index && lines.length === 1) {
    replaceInBlock(first, from.offset, to.offset, hunk.insert);
  } else {
    if (from.index === to.index) {
      deleteInBlock(first, from.offset, to.offset);
    } else {
      const last = (blocks[to.index] as TextBlock).element;
      deleteInBlock(first, from.offset, startBlock.length);
      deleteInBlock(last, 0, to.offset);
      removeBlocks(
        blocks.slice(from.index + 1, to.index).map((between) => between.element),
        clause,
      );
      block = joinBlocks(first, last, clause);
    }
    replaceInBlock(block, from.offset, from.offset, lines[0] ?? '');
    if (lines.length > 1) {
      const { head, tail } = splitBlock(block, from.offset + (lines[0] ?? '').length);
      replaceInBlock(tail, 0, 0, lines[lines.length - 1] ?? '');
      insertBlocksAfter(head, head, lines.slice(1, -1));
      block = head;
    }
  }
  blocks.length = from.index + 1;
  blocks[from.index] = { element: block, start: startBlock.start, length: blockLength(block) };
}

/**
 * Rewrites a clause's plain text (paragraphs joined by "\n") to `text` with
 * the fewest edits: each changed run of words is replaced in place (new words
 * take the formatting of the words they replace, or of the word before a
 * pure insertion); a line break added or removed splits or joins paragraphs
 * (moving the shorter side). A clause of a shape this cannot edit in place
 * (see textBlocks) is rewritten whole as plain paragraphs. Afterwards
 * `plainText(clause) === text` always holds. The clause's blocks are read
 * once, so many changes in a clause of many paragraphs cost time linear in
 * both, not their product.
 */
export function rewriteClauseText(clause: Y.XmlElement, text: string): void {
  const current = plainText(clause);
  if (current === text) return;
  const hunks = textHunks(current, text);
  const blocks = textBlocks(clause);
  if (!blocks) {
    replaceClauseContent(clause, text);
    return;
  }
  // From the last to the first, so that the offsets of the hunks still to apply do not move.
  for (let index = hunks.length - 1; index >= 0; index--) applyHunk(clause, blocks, hunks[index] as TextHunk);
  if (plainText(clause) !== text) replaceClauseContent(clause, text);
}

/**
 * Inserts a new clause holding `text` (paragraphs split at "\n") right after
 * clause `afterClauseId`, with id `id` (a new one by default); returns its id,
 * or undefined when there is no such clause.
 */
export function insertClauseAfter(
  doc: Y.Doc,
  afterClauseId: string,
  text: string,
  id = newNodeId('cl'),
): string | undefined {
  const location = findClause(doc, afterClauseId);
  if (!location) return undefined;
  const clause = new Y.XmlElement(NodeName.clause);
  clause.setAttribute(ID_ATTR, id);
  clause.insert(0, paragraphsOf(text));
  location.section.insert(location.index + 1, [clause]);
  return id;
}

/** Deletes clause `clauseId`; false when the document has no such clause. */
export function deleteClause(doc: Y.Doc, clauseId: string): boolean {
  const location = findClause(doc, clauseId);
  if (!location) return false;
  location.section.delete(location.index, 1);
  return true;
}
