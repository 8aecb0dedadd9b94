/**
 * "Find" in the toolbar row: find words in the document (every match
 * highlighted, a count, next and previous), or type a clause number ("3.2")
 * to go to that clause. Ctrl+F (⌘F) opens it inside the workspace instead of
 * the browser's own find, which knows nothing of clause numbers.
 */
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { focusText } from '../editor/readOnlyCaret';
import { ariaShortcut, shortcutLabel } from '../keyboard';
import '../styles/search.css';
import { ChevronDownIcon, ChevronUpIcon, SearchIcon } from '../components/icons';
import { CloseIcon } from '../versions/icons';
import {
  activeMatchIndex,
  currentQuery,
  findMatches,
  findNumbered,
  goToNumbered,
  looksLikeNumber,
  selectMatch,
  setFindQuery,
} from './findInDocument';

const SHORTCUT = 'Mod-f';

/** The selected words, to start a search with (nothing for a long or multi-paragraph selection). */
function selectedWords(editor: Editor): string {
  const { from, to, empty } = editor.state.selection;
  if (empty) return '';
  const text = editor.state.doc.textBetween(from, to, '\n');
  return text.length <= 80 && !text.includes('\n') ? text : '';
}

/** What the bar says about the query: where a number leads, or how many matches. */
function FindStatus({ editor, text }: { editor: Editor; text: string }) {
  const { count, index, numbered } = useEditorState({
    editor,
    selector: ({ editor: current }) => {
      const matches = findMatches(current.state);
      const target = looksLikeNumber(text) ? findNumbered(current.state.doc, text) : null;
      return {
        count: matches.length,
        index: activeMatchIndex(current.state, matches),
        numbered: target ? { kind: target.kind, number: target.number, label: target.label } : null,
      };
    },
  });
  let message = '';
  if (numbered) {
    const name = numbered.kind === 'clause' ? `Clause ${numbered.number}` : `Section ${numbered.number}`;
    message = `${name}${numbered.label ? ` — ${numbered.label}` : ''}. Press Enter to go there.`;
  } else if (text.trim()) {
    if (count === 0) message = looksLikeNumber(text) ? `There is no clause ${text.trim()}.` : 'No matches';
    else if (index >= 0) message = `${index + 1} of ${count}`;
    else message = count === 1 ? '1 match' : `${count} matches`;
  }
  return (
    <output className="find-bar__status" aria-live="polite" data-testid="find-status">
      {message}
    </output>
  );
}

function useFindShortcut(onOpen: () => void) {
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey || event.shiftKey || event.key.toLowerCase() !== 'f') return;
      // A dialog over the workspace keeps the browser's find.
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      onOpen();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onOpen]);
}

/** A click on the bar's buttons leaves the typing in the field (Enter goes on from there). */
function keepInputFocus(event: MouseEvent<HTMLButtonElement>): void {
  event.preventDefault();
}

export function FindBar({ editor }: { editor: Editor }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [focusRequests, setFocusRequests] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const { view } = editor;

  const search = useCallback(
    (value: string) => {
      const numbered = looksLikeNumber(value) ? findNumbered(view.state.doc, value) : null;
      setFindQuery(view, numbered || !value.trim() ? '' : value);
      if (numbered) goToNumbered(view, numbered);
      else if (value.trim()) selectMatch(view, 1);
    },
    [view],
  );

  const openBar = useCallback(() => {
    const words = selectedWords(editor);
    setOpen(true);
    if (words) {
      setText(words);
      search(words);
    }
    setFocusRequests((count) => count + 1);
  }, [editor, search]);
  useFindShortcut(openBar);

  // Each opening (Ctrl+F again included) puts the typing in the field, its text selected.
  useEffect(() => {
    if (focusRequests === 0) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusRequests]);

  const close = () => {
    setOpen(false);
    setFindQuery(view, '');
    focusText(view);
  };

  // Closing the workspace (another document) leaves no highlight behind.
  useEffect(
    () => () => void (!view.isDestroyed && currentQuery(view.state) && setFindQuery(view, '')),
    [view],
  );

  // Escape closes from anywhere in the bar (the input or its buttons).
  const onBarKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const numbered = looksLikeNumber(text) ? findNumbered(view.state.doc, text) : null;
      if (numbered) {
        goToNumbered(view, numbered);
        close();
      } else selectMatch(view, event.shiftKey ? -1 : 1);
    }
  };

  return (
    <div className="find">
      <button
        type="button"
        className="toolbar__button toolbar__button--labelled"
        aria-expanded={open}
        aria-keyshortcuts={ariaShortcut(SHORTCUT)}
        title={`Find in the text, or go to a clause by its number (${shortcutLabel(SHORTCUT)})`}
        onClick={() => (open ? close() : openBar())}
      >
        <SearchIcon />
        <span className="toolbar__text">Find</span>
      </button>
      {open ? (
        <search
          className="find-bar"
          aria-label="Find in the document"
          data-testid="find-bar"
          onKeyDown={onBarKeyDown}
        >
          <label className="visually-hidden" htmlFor={inputId}>
            Find words, or a clause number such as 3.2
          </label>
          <input
            ref={inputRef}
            id={inputId}
            className="find-bar__input"
            type="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="Find, or go to clause 3.2"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              search(event.target.value);
            }}
            onKeyDown={onKeyDown}
          />
          <FindStatus editor={editor} text={text} />
          <button
            type="button"
            className="find-bar__button"
            onMouseDown={keepInputFocus}
            aria-label="Previous match"
            title="Previous match (Shift+Enter)"
            onClick={() => selectMatch(view, -1)}
          >
            <ChevronUpIcon />
          </button>
          <button
            type="button"
            className="find-bar__button"
            onMouseDown={keepInputFocus}
            aria-label="Next match"
            title="Next match (Enter)"
            onClick={() => selectMatch(view, 1)}
          >
            <ChevronDownIcon />
          </button>
          <button
            type="button"
            className="find-bar__button"
            onMouseDown={keepInputFocus}
            aria-label="Close find"
            title="Close (Esc)"
            onClick={close}
          >
            <CloseIcon />
          </button>
        </search>
      ) : null}
    </div>
  );
}
