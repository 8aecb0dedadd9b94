/**
 * The pen-holder's decisions on a tabled amendment: Accept (its change goes
 * into the live text, carried over to the clause's current wording by the
 * server), Accept as modified, Reject, Compromise. An accept that no longer
 * applies cleanly opens the three-column conflict dialog; an agreed clause
 * is explained (it must be reopened first).
 */
import type { Amendment, AmendmentConflict } from '@draftroom/shared';
import { useState } from 'react';
import { CompromiseDialog } from './CompromiseDialog';
import { AcceptModifiedDialog, ConflictDialog, DecisionRefusal, useDecision } from './DecisionDialogs';

interface DecisionControlsProps {
  amendment: Amendment;
  /** The clause's number now (or when tabled, if it is gone). */
  number: string;
  /** The clause's current text; undefined when the clause is gone. */
  currentText: string | undefined;
}

type OpenDialog = 'modify' | 'compromise' | { conflict: AmendmentConflict } | null;

export function DecisionControls({ amendment, number, currentText }: DecisionControlsProps) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const close = () => setDialog(null);
  const onConflict = (conflict: AmendmentConflict) => setDialog({ conflict });
  const decision = useDecision(amendment, number, close, onConflict);
  const label = `AM ${amendment.number}`;
  return (
    <div className="amendment-card__decisions">
      {/* biome-ignore lint/a11y/useSemanticElements: a row of buttons, not a form fieldset */}
      <div className="amendment-card__buttons" role="group" aria-label={`Decide on ${label}`}>
        <button
          type="button"
          className="button button--small button--primary"
          disabled={decision.pending}
          onClick={() => void decision.decide({ decision: 'accept' }, `${label} accepted.`)}
        >
          Accept
        </button>
        {amendment.kind !== 'delete' && currentText !== undefined ? (
          <button type="button" className="button button--small" onClick={() => setDialog('modify')}>
            Accept as modified…
          </button>
        ) : null}
        <button
          type="button"
          className="button button--small"
          disabled={decision.pending}
          onClick={() => void decision.decide({ decision: 'reject' }, `${label} rejected.`)}
        >
          Reject
        </button>
        {amendment.kind !== 'insert' && currentText !== undefined ? (
          <button type="button" className="button button--small" onClick={() => setDialog('compromise')}>
            Compromise…
          </button>
        ) : null}
      </div>
      <DecisionRefusal message={decision.refusal} />
      {dialog === 'modify' && currentText !== undefined ? (
        <AcceptModifiedDialog
          amendment={amendment}
          number={number}
          currentText={currentText}
          onClose={close}
          onConflict={onConflict}
        />
      ) : null}
      {dialog === 'compromise' && currentText !== undefined ? (
        <CompromiseDialog amendment={amendment} number={number} currentText={currentText} onClose={close} />
      ) : null}
      {dialog !== null && typeof dialog === 'object' ? (
        <ConflictDialog amendment={amendment} conflict={dialog.conflict} number={number} onClose={close} />
      ) : null}
    </div>
  );
}
