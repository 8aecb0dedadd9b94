/**
 * A bracket's alternatives and proponents; anyone who may comment proposes
 * another wording; the pen-holder keeps one alternative (the text takes it and
 * the brackets go) or drops the passage. The server changes the text and
 * records who chose what in one commit; the text arrives through Yjs.
 */
import type { Bracket } from '@draftroom/shared';
import type { Editor } from '@tiptap/core';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../../format';
import { useNegotiationContext } from '../NegotiationContext';
import { canComment, isPenHolder } from '../roles';
import { useNegotiationActions } from '../useNegotiationActions';

const LETTERS = 'ABCDEFGH';

function Resolution({ bracket }: { bracket: Bracket }) {
  const { resolution } = bracket;
  if (!resolution) return null;
  const what =
    resolution.kind === 'kept'
      ? `Kept alternative ${LETTERS[resolution.index] ?? resolution.index + 1}`
      : 'Passage dropped';
  return (
    <p className="popover__meta">
      {what} by {resolution.by.name} ({resolution.by.participantCode}),{' '}
      <time dateTime={resolution.at}>{formatDateTime(resolution.at)}</time>
    </p>
  );
}

function ProposeAlternative({ bracket }: { bracket: Bracket }) {
  const actions = useNegotiationActions();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const saved = await actions.proposeAlternative(bracket.id, text.trim());
    setBusy(false);
    if (saved) setText('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label className="field-label" htmlFor={`alternative-${bracket.id}`}>
        Propose another wording
      </label>
      <div className="inline-form__row">
        <input
          id={`alternative-${bracket.id}`}
          className="text-input"
          value={text}
          maxLength={5000}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button button--small" disabled={busy || text.trim() === ''}>
          Propose
        </button>
      </div>
    </form>
  );
}

interface BracketDetailsProps {
  editor: Editor;
  bracketId: string;
  onDone: () => void;
}

export function BracketDetails({ editor, bracketId, onDone }: BracketDetailsProps) {
  const { snapshot, detail } = useNegotiationContext();
  const actions = useNegotiationActions();
  const [busy, setBusy] = useState(false);
  const bracket = snapshot.index.bracketsById.get(bracketId);
  if (!bracket) {
    return <p className="popover__meta">This bracket is not recorded yet. Try again in a moment.</p>;
  }
  const mayResolve = isPenHolder(detail.role) && !bracket.resolution && editor.isEditable;

  const resolve = async (keep: number | null) => {
    setBusy(true);
    const saved = await actions.resolveBracket(bracket.id, keep === null ? { drop: true } : { keep });
    setBusy(false);
    if (saved) onDone();
  };

  return (
    <div className="bracket-details" data-testid="bracket-details">
      <p className="popover__title">Bracket</p>
      <p className="popover__meta">
        Opened by {bracket.createdBy.name} ({bracket.proponentCode}),{' '}
        <time dateTime={bracket.createdAt}>{formatDateTime(bracket.createdAt)}</time>
      </p>
      <ol className="alternatives">
        {bracket.alternatives.map((option) => (
          <li key={option.index} className="alternatives__item">
            <span className="alternatives__letter">{LETTERS[option.index] ?? option.index + 1}</span>
            <span className="alternatives__text">{option.text || <em>(no text)</em>}</span>
            <span className="alternatives__code">{option.proponentCode}</span>
            {mayResolve ? (
              <button
                type="button"
                className="button button--small"
                disabled={busy}
                aria-label={`Keep alternative ${LETTERS[option.index] ?? option.index + 1}: ${option.text}`}
                onClick={() => void resolve(option.index)}
              >
                Keep
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <Resolution bracket={bracket} />
      {mayResolve ? (
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={busy}
          onClick={() => void resolve(null)}
        >
          Drop the bracketed passage
        </button>
      ) : null}
      {!bracket.resolution && canComment(detail.role) ? <ProposeAlternative bracket={bracket} /> : null}
    </div>
  );
}
