/**
 * A short note shown at the caret, where the person is looking: what their
 * role can do when a key was refused in a read-only text, or how to make a new
 * clause after Enter made a paragraph. Each kind is shown once per browser
 * session; it stays until dismissed (×, "Got it" or Escape) and does not take
 * the keyboard from the text.
 */
import type { Editor } from '@tiptap/core';
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { createPortal } from 'react-dom';

export interface CaretHintMessage {
  /** One note per key and browser session. */
  key: string;
  title: string;
  detail: string;
  action?: { label: string; run: () => void };
  /** The note goes when the caret leaves this clause. */
  clauseId?: string;
}

interface ShownHint extends CaretHintMessage {
  /** Document position of the caret it was shown at. */
  pos: number;
}

const STORAGE_PREFIX = 'draftroom:hint-shown:';
const WIDTH = 340;
const MARGIN = 8;

function wasShown(key: string): boolean {
  try {
    return window.sessionStorage.getItem(STORAGE_PREFIX + key) !== null;
  } catch {
    return false;
  }
}

function markShown(key: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_PREFIX + key, '1');
  } catch {
    // Without storage the note may come back after a reload: harmless.
  }
}

/** The note at the caret, if any, and `show` (once per key and session; a shown note follows the caret). */
export function useCaretHint() {
  const [hint, setHint] = useState<ShownHint | null>(null);
  const show = useCallback((message: CaretHintMessage, pos: number) => {
    setHint((current) => {
      if (current?.key === message.key) return { ...message, pos };
      if (wasShown(message.key)) return current;
      markShown(message.key);
      return { ...message, pos };
    });
  }, []);
  const dismiss = useCallback(() => setHint(null), []);
  return { hint, show, dismiss };
}

function placeAt(editor: Editor, pos: number): { top: number; left: number } {
  const safe = Math.max(0, Math.min(pos, editor.state.doc.content.size));
  const caret = editor.view.coordsAtPos(safe);
  const viewportWidth = document.documentElement.clientWidth;
  const left = Math.max(MARGIN, Math.min(caret.left - 24, viewportWidth - WIDTH - MARGIN));
  return { top: caret.bottom + window.scrollY + 6, left: left + window.scrollX };
}

/** Hides a note tied to a clause once the caret has left that clause. */
function useHideOutsideClause(editor: Editor, hint: ShownHint, onDismiss: () => void) {
  useEffect(() => {
    if (!hint.clauseId) return;
    const check = () => {
      const clause = editor.view.domAtPos(editor.state.selection.from).node;
      const element = clause instanceof Element ? clause : clause.parentElement;
      const id = element?.closest('[data-type="clause"]')?.getAttribute('data-clause-id');
      if (id !== hint.clauseId) onDismiss();
    };
    editor.on('selectionUpdate', check);
    return () => {
      editor.off('selectionUpdate', check);
    };
  }, [editor, hint.clauseId, onDismiss]);
}

interface CaretHintProps {
  editor: Editor;
  hint: ShownHint;
  onDismiss: () => void;
}

export function CaretHint({ editor, hint, onDismiss }: CaretHintProps) {
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);
  useLayoutEffect(() => {
    const update = () => setPlace(placeAt(editor, hint.pos));
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, [editor, hint.pos]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onDismiss();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onDismiss]);
  useHideOutsideClause(editor, hint, onDismiss);
  if (!place) return null;
  const keepFocus = (event: { preventDefault: () => void }) => event.preventDefault();
  return createPortal(
    <div
      className="caret-hint"
      role="status"
      data-testid="caret-hint"
      data-hint={hint.key}
      style={{ top: place.top, left: place.left, width: WIDTH }}
    >
      <p className="caret-hint__title">{hint.title}</p>
      <p className="caret-hint__detail">{hint.detail}</p>
      <div className="caret-hint__actions">
        {hint.action ? (
          <button
            type="button"
            className="button button--small"
            onMouseDown={keepFocus}
            onClick={() => {
              hint.action?.run();
              onDismiss();
            }}
          >
            {hint.action.label}
          </button>
        ) : null}
        <button
          type="button"
          className="button button--small button--quiet"
          onMouseDown={keepFocus}
          onClick={onDismiss}
        >
          Got it
        </button>
      </div>
    </div>,
    document.body,
  );
}
