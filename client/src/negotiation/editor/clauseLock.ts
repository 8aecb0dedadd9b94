/**
 * Agreed clauses are locked: this plugin refuses, before they apply, local
 * transactions (anything but the Yjs binding's own) whose steps reach into an
 * agreed clause — typing, deleting, pasting, formatting, joining, bracketing —
 * for every role, the pen-holder included (who reopens the clause first). The
 * server refuses such updates too (close code 4423); this keeps them from
 * being made at all. Keys and input events in a locked clause are stopped
 * before the browser changes the page, and `onBlocked` explains why.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import type { Step } from '@tiptap/pm/transform';
import type { EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { type ClauseRange, clauseRanges, touchesRange } from './clauseRanges';

export const clauseLockKey = new PluginKey('clauseLock');

export interface ClauseLockOptions {
  /** True when the clause is agreed (read at every check, so it follows status changes at once). */
  isLocked: (clauseId: string) => boolean;
  /** A change to a locked clause was stopped (called outside the transaction). */
  onBlocked: (clause: ClauseRange) => void;
}

/** The document range a step works on, or null for steps that change no content (document attributes). */
function stepRange(step: Step): { from: number; to: number } | null {
  const fields = step as unknown as { from?: unknown; to?: unknown; pos?: unknown };
  if (typeof fields.from === 'number' && typeof fields.to === 'number') {
    return { from: fields.from, to: fields.to };
  }
  // Attribute and node-mark steps change the node that starts at `pos`.
  if (typeof fields.pos === 'number') return { from: fields.pos, to: fields.pos + 1 };
  return null;
}

function lockedClauseTouched(
  doc: ProseMirrorNode,
  from: number,
  to: number,
  isLocked: (clauseId: string) => boolean,
): ClauseRange | null {
  for (const clause of clauseRanges(doc)) {
    if (clause.from > to) break;
    if (isLocked(clause.id) && touchesRange(from, to, clause.from, clause.to)) return clause;
  }
  return null;
}

/** The first locked clause a transaction's steps reach into, or null. */
export function lockedClauseChangedBy(
  tr: Transaction,
  isLocked: (clauseId: string) => boolean,
): ClauseRange | null {
  for (let index = 0; index < tr.steps.length; index++) {
    const step = tr.steps[index];
    const doc = tr.docs[index];
    const range = step ? stepRange(step) : null;
    if (!range || !doc) continue;
    const clause = lockedClauseTouched(doc, range.from, range.to, isLocked);
    if (clause) return clause;
  }
  return null;
}

/** The locked clause that [from, to] is in (or reaches into), or null. */
function lockedClauseAt(
  doc: ProseMirrorNode,
  from: number,
  to: number,
  isLocked: (clauseId: string) => boolean,
): ClauseRange | null {
  for (const clause of clauseRanges(doc)) {
    if (isLocked(clause.id) && from < clause.to && to > clause.from) return clause;
  }
  return null;
}

/**
 * Where an input event will change the text. The browser knows before the
 * editor does (a click moves the caret at once; the editor learns it a moment
 * later), so its target ranges or its selection come first.
 */
function inputRange(view: EditorView, event: InputEvent): { from: number; to: number } {
  const domRanges: { startContainer: Node; startOffset: number; endContainer: Node; endOffset: number }[] = [
    ...event.getTargetRanges(),
  ];
  const selection = view.dom.ownerDocument.getSelection();
  if (domRanges.length === 0 && selection && selection.rangeCount > 0)
    domRanges.push(selection.getRangeAt(0));
  try {
    const positions = domRanges.flatMap((range) => [
      view.posAtDOM(range.startContainer, range.startOffset),
      view.posAtDOM(range.endContainer, range.endOffset),
    ]);
    if (positions.length > 0) return { from: Math.min(...positions), to: Math.max(...positions) };
  } catch {
    // Outside the editor's content: fall back to the editor's own selection.
  }
  return { from: view.state.selection.from, to: view.state.selection.to };
}

export function clauseLockPlugin({ isLocked, onBlocked }: ClauseLockOptions): Plugin {
  const report = (clause: ClauseRange) => queueMicrotask(() => onBlocked(clause));
  return new Plugin({
    key: clauseLockKey,
    filterTransaction(tr) {
      if (!tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined) return true;
      const clause = lockedClauseChangedBy(tr, isLocked);
      if (clause) report(clause);
      return clause === null;
    },
    props: {
      handleDOMEvents: {
        beforeinput(view, event) {
          if (!view.editable) return false;
          const { from, to } = inputRange(view, event);
          const clause = lockedClauseAt(view.state.doc, from, to, isLocked);
          if (!clause) return false;
          event.preventDefault();
          report(clause);
          return true;
        },
      },
    },
  });
}
