/**
 * "Compromise" (pen-holder): choose tabled amendments to one clause and
 * write the wording that replaces them; it is tabled by the presidency as a
 * new amendment, and the ones it covers become "covered by compromise AM k".
 */
import type { Amendment } from '@draftroom/shared';
import { useState } from 'react';
import { DialogActions, Modal } from '../components/Modal';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { useAmendments } from './AmendmentsContext';
import { amendmentRedline, delegationColor } from './amendmentModel';
import { DecisionRefusal, useDecision } from './DecisionDialogs';
import { JustificationField } from './JustificationField';
import { AmendmentRedline } from './RedlineView';
import { TrackedTextEditor } from './TrackedTextEditor';

interface CompromiseDialogProps {
  /** The amendment it started from (chosen at first). */
  amendment: Amendment;
  number: string;
  currentText: string;
  onClose: () => void;
}

export function CompromiseDialog({ amendment, number, currentText, onClose }: CompromiseDialogProps) {
  const { snapshot, user } = useNegotiationContext();
  const { colors } = useAmendments();
  const candidates = snapshot.state.amendments.filter(
    (other) => other.clauseId === amendment.clauseId && other.status === 'tabled' && other.kind !== 'insert',
  );
  const [chosen, setChosen] = useState<Set<string>>(() => new Set([amendment.id]));
  const [text, setText] = useState(amendment.kind === 'delete' ? currentText : amendment.proposedText);
  const [justification, setJustification] = useState('');
  const decision = useDecision(amendment, number, onClose);
  const covers = candidates.filter((candidate) => chosen.has(candidate.id)).map((candidate) => candidate.id);
  const toggle = (id: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const table = () =>
    decision.run(
      () => decision.actions.compromise(covers, text, justification.trim()),
      `Compromise tabled; it covers ${covers.length} amendment${covers.length === 1 ? '' : 's'}.`,
    );
  return (
    <Modal
      title={`Compromise amendment to clause ${number}`}
      onClose={onClose}
      className="amendment-dialog"
      testId="compromise-dialog"
    >
      <fieldset className="compromise__covers">
        <legend className="amendment-dialog__label">Amendments it replaces</legend>
        {candidates.map((candidate) => (
          <label key={candidate.id} className="compromise__candidate">
            <input
              type="checkbox"
              checked={chosen.has(candidate.id)}
              onChange={(event) => toggle(candidate.id, event.target.checked)}
            />
            <span className="compromise__name">
              AM {candidate.number} · {candidate.proponentCode}
            </span>
            <AmendmentRedline segments={amendmentRedline(candidate)} />
          </label>
        ))}
      </fieldset>
      <p className="amendment-dialog__label">Compromise wording (changes against the clause now)</p>
      <TrackedTextEditor
        baseText={currentText}
        initialText={text}
        color={delegationColor(colors, user.participant.code)}
        label={`Compromise wording of clause ${number}`}
        onChange={setText}
        testId="compromise-editor"
      />
      <JustificationField
        labelClassName="amendment-dialog__label"
        value={justification}
        onChange={setJustification}
      >
        Justification
      </JustificationField>
      <DecisionRefusal message={decision.refusal} />
      <DialogActions onCancel={onClose}>
        <button
          type="button"
          className="button button--primary"
          disabled={decision.pending || covers.length === 0}
          onClick={() => void table()}
        >
          Table compromise
        </button>
      </DialogActions>
    </Modal>
  );
}
