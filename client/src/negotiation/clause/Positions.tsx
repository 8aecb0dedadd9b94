/**
 * Delegation positions on a clause: a chip per delegation, coloured by its
 * position (the note and who set it on hover, or on click), and the control
 * with which a user records their own delegation's position.
 */
import { type DelegationPosition, POSITIONS, type PositionEntry } from '@draftroom/shared';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../../format';
import { describePosition, POSITION_LABEL, POSITION_MARK, positionClassName } from '../labels';
import { useNegotiationContext } from '../NegotiationContext';
import { Popover, usePopover } from '../Popover';
import { useNegotiationActions } from '../useNegotiationActions';

function PositionChip({ entry }: { entry: PositionEntry }) {
  const popover = usePopover();
  const description = describePosition(entry);
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className={positionClassName(entry.position)}
        title={description}
        aria-expanded={popover.open}
        data-participant={entry.participantCode}
        onClick={popover.toggle}
      >
        <span className="position-chip__code">{entry.participantCode}</span>
        <span className="position-chip__mark" aria-hidden="true">
          {POSITION_MARK[entry.position]}
        </span>
        {/* Read after the code instead of the mark: the position, its note, who set it and when. */}
        <span className="visually-hidden">{description.slice(entry.participantCode.length)}</span>
      </button>
      {popover.open ? (
        <Popover
          anchorRef={popover.anchorRef}
          onClose={popover.close}
          label={`Position of ${entry.participantCode}`}
        >
          <p className="popover__title">
            {entry.participantCode}: {POSITION_LABEL[entry.position]}
          </p>
          {entry.note ? <blockquote className="position-note">{entry.note}</blockquote> : null}
          <p className="popover__meta">
            Set by {entry.setBy.name}, <time dateTime={entry.setAt}>{formatDateTime(entry.setAt)}</time>
          </p>
        </Popover>
      ) : null}
    </>
  );
}

export function PositionChips({ positions }: { positions: PositionEntry[] }) {
  if (positions.length === 0) return null;
  return (
    <span className="position-chips" data-testid="clause-positions">
      {positions.map((entry) => (
        <PositionChip key={entry.participantCode} entry={entry} />
      ))}
    </span>
  );
}

interface PositionFormProps {
  clauseId: string;
  number: string;
  current: PositionEntry | undefined;
  onDone: () => void;
}

function PositionForm({ clauseId, number, current, onDone }: PositionFormProps) {
  const { user } = useNegotiationContext();
  const actions = useNegotiationActions();
  const [position, setPosition] = useState<DelegationPosition>(current?.position ?? 'supports');
  const [note, setNote] = useState(current?.note ?? '');
  const [busy, setBusy] = useState(false);
  const code = user.participant.code;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const saved = await actions.setPosition(clauseId, position, note.trim());
    setBusy(false);
    if (saved) onDone();
  };
  return (
    <form className="position-form" onSubmit={submit}>
      <fieldset className="position-form__choices">
        <legend className="popover__title">
          Position of {code} on clause {number}
        </legend>
        {POSITIONS.map((option) => (
          <label key={option} className="position-form__choice">
            <input
              type="radio"
              name={`position-${clauseId}`}
              value={option}
              checked={position === option}
              onChange={() => setPosition(option)}
            />
            <span className={positionClassName(option)} aria-hidden="true">
              {POSITION_MARK[option]}
            </span>
            {POSITION_LABEL[option]}
          </label>
        ))}
      </fieldset>
      <label className="field-label" htmlFor={`position-note-${clauseId}`}>
        Note <span className="field-label__optional">(optional)</span>
      </label>
      <textarea
        id={`position-note-${clauseId}`}
        className="text-input"
        rows={2}
        maxLength={1000}
        value={note}
        placeholder="e.g. pending consultation with the Ministry of Interior"
        onChange={(event) => setNote(event.target.value)}
      />
      <div className="popover__actions">
        <button type="button" className="button button--small button--quiet" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--small button--primary" disabled={busy}>
          Save position
        </button>
      </div>
    </form>
  );
}

export function PositionControl({ clauseId, number }: { clauseId: string; number: string }) {
  const { user, snapshot } = useNegotiationContext();
  const popover = usePopover();
  const code = user.participant.code;
  const current = snapshot.index.positionsByClause
    .get(clauseId)
    ?.find((entry) => entry.participantCode === code);
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className="strip-button strip-button--text"
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        aria-label={`${current ? 'Change position' : 'Position'} of ${code} on clause ${number}`}
        onClick={popover.toggle}
      >
        {current ? 'Change position' : 'Position'}
      </button>
      {popover.open ? (
        <Popover
          anchorRef={popover.anchorRef}
          onClose={popover.close}
          label={`Position of ${code} on clause ${number}`}
        >
          <PositionForm clauseId={clauseId} number={number} current={current} onDone={popover.close} />
        </Popover>
      ) : null}
    </>
  );
}
