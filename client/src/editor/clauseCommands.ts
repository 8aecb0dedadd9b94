/**
 * Editing commands for the numbered structure:
 * - Mod-Enter / "Split clause": split the current clause at the cursor (the spaces at the cut go).
 * - Enter on the empty last paragraph of a multi-paragraph clause: that
 *   paragraph becomes a new clause (like leaving a list).
 * - Enter in a section heading: go to (or create) the section's first clause.
 * - Backspace at the very start of a clause: join it into the previous clause.
 * - Delete never merges a heading with body text across a section boundary.
 * - Mod-Shift-Enter / "New section": append a section with one empty clause.
 */
import { ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode, ResolvedPos, Schema } from '@tiptap/pm/model';
import { type EditorState, Selection, TextSelection, type Transaction } from '@tiptap/pm/state';
import { canJoin, canSplit } from '@tiptap/pm/transform';
import { isEmptyClause } from './structure';

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    clauseStructure: {
      /** Splits the clause at the cursor; the part after the cursor becomes a new clause. */
      splitClause: () => ReturnType;
      /** Appends a new section (heading + one empty clause) at the end of the document. */
      appendSection: () => ReturnType;
      /** The block with the cursor (not the clause's first) and the blocks after it become a new clause. */
      clauseFromBlock: () => ReturnType;
    };
  }
}

/** Depth of the closest ancestor of the given type, or `null`. */
export function ancestorDepth($pos: ResolvedPos, typeName: string): number | null {
  for (let depth = $pos.depth; depth > 0; depth--) {
    if ($pos.node(depth).type.name === typeName) return depth;
  }
  return null;
}

/** True when nothing inside the node at `depth` comes before `$pos`. */
function isAtStartOf($pos: ResolvedPos, depth: number): boolean {
  if ($pos.parentOffset !== 0) return false;
  for (let d = $pos.depth - 1; d >= depth; d--) {
    if ($pos.index(d) !== 0) return false;
  }
  return true;
}

/** True when nothing inside the node at `depth` comes after `$pos`. */
function isAtEndOf($pos: ResolvedPos, depth: number): boolean {
  if ($pos.parentOffset !== $pos.parent.content.size) return false;
  for (let d = $pos.depth - 1; d >= depth; d--) {
    if ($pos.indexAfter(d) !== $pos.node(d).childCount) return false;
  }
  return true;
}

function emptyClause(schema: Schema): ProseMirrorNode {
  return schema.nodes[NodeName.clause]!.create(
    { [ID_ATTR]: newNodeId('cl') },
    schema.nodes[NodeName.paragraph]!.create(),
  );
}

/** Gives the clause around the (mapped) cursor a fresh id. */
function renewClauseIdAtCursor(tr: Transaction): void {
  const $cursor = tr.selection.$from;
  const depth = ancestorDepth($cursor, NodeName.clause);
  if (depth !== null) tr.setNodeAttribute($cursor.before(depth), ID_ATTR, newNodeId('cl'));
}

/** Inserts an empty clause at `pos` and puts the cursor into it. */
function insertClauseAt(tr: Transaction, pos: number): void {
  tr.insert(pos, emptyClause(tr.doc.type.schema));
  tr.setSelection(TextSelection.create(tr.doc, pos + 2));
}

/** Non-text inline nodes (a line break) count as one character that is not a space. */
const LEAF_CHARACTER = '\ufffc';

/**
 * Removes the spaces on either side of the cursor inside its paragraph, the way a word processor splits at
 * a space: neither the clause that ends there nor the one that begins there keeps a stray space. The
 * cursor stays where the spaces were.
 */
function removeSpacesAroundCursor(tr: Transaction): void {
  const $pos = tr.selection.$from;
  if (!$pos.parent.isTextblock) return;
  const before = $pos.parent.textBetween(0, $pos.parentOffset, undefined, LEAF_CHARACTER);
  const after = $pos.parent.textBetween(
    $pos.parentOffset,
    $pos.parent.content.size,
    undefined,
    LEAF_CHARACTER,
  );
  const spacesBefore = before.length - before.trimEnd().length;
  const spacesAfter = after.length - after.trimStart().length;
  if (spacesBefore + spacesAfter === 0) return;
  const from = $pos.pos - spacesBefore;
  tr.delete(from, $pos.pos + spacesAfter);
  tr.setSelection(TextSelection.create(tr.doc, from));
}

function splitClauseInTransaction(tr: Transaction): boolean {
  removeSpacesAroundCursor(tr);
  const $pos = tr.selection.$from;
  const clauseDepth = ancestorDepth($pos, NodeName.clause);
  if (clauseDepth === null) return false;
  if (isAtEndOf($pos, clauseDepth)) {
    insertClauseAt(tr, $pos.after(clauseDepth));
    return true;
  }
  if (isAtStartOf($pos, clauseDepth)) {
    // Like Enter at the start of a line: an empty clause appears above and the text keeps its id.
    tr.insert($pos.before(clauseDepth), emptyClause(tr.doc.type.schema));
    return true;
  }
  const isDirectChild = $pos.depth - 1 === clauseDepth;
  if (isDirectChild && $pos.parentOffset === 0) {
    // At the start of a later paragraph: split between paragraphs, not inside one.
    return splitClauseBetweenBlocks(tr, $pos.before());
  }
  if (isDirectChild && $pos.parentOffset === $pos.parent.content.size) {
    const boundary = $pos.after();
    if (!splitClauseBetweenBlocks(tr, boundary)) return false;
    tr.setSelection(Selection.near(tr.doc.resolve(boundary + 2), 1));
    return true;
  }
  const depth = $pos.depth - clauseDepth + 1;
  if (!canSplit(tr.doc, $pos.pos, depth)) return false;
  tr.split($pos.pos, depth);
  renewClauseIdAtCursor(tr);
  return true;
}

/** Splits a clause at a position between two of its blocks; the new clause gets a fresh id. */
function splitClauseBetweenBlocks(tr: Transaction, boundary: number): boolean {
  if (!canSplit(tr.doc, boundary, 1)) return false;
  tr.split(boundary, 1);
  // The new clause starts right after the first one's closing token.
  tr.setNodeAttribute(boundary + 1, ID_ATTR, newNodeId('cl'));
  return true;
}

/** True when "split clause" would cut the clause around the cursor in two (not at its start or end). */
export function cursorCutsClause(state: EditorState): boolean {
  const { $from } = state.selection;
  const depth = ancestorDepth($from, NodeName.clause);
  if (depth === null) return false;
  const text = $from.node(depth).textContent;
  if (text.trim() === '') return false;
  return !isAtStartOf($from, depth) && !isAtEndOf($from, depth);
}

/** In a section heading, "new clause" opens an empty clause right after the heading. */
function clauseAfterHeading(state: EditorState, tr: Transaction): boolean {
  const { $from } = state.selection;
  if ($from.parent.type.name !== NodeName.sectionHeading) return false;
  const section = $from.node($from.depth - 1);
  const afterHeading = $from.after();
  const firstClause = section.childCount > 1 ? section.child(1) : null;
  if (firstClause && isEmptyClause(firstClause)) {
    tr.setSelection(TextSelection.create(tr.doc, afterHeading + 2));
  } else {
    insertClauseAt(tr, afterHeading);
  }
  return true;
}

function splitClause(state: EditorState, tr: Transaction, dispatch: unknown): boolean {
  const { $from } = state.selection;
  const inClause = ancestorDepth($from, NodeName.clause) !== null;
  const inHeading = $from.parent.type.name === NodeName.sectionHeading;
  if (!inClause && !inHeading) return false;
  if (!dispatch) return true;
  if (inHeading) return clauseAfterHeading(state, tr);
  if (!state.selection.empty) tr.deleteSelection();
  if (!splitClauseInTransaction(tr)) return false;
  tr.scrollIntoView();
  return true;
}

function clauseFromBlock(state: EditorState, tr: Transaction, dispatch: unknown): boolean {
  const { $from } = state.selection;
  const depth = ancestorDepth($from, NodeName.clause);
  if (depth === null || $from.depth === depth || $from.index(depth) === 0) return false;
  if (!dispatch) return true;
  if (!splitClauseBetweenBlocks(tr, $from.before(depth + 1))) return false;
  tr.scrollIntoView();
  return true;
}

function appendSection(tr: Transaction, dispatch: unknown): boolean {
  const { schema } = tr.doc.type;
  const section = schema.nodes[NodeName.section]!.create({ [ID_ATTR]: newNodeId('sec') }, [
    schema.nodes[NodeName.sectionHeading]!.create(),
    emptyClause(schema),
  ]);
  if (!dispatch) return true;
  const insertAt = tr.doc.content.size;
  tr.insert(insertAt, section);
  tr.setSelection(TextSelection.create(tr.doc, insertAt + 2));
  tr.scrollIntoView();
  return true;
}

/** Enter on the empty last paragraph of a clause with several blocks: the paragraph leaves as a new clause. */
function leaveClauseOnEmptyParagraph(state: EditorState, dispatch?: (tr: Transaction) => void): boolean {
  const { $from, empty } = state.selection;
  if (!empty || $from.parent.type.name !== NodeName.paragraph || $from.parent.content.size !== 0)
    return false;
  const clauseDepth = $from.depth - 1;
  const clause = $from.node(clauseDepth);
  if (clause.type.name !== NodeName.clause || clause.childCount < 2) return false;
  if ($from.index(clauseDepth) !== clause.childCount - 1) return false;
  const splitAt = $from.before();
  if (!canSplit(state.doc, splitAt, 1)) return false;
  if (dispatch) {
    const tr = state.tr.split(splitAt, 1);
    renewClauseIdAtCursor(tr);
    dispatch(tr.scrollIntoView());
  }
  return true;
}

/** Backspace at the start of a clause: join it into the previous clause of the same section. */
function joinClauseBackward(state: EditorState, dispatch?: (tr: Transaction) => void): boolean {
  const { $from, empty } = state.selection;
  if (!empty) return false;
  const clauseDepth = ancestorDepth($from, NodeName.clause);
  if (clauseDepth === null || !isAtStartOf($from, clauseDepth)) return false;
  const clausePos = $from.before(clauseDepth);
  const indexInSection = $from.index(clauseDepth - 1);
  const previous = $from.node(clauseDepth - 1).maybeChild(indexInSection - 1);
  if (previous?.type.name === NodeName.clause) {
    if (!canJoin(state.doc, clausePos)) return false;
    dispatch?.(state.tr.join(clausePos).scrollIntoView());
    return true;
  }
  // The first clause of a section: never merge text into the heading. An empty one is removed.
  const clause = $from.node(clauseDepth);
  if (dispatch && isEmptyClause(clause)) {
    const tr = state.tr.delete(clausePos, clausePos + clause.nodeSize);
    tr.setSelection(Selection.near(tr.doc.resolve(clausePos), -1));
    dispatch(tr.scrollIntoView());
  }
  return true;
}

/** Backspace at the start of a section heading: only an empty section is removed; text never merges across. */
function protectSectionHeading(state: EditorState, dispatch?: (tr: Transaction) => void): boolean {
  const { $from, empty } = state.selection;
  if (!empty || $from.parent.type.name !== NodeName.sectionHeading || $from.parentOffset !== 0) return false;
  const sectionDepth = $from.depth - 1;
  const section = $from.node(sectionDepth);
  let sectionIsEmpty = $from.parent.content.size === 0;
  section.forEach((child) => {
    if (child.type.name === NodeName.clause && !isEmptyClause(child)) sectionIsEmpty = false;
  });
  const sectionPos = $from.before(sectionDepth);
  const isOnlyTopLevelNode = state.doc.childCount === 1;
  if (dispatch && sectionIsEmpty && !isOnlyTopLevelNode) {
    const tr = state.tr.delete(sectionPos, sectionPos + section.nodeSize);
    tr.setSelection(Selection.near(tr.doc.resolve(Math.min(sectionPos, tr.doc.content.size)), -1));
    dispatch(tr.scrollIntoView());
  }
  return true;
}

/**
 * Delete at the end of a section's last clause, of a section heading, or of the
 * preamble would pull a heading into body text (or vice versa): do nothing there.
 */
function protectStructureForward(state: EditorState): boolean {
  const { $from, empty } = state.selection;
  if (!empty || $from.parentOffset !== $from.parent.content.size) return false;
  if ($from.parent.type.name === NodeName.sectionHeading) return true;
  const clauseDepth = ancestorDepth($from, NodeName.clause);
  if (clauseDepth !== null) {
    if (!isAtEndOf($from, clauseDepth)) return false;
    return $from.indexAfter(clauseDepth - 1) === $from.node(clauseDepth - 1).childCount;
  }
  const next = state.doc.maybeChild($from.indexAfter(0));
  return next?.type.name === NodeName.section && isAtEndOf($from, 1);
}

export const ClauseCommands = Extension.create({
  name: 'clauseCommands',
  priority: 200,

  addCommands() {
    return {
      splitClause:
        () =>
        ({ state, tr, dispatch }) =>
          splitClause(state, tr, dispatch),
      appendSection:
        () =>
        ({ tr, dispatch }) =>
          appendSection(tr, dispatch),
      clauseFromBlock:
        () =>
        ({ state, tr, dispatch }) =>
          clauseFromBlock(state, tr, dispatch),
    };
  },

  addKeyboardShortcuts() {
    const run = (command: (state: EditorState, dispatch?: (tr: Transaction) => void) => boolean) =>
      command(this.editor.state, (tr) => this.editor.view.dispatch(tr));
    const inSectionHeading = () =>
      this.editor.state.selection.$from.parent.type.name === NodeName.sectionHeading;
    return {
      'Mod-Enter': () => this.editor.commands.splitClause(),
      'Shift-Mod-Enter': () => this.editor.commands.appendSection(),
      Enter: () =>
        inSectionHeading() ? this.editor.commands.splitClause() : run(leaveClauseOnEmptyParagraph),
      Backspace: () => run(protectSectionHeading) || run(joinClauseBackward),
      Delete: () => protectStructureForward(this.editor.state),
    };
  },
});
