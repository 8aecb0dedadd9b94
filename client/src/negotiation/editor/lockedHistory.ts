/**
 * Undo and redo go through Yjs, not through ProseMirror transactions, so the
 * lock's transaction filter cannot see them. These commands (which take over
 * the Collaboration extension's `undo` and `redo`) refuse to undo or redo a
 * change to an agreed clause; anything else undoes as before.
 */

import { enclosingClauseId } from '@draftroom/shared/yClauses';
import { Extension } from '@tiptap/core';
import type { EditorState } from '@tiptap/pm/state';
import { redo, undo, yUndoPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { ClauseLockOptions } from './clauseLock';
import { clauseRanges } from './clauseRanges';

type StackItem = Y.UndoManager['undoStack'][number];

/** The clauses whose content a stack item inserted or deleted. */
function clausesOf(doc: Y.Doc, item: StackItem): Set<string> {
  const clauses = new Set<string>();
  for (const deleteSet of [item.insertions, item.deletions]) {
    for (const [client, ranges] of deleteSet.clients) {
      for (const range of ranges) {
        for (let clock = range.clock; clock < range.clock + range.len; ) {
          let struct: Y.Item | Y.GC;
          try {
            struct = Y.getItem(doc.store, Y.createID(client, clock)) as Y.Item | Y.GC;
          } catch {
            break;
          }
          if (struct instanceof Y.Item) {
            const own =
              struct.content instanceof Y.ContentType ? enclosingClauseId(struct.content.type) : null;
            const clauseId =
              own ?? enclosingClauseId(struct.parent instanceof Y.AbstractType ? struct.parent : null);
            if (clauseId) clauses.add(clauseId);
          }
          clock = struct.id.clock + struct.length;
        }
      }
    }
  }
  return clauses;
}

function lockedClauseIn(state: EditorState, item: StackItem | undefined, options: ClauseLockOptions) {
  const undoManager = yUndoPluginKey.getState(state)?.undoManager as Y.UndoManager | undefined;
  if (!item || !undoManager) return null;
  const touched = clausesOf(undoManager.doc, item);
  return (
    clauseRanges(state.doc).find((clause) => touched.has(clause.id) && options.isLocked(clause.id)) ?? null
  );
}

export function lockedHistoryExtension(options: ClauseLockOptions) {
  const step = (direction: 'undo' | 'redo') => (state: EditorState, dispatch: unknown) => {
    const undoManager = yUndoPluginKey.getState(state)?.undoManager as Y.UndoManager | undefined;
    const stack = direction === 'undo' ? undoManager?.undoStack : undoManager?.redoStack;
    if (!stack || stack.length === 0) return false;
    const locked = lockedClauseIn(state, stack.at(-1), options);
    if (locked) {
      // Handled (nothing is undone): the browser must not try an undo of its own.
      if (!dispatch) return false;
      queueMicrotask(() => options.onBlocked(locked));
      return true;
    }
    if (!dispatch) return true;
    return direction === 'undo' ? undo(state) : redo(state);
  };
  return Extension.create({
    name: 'negotiationHistory',
    // After Collaboration (priority 1000), so these commands replace its own.
    priority: 90,
    addCommands() {
      return {
        undo:
          () =>
          ({ tr, state, dispatch }) => {
            tr.setMeta('preventDispatch', true);
            return step('undo')(state, dispatch);
          },
        redo:
          () =>
          ({ tr, state, dispatch }) => {
            tr.setMeta('preventDispatch', true);
            return step('redo')(state, dispatch);
          },
      };
    },
  });
}
