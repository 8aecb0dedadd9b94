/**
 * ProseMirror learns about caret moves made by the browser itself (Home,
 * End, clicks) from the asynchronous `selectionchange` event. A structural
 * key pressed right after such a move (as scripted input does) would act on
 * the old caret position. Before those keys, read the caret from the DOM.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

const STRUCTURAL_KEYS = new Set(['Backspace', 'Delete', 'Enter']);

export function syncCaretFromDom(view: EditorView): void {
  const { selection } = view.state;
  if (!(selection instanceof TextSelection) || !selection.empty) return;
  const domSelection = view.dom.ownerDocument.getSelection();
  if (!domSelection?.isCollapsed || !domSelection.anchorNode || !view.dom.contains(domSelection.anchorNode))
    return;
  let pos: number;
  try {
    pos = view.posAtDOM(domSelection.anchorNode, domSelection.anchorOffset);
  } catch {
    return;
  }
  if (pos === selection.head || pos < 0 || pos > view.state.doc.content.size) return;
  if (!view.state.doc.resolve(pos).parent.inlineContent) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)));
}

export const DomSelectionSync = Extension.create({
  name: 'domSelectionSync',
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
        },
      }),
    ];
  },
});
