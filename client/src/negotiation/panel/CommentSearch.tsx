/** The search field of the comments panel, with how many threads match and how many the filters hide. */
import { useId } from 'react';

interface CommentSearchProps {
  query: string;
  onChange: (query: string) => void;
  /** Threads shown that match. */
  shown: number;
  /** Threads that match but the other filters hide. */
  hidden: number;
  onShowHidden: () => void;
}

export function CommentSearch({ query, onChange, shown, hidden, onShowHidden }: CommentSearchProps) {
  const inputId = useId();
  const searching = query.trim() !== '';
  return (
    <div className="comment-search">
      <label className="visually-hidden" htmlFor={inputId}>
        Search in comments
      </label>
      <input
        id={inputId}
        className="comment-search__input"
        type="search"
        autoComplete="off"
        placeholder="Search in comments"
        value={query}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && query) {
            event.preventDefault();
            onChange('');
          }
        }}
      />
      <p className="comment-search__count" aria-live="polite" data-testid="comment-search-count">
        {searching ? (shown === 1 ? '1 thread matches' : `${shown} threads match`) : null}
        {searching && hidden > 0 ? (
          <>
            {' '}
            · {hidden} more in threads the filters hide{' '}
            <button type="button" className="link-button" onClick={onShowHidden}>
              Show them
            </button>
          </>
        ) : null}
      </p>
    </div>
  );
}
