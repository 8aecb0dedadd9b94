/**
 * A caret in the read-only text, so a reader who cannot edit (a commenter, an
 * observer) can select words by keyboard and comment on them.
 *
 * ProseMirror's read-only view (`editable: false`) is not contenteditable: the
 * browser draws no caret there and arrow keys move nothing. This extension
 * changes only how such a view takes focus and selection, never the document:
 * - the text takes focus (tabindex 0); focused from the keyboard, the caret is
 *   put at the top of what is in view (the reading position);
 * - arrow keys, Home and End (with Shift to select, with Ctrl — ⌥ on a Mac —
 *   by word) move the browser's own selection with `Selection.modify`, so steps
 *   by character, word and line are the browser's; ProseMirror reads that
 *   selection as it reads one made with the mouse;
 * - Ctrl+A selects the text (not the page), Ctrl+Home and Ctrl+End go to its
 *   start and end;
 * - a caret is drawn where the selection is collapsed, while the text has focus.
 * An editable view is left entirely to the browser and ProseMirror.
 */
import { Extension } from '@tiptap/core';
import { type EditorState, Plugin, PluginKey, Selection, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { isApplePlatform } from '../keyboard';

export const readOnlyCaretKey = new PluginKey('readOnlyCaret');

/** The top of the window hidden under the sticky header and toolbar row, with a little air. */
const COVERED_TOP_PX = 130;

type Alter = 'move' | 'extend';

interface Step {
  direction: 'left' | 'right' | 'backward' | 'forward';
  granularity: 'character' | 'word' | 'line' | 'lineboundary';
}

/** The selection step a navigation key asks for, or null for other keys. */
export function navigationStep(event: KeyboardEvent): Step | 'start' | 'end' | null {
  const byWord = isApplePlatform ? event.altKey : event.ctrlKey;
  const toBoundary = isApplePlatform && event.metaKey;
  switch (event.key) {
    case 'ArrowLeft':
    case 'ArrowRight': {
      const direction = event.key === 'ArrowLeft' ? 'left' : 'right';
      if (toBoundary) return { direction, granularity: 'lineboundary' };
      return { direction, granularity: byWord ? 'word' : 'character' };
    }
    case 'ArrowUp':
    case 'ArrowDown':
      if (toBoundary) return event.key === 'ArrowUp' ? 'start' : 'end';
      return { direction: event.key === 'ArrowUp' ? 'backward' : 'forward', granularity: 'line' };
    case 'Home':
    case 'End':
      if (event.ctrlKey || event.metaKey) return event.key === 'Home' ? 'start' : 'end';
      return { direction: event.key === 'Home' ? 'backward' : 'forward', granularity: 'lineboundary' };
    default:
      return null;
  }
}

function domSelectionIn(view: EditorView): globalThis.Selection | null {
  const selection = view.dom.ownerDocument.getSelection();
  if (!selection?.anchorNode || !selection.focusNode) return null;
  return view.dom.contains(selection.anchorNode) && view.dom.contains(selection.focusNode) ? selection : null;
}

/** Writes the editor's selection to the page (ProseMirror does so only once the page's is in the text). */
function showStateSelection(view: EditorView, state: EditorState = view.state): void {
  const selection = view.dom.ownerDocument.getSelection();
  if (!selection) return;
  try {
    const anchor = view.domAtPos(state.selection.anchor);
    const head = view.domAtPos(state.selection.head);
    selection.setBaseAndExtent(anchor.node, anchor.offset, head.node, head.offset);
  } catch {
    // A position the view cannot show (a node being redrawn): leave the page's selection.
  }
}

/** The first text position at the top of the visible part of the text. */
function readingPosition(view: EditorView): number | null {
  const box = view.dom.getBoundingClientRect();
  const top = Math.max(box.top, COVERED_TOP_PX) + 1;
  for (let y = top; y < Math.min(box.bottom, window.innerHeight); y += 12) {
    const found = view.posAtCoords({ left: box.left + box.width / 2, top: y });
    if (found && view.state.doc.resolve(found.pos).parent.inlineContent) {
      return Selection.near(view.state.doc.resolve(found.pos)).from;
    }
  }
  return null;
}

/** Puts a collapsed selection at `pos` in the editor and on the page. */
function placeCaret(view: EditorView, pos: number): void {
  const tr = view.state.tr.setSelection(TextSelection.create(view.state.doc, pos));
  view.dispatch(tr);
  showStateSelection(view);
}

/** Keeps the selection's moving end in the window, below the sticky header and toolbar. */
function keepFocusInView(view: EditorView): void {
  const selection = domSelectionIn(view);
  if (!selection?.focusNode) return;
  const range = view.dom.ownerDocument.createRange();
  range.setStart(selection.focusNode, selection.focusOffset);
  const rect = range.getClientRects()[0] ?? range.getBoundingClientRect();
  if (rect.top < COVERED_TOP_PX) window.scrollBy({ top: rect.top - COVERED_TOP_PX });
  else if (rect.bottom > window.innerHeight - 40)
    window.scrollBy({ top: rect.bottom - window.innerHeight + 40 });
}

/** Moves (or with Shift extends) the selection for a navigation key. Returns true when it handled the key. */
function moveSelection(view: EditorView, event: KeyboardEvent): boolean {
  if (event.key === 'a' && (isApplePlatform ? event.metaKey : event.ctrlKey) && !event.altKey) {
    view.dom.ownerDocument.getSelection()?.selectAllChildren(view.dom);
    return true;
  }
  const step = navigationStep(event);
  if (!step) return false;
  if (!domSelectionIn(view)) showStateSelection(view);
  const selection = domSelectionIn(view);
  if (!selection) return false;
  const alter: Alter = event.shiftKey ? 'extend' : 'move';
  if (step === 'start' || step === 'end') {
    const edge = step === 'start' ? Selection.atStart(view.state.doc) : Selection.atEnd(view.state.doc);
    const anchor =
      alter === 'extend' && selection.anchorNode
        ? view.posAtDOM(selection.anchorNode, selection.anchorOffset)
        : edge.head;
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, edge.head)));
    showStateSelection(view);
  } else {
    const before = [selection.anchorNode, selection.anchorOffset, selection.focusNode, selection.focusOffset];
    selection.modify(alter, step.direction, step.granularity);
    // A step past the first or last line would leave the text: stay at its edge.
    if (!domSelectionIn(view)) {
      const [anchorNode, anchorOffset, focusNode, focusOffset] = before as [Node, number, Node, number];
      selection.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
    }
  }
  keepFocusInView(view);
  return true;
}

/** The drawn caret: a thin line where the selection is collapsed, while the read-only text has focus. */
class CaretView {
  private readonly caret: HTMLElement;

  constructor(private readonly view: EditorView) {
    this.caret = view.dom.ownerDocument.createElement('div');
    this.caret.className = 'readonly-caret';
    this.caret.setAttribute('aria-hidden', 'true');
    this.caret.hidden = true;
    view.dom.parentElement?.appendChild(this.caret);
    window.addEventListener('resize', this.draw);
  }

  readonly draw = (): void => {
    const { view, caret } = this;
    const { selection } = view.state;
    const show = !view.editable && view.hasFocus() && selection.empty;
    caret.hidden = !show;
    if (!show || !caret.offsetParent) return;
    // Positioned in its offset parent's padding box: its border-box corner plus the border.
    const parent = caret.offsetParent;
    const origin = parent.getBoundingClientRect();
    const coords = view.coordsAtPos(selection.head);
    caret.style.left = `${coords.left - origin.left - parent.clientLeft}px`;
    caret.style.top = `${coords.top - origin.top - parent.clientTop}px`;
    caret.style.height = `${Math.max(coords.bottom - coords.top, 12)}px`;
  };

  update(): void {
    this.draw();
  }

  destroy(): void {
    window.removeEventListener('resize', this.draw);
    this.caret.remove();
  }
}

/**
 * Focuses the text keeping the editor's selection (after find, after a jump),
 * in a read-only view as in an editable one.
 */
export function focusText(view: EditorView): void {
  if (view.isDestroyed) return;
  if (view.editable) {
    view.focus();
    return;
  }
  // The page's selection first: focus then finds it in the text and keeps it (no reading position).
  const state = view.state;
  showStateSelection(view, state);
  view.dom.focus({ preventScroll: true });
  showStateSelection(view, state);
}

/** The event a skip link sends to the text: take focus, with the caret at the reading position. */
export const FOCUS_TEXT_EVENT = 'draftroom:focus-text';

/**
 * Focuses the text with the caret at the top of what is in view, unless the
 * selection is in view already (so nothing scrolls), editable or not.
 */
function focusAtReadingPosition(view: EditorView): void {
  const head = view.coordsAtPos(view.state.selection.head);
  const inView = head.top >= COVERED_TOP_PX && head.bottom <= window.innerHeight;
  const pos = inView ? null : readingPosition(view);
  if (view.editable) {
    if (pos !== null) view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)));
    view.focus();
  } else {
    view.dom.focus({ preventScroll: true });
    if (pos !== null) placeCaret(view, pos);
    else showStateSelection(view);
  }
}

export const ReadOnlyCaret = Extension.create({
  name: 'readOnlyCaret',
  addProseMirrorPlugins() {
    let caretView: CaretView | null = null;
    return [
      new Plugin({
        key: readOnlyCaretKey,
        view: (view) => {
          caretView = new CaretView(view);
          return caretView;
        },
        props: {
          attributes: { tabindex: '0' },
          handleDOMEvents: {
            keydown: (view, event) => {
              // Keys pressed in the clause strips' controls (widgets inside the text) are theirs.
              if (view.editable || event.target !== view.dom || event.defaultPrevented) return false;
              if (!moveSelection(view, event)) return false;
              event.preventDefault();
              return true;
            },
            focus: (view) => {
              if (view.editable) return false;
              if (!domSelectionIn(view)) {
                const pos = readingPosition(view);
                if (pos !== null) placeCaret(view, pos);
              }
              caretView?.draw();
              return false;
            },
            [FOCUS_TEXT_EVENT]: (view) => {
              focusAtReadingPosition(view);
              return true;
            },
            blur: () => {
              queueMicrotask(() => caretView?.draw());
              return false;
            },
          },
        },
      }),
    ];
  },
});
