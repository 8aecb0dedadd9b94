/** Writing a comment: a text area with @mention suggestions; Ctrl/⌘+Enter sends, Escape cancels. */
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useNegotiationContext } from '../NegotiationContext';
import { useMentionAutocomplete } from './mentionAutocomplete';

interface ComposerProps {
  /** The text area's accessible name. */
  label: string;
  submitLabel: string;
  initialBody?: string;
  placeholder?: string;
  /** Resolves true when the comment was stored (the composer then clears). */
  onSubmit: (body: string) => Promise<boolean>;
  onCancel?: () => void;
  /** Focus the text area when the composer appears. */
  autoFocus?: boolean;
}

export function CommentComposer(props: ComposerProps) {
  const { label, submitLabel, initialBody = '', placeholder, onSubmit, onCancel, autoFocus = false } = props;
  const { detail } = useNegotiationContext();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const [body, setBody] = useState(initialBody);
  const [busy, setBusy] = useState(false);
  const mentions = useMentionAutocomplete({ participants: detail.participants, body, setBody, textRef });

  useEffect(() => {
    if (autoFocus) textRef.current?.focus();
  }, [autoFocus]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    const stored = await onSubmit(body.trim());
    setBusy(false);
    if (stored) setBody('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(event)) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
    else if (event.key === 'Escape' && onCancel) onCancel();
  };

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        ref={textRef}
        className="text-input composer__input"
        aria-label={label}
        {...mentions.inputProps}
        rows={3}
        maxLength={10000}
        value={body}
        placeholder={placeholder ?? 'Write a comment… Use @ to mention a delegation'}
        onChange={(event) => {
          setBody(event.target.value);
          mentions.onTextChange(event.target.value, event.target.selectionStart);
        }}
        onKeyDown={onKeyDown}
      />
      {mentions.list}
      <div className="composer__actions">
        {onCancel ? (
          <button type="button" className="button button--small button--quiet" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="submit"
          className="button button--small button--primary"
          disabled={busy || !body.trim()}
        >
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
