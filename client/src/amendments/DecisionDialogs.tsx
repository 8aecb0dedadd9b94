/**
 * The pen-holder's dialogs: "Accept as modified" (edit the proposed wording,
 * changes tracked against the clause's current text, then accept), and the
 * conflict of an accept that no longer applies cleanly (409
 * `amendment_conflict`): base, proposed and current side by side, and the
 * final wording to accept — or a rejection. Nothing is applied until the
 * server answers; a refusal is said in the dialog.
 */
import type { Amendment, AmendmentConflict, AmendmentDecision } from '@draftroom/shared';
import { useState } from 'react';
import { DialogActions, Modal } from '../components/Modal';
import { useToasts } from '../components/Toasts';
import { useAmendments } from './AmendmentsContext';
import { amendmentRedline, delegationColor } from './amendmentModel';
import { AmendmentRedline, ClauseTextBlock } from './RedlineView';
import { TrackedTextEditor } from './TrackedTextEditor';
import { type AmendmentOutcome, useAmendmentActions } from './useAmendmentActions';

/** A decision being sent: pending, and the refusal to show (a conflict is handed to `onConflict`). */
export function useDecision(
  amendment: Amendment,
  number: string,
  onDone: () => void,
  onConflict?: (conflict: AmendmentConflict) => void,
) {
  const actions = useAmendmentActions();
  const { showToast } = useToasts();
  const [pending, setPending] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const finish = (outcome: AmendmentOutcome, success: string) => {
    if (outcome.ok) {
      showToast({ message: success, tone: 'success' });
      onDone();
    } else if (outcome.refusal.kind === 'conflict' && onConflict) onConflict(outcome.refusal.conflict);
    else if (outcome.refusal.kind === 'locked') setRefusal(lockedExplanation(number));
    else if (outcome.refusal.kind !== 'other') setRefusal(outcome.refusal.message);
  };
  const run = async (request: () => Promise<AmendmentOutcome>, success: string) => {
    setPending(true);
    setRefusal(null);
    const outcome = await request();
    setPending(false);
    finish(outcome, success);
  };
  const decide = (decision: AmendmentDecision, success: string) =>
    run(() => actions.decide(amendment.id, decision), success);
  return { pending, refusal, setRefusal, run, decide, actions };
}

export function lockedExplanation(number: string): string {
  return `Clause ${number} is agreed and locked. The pen-holder must reopen it (set its status back to open) before an amendment to it can be accepted.`;
}

/** The refusal of a decision, said where the decision was made. */
export function DecisionRefusal({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="amendment-refusal" role="alert" data-testid="amendment-refusal">
      {message}
    </p>
  );
}

interface AcceptModifiedProps {
  amendment: Amendment;
  number: string;
  /** The clause's current text (for a new clause: of the clause it follows). */
  currentText: string;
  onClose: () => void;
  onConflict: (conflict: AmendmentConflict) => void;
}

export function AcceptModifiedDialog({
  amendment,
  number,
  currentText,
  onClose,
  onConflict,
}: AcceptModifiedProps) {
  const { colors } = useAmendments();
  const insert = amendment.kind === 'insert';
  const [text, setText] = useState(amendment.proposedText);
  const decision = useDecision(amendment, number, onClose, onConflict);
  const accept = () =>
    decision.decide(
      { decision: 'accept-as-modified', text, againstText: currentText },
      `AM ${amendment.number} accepted as modified.`,
    );
  return (
    <Modal
      title={`Accept AM ${amendment.number} as modified`}
      onClose={onClose}
      className="amendment-dialog"
      testId="accept-modified-dialog"
    >
      <p className="amendment-dialog__intro">
        {insert
          ? 'Edit the new clause before accepting it.'
          : 'Edit the wording before accepting it. Changes are shown against the clause as it reads now.'}
      </p>
      <p className="amendment-dialog__label">AM {amendment.number} as tabled</p>
      <AmendmentRedline segments={amendmentRedline(amendment)} />
      <TrackedTextEditor
        baseText={insert ? '' : currentText}
        initialText={amendment.proposedText}
        color={delegationColor(colors, amendment.proponentCode)}
        label={insert ? 'Wording of the new clause' : 'Wording to accept'}
        onChange={setText}
        autoFocus
        testId="accept-modified-editor"
      />
      <DecisionRefusal message={decision.refusal} />
      <DialogActions onCancel={onClose}>
        <button
          type="button"
          className="button button--primary"
          disabled={decision.pending || (insert && text.trim() === '')}
          onClick={() => void accept()}
        >
          Accept as modified
        </button>
      </DialogActions>
    </Modal>
  );
}

interface ConflictDialogProps {
  amendment: Amendment;
  conflict: AmendmentConflict;
  number: string;
  onClose: () => void;
}

/** Three columns: the text it was tabled on, the amendment, the clause now; then the final wording. */
export function ConflictDialog({ amendment, conflict, number, onClose }: ConflictDialogProps) {
  const { colors } = useAmendments();
  const [text, setText] = useState(conflict.currentText);
  const decision = useDecision(amendment, number, onClose);
  return (
    <Modal
      title={`AM ${amendment.number} no longer applies cleanly to clause ${number}`}
      onClose={onClose}
      className="amendment-dialog"
      testId="amendment-conflict"
    >
      <p className="amendment-dialog__intro">
        The clause changed in the same words since the amendment was tabled. Nothing was applied. Write the
        final wording, or reject the amendment.
      </p>
      <div className="amendment-conflict__columns">
        <section aria-label="Text it was tabled on">
          <h3 className="amendment-dialog__label">Tabled on</h3>
          <ClauseTextBlock text={conflict.baseText} />
        </section>
        <section aria-label="The amendment, against that text">
          <h3 className="amendment-dialog__label">AM {amendment.number} proposed</h3>
          <AmendmentRedline before={conflict.baseText} after={conflict.proposedText} />
        </section>
        <section aria-label="The clause now, against that text">
          <h3 className="amendment-dialog__label">Clause {number} now</h3>
          <AmendmentRedline before={conflict.baseText} after={conflict.currentText} />
        </section>
      </div>
      <p className="amendment-dialog__label">Final wording (changes against the clause now)</p>
      <TrackedTextEditor
        baseText={conflict.currentText}
        initialText={conflict.currentText}
        color={delegationColor(colors, amendment.proponentCode)}
        label={`Final wording of clause ${number}`}
        onChange={setText}
        autoFocus
        testId="conflict-editor"
      />
      <DecisionRefusal message={decision.refusal} />
      <DialogActions onCancel={onClose}>
        <button
          type="button"
          className="button"
          disabled={decision.pending}
          onClick={() => void decision.decide({ decision: 'reject' }, `AM ${amendment.number} rejected.`)}
        >
          Reject AM {amendment.number}
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={decision.pending}
          onClick={() =>
            void decision.decide(
              { decision: 'accept-as-modified', text, againstText: conflict.currentText },
              `AM ${amendment.number} accepted as modified.`,
            )
          }
        >
          Accept with this wording
        </button>
      </DialogActions>
    </Modal>
  );
}
