/**
 * Suggesting participant codes while a comment is written: after "@", the
 * matching delegations are listed; arrow keys choose, Enter or Tab inserts
 * "@CODE ", Escape closes the list.
 */
import type { Participant } from '@draftroom/shared';
import { type KeyboardEvent, type RefObject, useId, useLayoutEffect, useRef, useState } from 'react';

const MENTION_BEFORE_CARET = /(^|[^\w@])@([A-Za-z0-9-]{0,11})$/;
const MAX_SUGGESTIONS = 6;

function mentionQuery(text: string, caret: number): string | null {
  const match = MENTION_BEFORE_CARET.exec(text.slice(0, caret));
  return match ? (match[2] ?? '') : null;
}

function suggestionsFor(participants: Participant[], query: string): Participant[] {
  const upper = query.toUpperCase();
  const lower = query.toLowerCase();
  const byCode = (participant: Participant) => Number(!participant.code.startsWith(upper));
  const matches = participants
    .filter(
      (participant) => participant.code.startsWith(upper) || participant.name.toLowerCase().includes(lower),
    )
    .sort((a, b) => byCode(a) - byCode(b) || a.code.localeCompare(b.code))
    .slice(0, MAX_SUGGESTIONS);
  // A code typed in full needs no suggestion.
  return matches.length === 1 && matches[0]?.code === upper ? [] : matches;
}

interface AutocompleteOptions {
  participants: Participant[];
  body: string;
  setBody: (body: string) => void;
  textRef: RefObject<HTMLTextAreaElement | null>;
}

export function useMentionAutocomplete({ participants, body, setBody, textRef }: AutocompleteOptions) {
  const listId = useId();
  const [query, setQuery] = useState<string | null>(null);
  const [highlighted, setHighlighted] = useState(0);
  // Where the caret goes once an inserted mention is on the page (before the next key is handled).
  const pendingCaret = useRef<number | null>(null);
  const suggestions = query === null ? [] : suggestionsFor(participants, query);

  useLayoutEffect(() => {
    if (pendingCaret.current === null) return;
    textRef.current?.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });

  const insert = (participant: Participant) => {
    const caret = textRef.current?.selectionStart ?? body.length;
    const before = body.slice(0, caret).replace(/@[A-Za-z0-9-]*$/, `@${participant.code} `);
    pendingCaret.current = before.length;
    setBody(before + body.slice(caret));
    setQuery(null);
    textRef.current?.focus();
  };

  /** Handles the key when the suggestions are open; true when it did. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (suggestions.length === 0) return false;
    const chosen = suggestions[highlighted];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setHighlighted((highlighted + step + suggestions.length) % suggestions.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && chosen) {
      insert(chosen);
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      setQuery(null);
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  };

  const onTextChange = (text: string, caret: number) => {
    setQuery(mentionQuery(text, caret));
    setHighlighted(0);
  };

  const open = suggestions.length > 0;
  const inputProps = {
    'aria-autocomplete': 'list' as const,
    'aria-controls': open ? listId : undefined,
    'aria-activedescendant': open ? `${listId}-${highlighted}` : undefined,
    onBlur: () => setQuery(null),
  };
  const list = open ? (
    <div className="mention-suggestions" id={listId} role="listbox" aria-label="Delegations">
      {suggestions.map((participant, index) => (
        <div
          key={participant.id}
          id={`${listId}-${index}`}
          role="option"
          tabIndex={-1}
          aria-selected={index === highlighted}
          className="mention-suggestions__option"
          onMouseDown={(event) => {
            event.preventDefault();
            insert(participant);
          }}
        >
          <span className="mention-suggestions__code">{participant.code}</span>
          <span className="mention-suggestions__name">{participant.name}</span>
        </div>
      ))}
    </div>
  ) : null;
  return { inputProps, list, onKeyDown, onTextChange };
}
