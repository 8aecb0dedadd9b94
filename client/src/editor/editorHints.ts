/**
 * Where the editor tells its host that a word at the caret would help:
 *
 * - In a read-only view (a commenter, an observer, a closed document) a key
 *   that would type is refused here, before the browser acts on it: no
 *   character, and no scrolling (Space on a focused element that does not take
 *   text scrolls the page, so the clause jumped away). The host says, at the
 *   caret, what this role can do instead. ProseMirror does not run its own key
 *   handling in a read-only view, so this listens to the raw `keydown`.
 * - Enter inside a clause makes a new paragraph of the same clause; the host
 *   may say how to make a new clause instead (Ctrl+Enter).
 *
 * The text is focusable in every mode (tabindex 0), so a reader's keys reach
 * it after a click into the text rather than the page.
 */
import { ID_ATTR, NodeName } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { ancestorDepth } from './clauseCommands';

export interface EditorHintHandlers {
  /**
   * Whether this person may not change the text here. A read-only view may still be `editable` for
   * ProseMirror (to show a caret) while its host refuses changes: the host decides.
   */
  isReadOnly: (view: EditorView) => boolean;
  /** A key that would change the text was pressed in a read-only view (and refused). */
  onRefusedKey: (view: EditorView) => void;
  /** Enter added a paragraph inside the clause with this id (the caret is at its start). */
  onParagraphInClause: (view: EditorView, clauseId: string) => void;
}

const KEYS_THAT_EDIT = new Set(['Enter', 'Backspace', 'Delete']);

/** A key press that types or deletes text (not a shortcut, navigation, Tab or Escape). */
export function keyWouldEdit(event: KeyboardEvent): boolean {
  if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return false;
  return event.key.length === 1 || KEYS_THAT_EDIT.has(event.key);
}

interface ClauseAtCursor {
  id: string;
  blocks: number;
}

function clauseAtCursor(view: EditorView): ClauseAtCursor | null {
  const { $from } = view.state.selection;
  const depth = ancestorDepth($from, NodeName.clause);
  if (depth === null) return null;
  const clause = $from.node(depth);
  return { id: String(clause.attrs[ID_ATTR] ?? ''), blocks: clause.childCount };
}

/** After the Enter was handled: did it add a block to the same clause, with the caret in it? */
function watchEnter(view: EditorView, handlers: EditorHintHandlers): void {
  const before = clauseAtCursor(view);
  if (!before?.id) return;
  queueMicrotask(() => {
    if (view.isDestroyed) return;
    const after = clauseAtCursor(view);
    if (after?.id === before.id && after.blocks === before.blocks + 1)
      handlers.onParagraphInClause(view, before.id);
  });
}

export const editorHintsKey = new PluginKey('editorHints');

export const EditorHints = Extension.create<{ handlers: EditorHintHandlers | null }>({
  name: 'editorHints',
  // Before the keymaps, so a read-only view's keys are refused first.
  priority: 1000,

  addOptions() {
    return { handlers: null };
  },

  addProseMirrorPlugins() {
    const { handlers } = this.options;
    return [
      new Plugin({
        key: editorHintsKey,
        props: {
          attributes: { tabindex: '0' },
          handleDOMEvents: {
            keydown: (view, event) => {
              // Keys pressed in controls inside the text (the clause strips' buttons) are theirs.
              if (event.target !== view.dom || event.defaultPrevented) return false;
              if (!handlers?.isReadOnly(view) || !keyWouldEdit(event)) return false;
              event.preventDefault();
              handlers?.onRefusedKey(view);
              return true;
            },
          },
          handleKeyDown: (view, event) => {
            const plainEnter = event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.metaKey;
            const typing = plainEnter && !event.altKey && !event.isComposing;
            if (handlers && typing && !handlers.isReadOnly(view)) watchEnter(view, handlers);
            return false;
          },
        },
      }),
    ];
  },
});
