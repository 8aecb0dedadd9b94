/** The negotiation part of the toolbar row: comment, bracket, the "open matters only" filter, "Show amendments". */
import type { Editor } from '@tiptap/core';
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { ShowAmendmentsToggle } from '../amendments/ShowAmendmentsToggle';
import { useToasts } from '../components/Toasts';
import { ariaShortcut, isApplePlatform, shortcutLabel } from '../keyboard';
import { NewBracketButton } from './bracket/NewBracketButton';
import { CommentIcon, FilterIcon } from './icons';
import { useNegotiationContext } from './NegotiationContext';
import { canBracket, canComment } from './roles';
import { threadDraftFor } from './threadDraft';

/** Comment on the selection, from the text (Google Docs and Word use the same keys). */
const COMMENT_SHORTCUT = 'Mod-Alt-m';

/** Ctrl+Alt+M in the text runs `onComment` — in a read-only text too, on a selection made by keyboard. */
function useCommentShortcut(editor: Editor, onComment: () => void) {
  const latest = useRef(onComment);
  latest.current = onComment;
  useEffect(() => {
    const dom = editor.view.dom;
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      // On a Mac ⌥ changes the character (µ): the key's place says it is M.
      const isM = event.key.toLowerCase() === 'm' || (isApplePlatform && event.code === 'KeyM');
      if (!mod || !event.altKey || event.shiftKey || !isM) return;
      event.preventDefault();
      latest.current();
    };
    dom.addEventListener('keydown', onKeyDown);
    return () => dom.removeEventListener('keydown', onKeyDown);
  }, [editor]);
}

function CommentButton({ editor }: { editor: Editor }) {
  const { updateUi } = useNegotiationContext();
  const { showToast } = useToasts();
  const onClick = () => {
    const draft = threadDraftFor(editor);
    if (!draft) {
      showToast({
        message: 'Select text in a clause, or put the cursor in one, to comment on it.',
        tone: 'info',
      });
      return;
    }
    updateUi({ draft, activeThreadId: null });
  };
  useCommentShortcut(editor, onClick);
  return (
    <button
      type="button"
      className="toolbar__button toolbar__button--labelled"
      aria-label="Comment on the selected text or clause"
      aria-keyshortcuts={ariaShortcut(COMMENT_SHORTCUT)}
      title={`Comment on the selected text, or on the clause with the cursor (${shortcutLabel(COMMENT_SHORTCUT)})`}
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      <CommentIcon />
      <span className="toolbar__text">Comment</span>
    </button>
  );
}

function OpenMattersToggle() {
  const { ui, updateUi } = useNegotiationContext();
  return (
    <button
      type="button"
      className="toolbar__button toolbar__button--labelled"
      aria-pressed={ui.openMattersOnly}
      title="Hide agreed clauses with nothing left open"
      onClick={() => updateUi((current) => ({ openMattersOnly: !current.openMattersOnly }))}
    >
      <FilterIcon />
      <span className="toolbar__text">Open matters only</span>
    </button>
  );
}

/** Arrow keys, Home and End move between the toolbar's buttons. */
function moveFocus(event: KeyboardEvent<HTMLDivElement>): void {
  const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const last = buttons.length - 1;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? last
        : (index + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
  event.preventDefault();
  buttons[next]?.focus();
}

export function NegotiationToolbar({ editor }: { editor: Editor }) {
  const { detail } = useNegotiationContext();
  return (
    <div
      className="toolbar negotiation-toolbar"
      role="toolbar"
      aria-label="Negotiation"
      onKeyDown={moveFocus}
    >
      <div className="toolbar__group">
        {canComment(detail.role) ? <CommentButton editor={editor} /> : null}
        {canBracket(detail.role) ? <NewBracketButton editor={editor} /> : null}
      </div>
      <div className="toolbar__group">
        <OpenMattersToggle />
        <ShowAmendmentsToggle />
      </div>
    </div>
  );
}
