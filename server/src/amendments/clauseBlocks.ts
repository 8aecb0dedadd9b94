/**
 * A clause's text blocks as the amendment writer edits them. A clause's plain
 * text (`plainText` in content/outline.ts) is its text blocks — paragraphs,
 * wherever they sit (directly in the clause or in list items) — joined by
 * "\n". Inside a block, text lives in Y.XmlText children (with formatting
 * attributes: marks), and inline elements (a hard break) take no room in the
 * plain text.
 *
 * This module reads that mapping and makes the small edits the writer
 * (./clauseWriter.ts) is built from: replace a range of one block, move a
 * block's head or tail into another block (a split or a join), and remove a
 * block together with the containers it leaves empty. Text that is not moved
 * keeps its Yjs items and its formatting.
 */
import { NodeName } from '@draftroom/shared';
import * as Y from 'yjs';
import { plainText } from '../content/outline';
import { BRACKET_ATTRIBUTE } from '../negotiation/bracketText';

type Attributes = Record<string, unknown>;

/** A run of formatted text, as Y.XmlText's delta has it. */
interface Run {
  text: string;
  attributes: Attributes;
}

/** Content taken out of a block, in order: formatted text or an inline element (a copy). */
export type Piece = { kind: 'text'; runs: Run[] } | { kind: 'element'; element: Y.XmlElement };

/** A child of a block at its position in the block's plain text. */
interface Child {
  node: Y.XmlText | Y.XmlElement;
  start: number;
  length: number;
  runs: Run[];
}

/** A text block of a clause: where it starts in the clause's plain text and how long it is. */
export interface TextBlock {
  element: Y.XmlElement;
  start: number;
  length: number;
}

/** Elements whose children are inline (text and hard breaks): the non-containers of `plainText`. */
const INLINE_PARENTS = new Set<string>([NodeName.paragraph, NodeName.sectionHeading]);

/** The formatted runs of a Y.XmlText, or null when it holds an embed (not plain text). */
function runsOf(text: Y.XmlText): Run[] | null {
  const runs: Run[] = [];
  for (const op of text.toDelta() as { insert: unknown; attributes?: Attributes }[]) {
    if (typeof op.insert !== 'string') return null;
    runs.push({ text: op.insert, attributes: op.attributes ?? {} });
  }
  return runs;
}

/** The children of a block with their positions, or null when one is not plain text or a zero-length inline element. */
function childrenOf(block: Y.XmlElement): Child[] | null {
  const children: Child[] = [];
  let start = 0;
  for (const node of block.toArray()) {
    if (node instanceof Y.XmlText) {
      const runs = runsOf(node);
      if (!runs) return null;
      children.push({ node, start, length: node.length, runs });
      start += node.length;
    } else if (node instanceof Y.XmlElement && plainText(node) === '') {
      children.push({ node, start, length: 0, runs: [] });
    } else {
      return null;
    }
  }
  return children;
}

/**
 * The text blocks of a clause in order, or null when the clause holds
 * something the writer does not edit in place (an empty container, bare text
 * outside a paragraph, an embed): the caller then rewrites the clause whole.
 */
export function textBlocks(clause: Y.XmlElement): TextBlock[] | null {
  const blocks: TextBlock[] = [];
  let cursor = 0;
  const visit = (node: unknown): boolean => {
    if (!(node instanceof Y.XmlElement)) return false;
    if (INLINE_PARENTS.has(node.nodeName)) {
      const children = childrenOf(node);
      if (!children) return false;
      const length = children.reduce((sum, child) => sum + child.length, 0);
      blocks.push({ element: node, start: cursor, length });
      cursor += length + 1;
      return true;
    }
    const children = node.toArray();
    return children.length > 0 && children.every(visit);
  };
  const top = clause.toArray();
  if (top.length === 0 || !top.every(visit)) return null;
  return blocks;
}

/** The block holding clause offset `offset` and the offset inside it. */
export function locate(blocks: readonly TextBlock[], offset: number): { index: number; offset: number } {
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index] as TextBlock;
    if (offset <= block.start + block.length) return { index, offset: offset - block.start };
  }
  const last = blocks.length - 1;
  return { index: last, offset: (blocks[last] as TextBlock).length };
}

/** The formatting of the character at `offset` of a block (`{}` past the end or in an empty block). */
function attributesAt(children: readonly Child[], offset: number): Attributes {
  for (const child of children) {
    if (offset < child.start || offset >= child.start + child.length) continue;
    let at = child.start;
    for (const run of child.runs) {
      if (offset < at + run.text.length) return { ...run.attributes };
      at += run.text.length;
    }
  }
  return {};
}

/** The id of the bracket on the character at `offset` of a block (undefined outside a bracket or the block). */
function bracketIdAt(children: readonly Child[], offset: number): string | undefined {
  if (offset < 0) return undefined;
  const id = (attributesAt(children, offset)[BRACKET_ATTRIBUTE] as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The formatting new text at `[from, to)` of a block takes: that of the first
 * character it replaces; for a pure insertion, that of the character before
 * (or after, at the start), without a link (typing after a link does not
 * extend it). A bracket is non-inclusive, like the editor's mark: inserted
 * text is bracketed only when the characters on both sides of it carry the
 * same bracket, so words added next to a bracketed passage never join it
 * (and are not dropped with it when the bracket is resolved).
 */
function formattingFor(children: readonly Child[], from: number, to: number): Attributes {
  if (to > from) return attributesAt(children, from);
  const total = children.reduce((sum, child) => sum + child.length, 0);
  const attributes =
    from > 0 ? attributesAt(children, from - 1) : from < total ? attributesAt(children, from) : {};
  delete attributes.link;
  const bracket = bracketIdAt(children, from - 1);
  if (bracket === undefined || bracketIdAt(children, from) !== bracket) delete attributes[BRACKET_ATTRIBUTE];
  return attributes;
}

/** Runs `[from, to)` of a list of runs. */
function sliceRuns(runs: readonly Run[], from: number, to: number): Run[] {
  const slice: Run[] = [];
  let at = 0;
  for (const run of runs) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + run.text.length);
    if (end > start) slice.push({ text: run.text.slice(start - at, end - at), attributes: run.attributes });
    at += run.text.length;
  }
  return slice;
}

function childrenOrFail(block: Y.XmlElement): Child[] {
  const children = childrenOf(block);
  if (!children) throw new Error('a text block changed shape while being edited');
  return children;
}

/**
 * Removes `[from, to)` of a block's plain text and returns what was removed.
 * Inline elements go with the range when `keepsElement(position)` says so.
 * Y.XmlText children emptied by a move are removed with it (`dropEmptied`).
 */
function takeRange(
  block: Y.XmlElement,
  from: number,
  to: number,
  keepsElement: (position: number) => boolean,
  dropEmptied: boolean,
): Piece[] {
  const children = childrenOrFail(block);
  const pieces: Piece[] = [];
  for (let index = children.length - 1; index >= 0; index--) {
    const child = children[index] as Child;
    if (child.node instanceof Y.XmlElement) {
      if (!keepsElement(child.start)) continue;
      pieces.unshift({ kind: 'element', element: child.node.clone() });
      block.delete(index, 1);
      continue;
    }
    const start = Math.max(from, child.start) - child.start;
    const end = Math.min(to, child.start + child.length) - child.start;
    if (end <= start) continue;
    pieces.unshift({ kind: 'text', runs: sliceRuns(child.runs, start, end) });
    child.node.delete(start, end - start);
    if (dropEmptied && child.node.length === 0) block.delete(index, 1);
  }
  return pieces;
}

function insertRuns(text: Y.XmlText, offset: number, runs: readonly Run[]): void {
  let at = offset;
  for (const run of runs) {
    // Explicit attributes: the run keeps exactly its own formatting, nothing inherited.
    text.insert(at, run.text, { ...run.attributes });
    at += run.text.length;
  }
}

/** Puts pieces at the start (`atStart`) or the end of a block, merging text with the neighbouring text node. */
export function placePieces(block: Y.XmlElement, pieces: readonly Piece[], atStart: boolean): void {
  let index = atStart ? 0 : block.length;
  pieces.forEach((piece, position) => {
    if (piece.kind === 'element') {
      block.insert(index++, [piece.element]);
      return;
    }
    const neighbour = atStart
      ? position === pieces.length - 1
        ? block.get(index)
        : null
      : position === 0 && index > 0
        ? block.get(index - 1)
        : null;
    if (neighbour instanceof Y.XmlText) {
      insertRuns(neighbour, atStart ? 0 : neighbour.length, piece.runs);
      return;
    }
    const text = new Y.XmlText();
    block.insert(index++, [text]);
    insertRuns(text, 0, piece.runs);
  });
}

/**
 * Replaces `[from, to)` of a block's plain text by `text` (no line break):
 * the new words take the formatting of what they replace (formattingFor);
 * inline elements strictly inside the range go with it.
 */
export function replaceInBlock(block: Y.XmlElement, from: number, to: number, text: string): void {
  const formatting = formattingFor(childrenOrFail(block), from, to);
  if (to > from) takeRange(block, from, to, (position) => position > from && position < to, false);
  if (text === '') return;
  const children = childrenOrFail(block);
  const host =
    children.find(
      (child) => child.node instanceof Y.XmlText && from > child.start && from <= child.start + child.length,
    ) ?? children.find((child) => child.node instanceof Y.XmlText && from === child.start);
  if (host) {
    (host.node as Y.XmlText).insert(from - host.start, text, formatting);
    return;
  }
  const index = children.filter((child) => child.start < from).length;
  const created = new Y.XmlText();
  block.insert(index, [created]);
  created.insert(0, text, formatting);
}

/** The block's length in plain text. */
export function blockLength(block: Y.XmlElement): number {
  return childrenOrFail(block).reduce((sum, child) => sum + child.length, 0);
}

/** A new empty block like `block` (same element and attributes, e.g. a heading's level). */
function twinOf(block: Y.XmlElement): Y.XmlElement {
  const twin = new Y.XmlElement(block.nodeName);
  for (const [key, value] of Object.entries(block.getAttributes())) twin.setAttribute(key, value as string);
  return twin;
}

function parentAndIndex(node: Y.XmlElement): { parent: Y.XmlElement; index: number } {
  const parent = node.parent;
  if (!(parent instanceof Y.XmlElement)) throw new Error('a clause block outside its clause');
  return { parent, index: parent.toArray().indexOf(node) };
}

/**
 * Splits a block at `offset`: the shorter side moves into a new block
 * beside it (the longer keeps its items). Returns the two blocks in order.
 */
export function splitBlock(block: Y.XmlElement, offset: number): { head: Y.XmlElement; tail: Y.XmlElement } {
  const length = blockLength(block);
  const twin = twinOf(block);
  const { parent, index } = parentAndIndex(block);
  if (offset <= length - offset) {
    const pieces = takeRange(block, 0, offset, (position) => position < offset, true);
    parent.insert(index, [twin]);
    placePieces(twin, pieces, false);
    return { head: twin, tail: block };
  }
  const pieces = takeRange(block, offset, length, (position) => position >= offset, true);
  parent.insert(index + 1, [twin]);
  placePieces(twin, pieces, false);
  return { head: block, tail: twin };
}

/** Inserts new blocks like `like`, holding `lines`, right after `after` (one insertion, however many lines). */
export function insertBlocksAfter(after: Y.XmlElement, like: Y.XmlElement, lines: readonly string[]): void {
  if (lines.length === 0) return;
  const { parent, index } = parentAndIndex(after);
  const blocks = lines.map((line) => {
    const block = twinOf(like);
    if (line !== '') {
      const text = new Y.XmlText();
      text.insert(0, line);
      block.insert(0, [text]);
    }
    return block;
  });
  parent.insert(index + 1, blocks);
}

/** Removes a block, and every container (list item, list) that leaves empty, up to the clause. */
export function removeBlock(block: Y.XmlElement, clause: Y.XmlElement): void {
  let node: Y.XmlElement = block;
  for (;;) {
    const { parent, index } = parentAndIndex(node);
    parent.delete(index, 1);
    if (parent === clause || parent.length > 0) return;
    node = parent;
  }
}

/**
 * Removes blocks (in document order) and every container they leave empty,
 * up to the clause: one deletion per run of neighbouring blocks, so removing
 * many paragraphs costs linear time, not a sibling scan per paragraph.
 */
export function removeBlocks(blocks: readonly Y.XmlElement[], clause: Y.XmlElement): void {
  const byParent = new Map<Y.XmlElement, Y.XmlElement[]>();
  for (const block of blocks) {
    const parent = block.parent;
    if (!(parent instanceof Y.XmlElement)) throw new Error('a clause block outside its clause');
    const siblings = byParent.get(parent);
    if (siblings) siblings.push(block);
    else byParent.set(parent, [block]);
  }
  for (const [parent, removed] of byParent) {
    const positions = new Map(parent.toArray().map((child, index) => [child, index]));
    const indexes = removed.map((block) => positions.get(block) as number).sort((a, b) => b - a);
    // From the last to the first, one deletion per run of consecutive indexes.
    for (let start = 0; start < indexes.length; ) {
      let end = start + 1;
      while (end < indexes.length && indexes[end] === (indexes[end - 1] as number) - 1) end++;
      parent.delete(indexes[end - 1] as number, end - start);
      start = end;
    }
    if (parent !== clause && parent.length === 0) removeBlock(parent, clause);
  }
}

/**
 * Joins two blocks (`first` before `second`): the shorter one's content
 * moves into the other, which stays. Returns the block that holds both.
 */
export function joinBlocks(first: Y.XmlElement, second: Y.XmlElement, clause: Y.XmlElement): Y.XmlElement {
  const firstLength = blockLength(first);
  const secondLength = blockLength(second);
  if (firstLength < secondLength) {
    const pieces = takeRange(first, 0, firstLength, () => true, true);
    placePieces(second, pieces, true);
    removeBlock(first, clause);
    return second;
  }
  const pieces = takeRange(second, 0, secondLength, () => true, true);
  placePieces(first, pieces, false);
  removeBlock(second, clause);
  return first;
}

/** Removes `[from, to)` of a block's text (inline elements strictly inside go too). */
export function deleteInBlock(block: Y.XmlElement, from: number, to: number): void {
  if (to > from) takeRange(block, from, to, (position) => position > from && position < to, false);
}
