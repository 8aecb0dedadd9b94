/**
 * ProseMirror learns about caret moves made by the browser itself (Home,
 * End, clicks) from the asynchronous `selectionchange` event, which Chromium
 * delivers after pending input: 20–60 ms after a click on a busy page, so a
 * key or a paste that follows quickly (as scripted input does) would act on
 * the old selection. A paste would replace what was selected before the
 * click (a whole clause, some words) instead of going in at the caret. Before
 * structural keys (Backspace, Delete, Enter) and before a paste, read the
 * caret from the DOM.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

const STRUCTURAL_KEYS = new Set(['Backspace', 'Delete', 'Enter']);

/**
 * When the browser's selection is a caret in the editor's text and the
 * editor's selection is anything else (another caret, a range, a selected
 * clause), makes the editor's selection that caret. ProseMirror draws its
 * own ranges and node selections as DOM ranges, so a collapsed DOM selection
 * under one is a click the editor has not read yet. Leaves a DOM range alone.
 */
export function syncCaretFromDom(view: EditorView): void {
  const { selection } = view.state;
  const domSelection = view.dom.ownerDocument.getSelection();
  if (!domSelection?.isCollapsed || !domSelection.anchorNode || !view.dom.contains(domSelection.anchorNode))
    return;
  let pos: number;
  try {
    pos = view.posAtDOM(domSelection.anchorNode, domSelection.anchorOffset);
  } catch {
    return;
  }
  if (selection instanceof TextSelection && selection.empty && pos === selection.head) return;
  if (pos < 0 || pos > view.state.doc.content.size) return;
  if (!view.state.doc.resolve(pos).parent.inlineContent) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)));
}

export const DomSelectionSync = Extension.create({
  name: 'domSelectionSync',
  // Before the paste size guard and every other paste handler: they see the caret the user sees.
  priority: 10_000,

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('domSelectionSync'),
        props: {
          handleKeyDown(view, event) {
            if (STRUCTURAL_KEYS.has(event.key) && !event.isComposing) syncCaretFromDom(view);
            return false;
          },
          handleDOMEvents: {
            paste(view) {
              if (view.editable && !view.composing) syncCaretFromDom(view);
              return false;
            },
          },
        },
      }),
    ];
  },
});
