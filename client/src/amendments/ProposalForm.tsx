/**
 * "Propose wording" in place of a clause (suggesting mode): what the
 * amendment does (change the wording, delete the clause, add a new clause
 * after it), the wording with its changes tracked as one types, a short
 * justification, and "Table". When the clause changed meanwhile and the
 * server cannot carry the change over (409 `clause_changed`), the current
 * text is shown with the proposer's wording, to start again from it.
 */
import {
  AMENDMENT_KIND_LABEL,
  AMENDMENT_KINDS,
  type AmendmentKind,
  type NewAmendment,
} from '@draftroom/shared';
import { type CSSProperties, useId, useState } from 'react';
import { useToasts } from '../components/Toasts';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { type Proposal, useAmendments } from './AmendmentsContext';
import { delegationColor, nextNewClauseLabel } from './amendmentModel';
import { JustificationField } from './JustificationField';
import { ClauseTextBlock } from './RedlineView';
import { TrackedTextEditor } from './TrackedTextEditor';
import { useAmendmentActions } from './useAmendmentActions';

interface ProposalFormProps {
  proposal: Proposal;
  number: string;
}

function kindLabel(kind: AmendmentKind, number: string): string {
  return kind === 'insert' ? `New clause after ${number}` : AMENDMENT_KIND_LABEL[kind];
}

function request(proposal: Proposal, text: string, justification: string): NewAmendment {
  const { clauseId, baseText } = proposal;
  if (proposal.kind === 'delete') return { kind: 'delete', clauseId, baseText, justification };
  if (proposal.kind === 'insert') return { kind: 'insert', clauseId, proposedText: text, justification };
  return { kind: 'modify', clauseId, baseText, proposedText: text, justification };
}

/** Why "Table" is not possible yet, or null. */
function notReady(proposal: Proposal, text: string): string | null {
  if (proposal.kind === 'modify' && text === proposal.baseText) return 'Change the wording first.';
  if (proposal.kind === 'insert' && text.trim() === '') return 'Write the new clause first.';
  return null;
}

function KindChoice({ proposal, number }: ProposalFormProps) {
  const { updateUi } = useAmendments();
  const name = useId();
  return (
    <fieldset className="amendment-proposal__kinds">
      <legend className="visually-hidden">What the amendment does</legend>
      {AMENDMENT_KINDS.map((kind) => (
        <label key={kind} className="amendment-proposal__kind">
          <input
            type="radio"
            name={name}
            value={kind}
            checked={proposal.kind === kind}
            onChange={() =>
              updateUi((current) =>
                current.proposal
                  ? { proposal: { ...current.proposal, kind, round: current.proposal.round + 1 } }
                  : {},
              )
            }
          />
          {kindLabel(kind, number)}
        </label>
      ))}
    </fieldset>
  );
}

function ClauseChanged({
  currentText,
  yourText,
  onRedo,
}: {
  currentText: string;
  yourText: string;
  onRedo: () => void;
}) {
  return (
    <div className="amendment-proposal__changed" role="alert" data-testid="proposal-clause-changed">
      <p>
        <strong>The clause changed while you wrote, and your change no longer fits it.</strong> Nothing was
        tabled. Its text now reads:
      </p>
      <ClauseTextBlock text={currentText} />
      {yourText ? (
        <>
          <p>Your wording was:</p>
          <ClauseTextBlock text={yourText} />
        </>
      ) : null}
      <button type="button" className="button button--small" onClick={onRedo}>
        Start again from the current text
      </button>
    </div>
  );
}

export function ProposalForm({ proposal, number }: ProposalFormProps) {
  const { user, snapshot } = useNegotiationContext();
  const { updateUi, colors } = useAmendments();
  const actions = useAmendmentActions();
  const { showToast } = useToasts();
  const [text, setText] = useState(proposal.baseText);
  const [justification, setJustification] = useState('');
  const [pending, setPending] = useState(false);
  const [changed, setChanged] = useState<{ currentText: string; yourText: string } | null>(null);
  const code = user.participant.code;
  const color = delegationColor(colors, code);
  const newLabel = nextNewClauseLabel(snapshot.state.amendments, proposal.clauseId, number);
  const blocked = notReady(proposal, text);

  const table = async () => {
    setPending(true);
    const outcome = await actions.table(request(proposal, text, justification.trim()));
    setPending(false);
    if (outcome.ok) {
      showToast({ message: `Tabled as AM ${outcome.amendment.number}.`, tone: 'success' });
      updateUi({ proposal: null, activeAmendmentId: outcome.amendment.id });
    } else if (outcome.refusal.kind === 'clause-changed') {
      setChanged({
        currentText: outcome.refusal.currentText,
        yourText: proposal.kind === 'delete' ? '' : text,
      });
    } else if (outcome.refusal.kind !== 'other') {
      showToast({ message: outcome.refusal.message, tone: 'error' });
    }
  };
  const redo = (currentText: string) => {
    setChanged(null);
    setText(currentText);
    updateUi((current) =>
      current.proposal
        ? { proposal: { ...current.proposal, baseText: currentText, round: current.proposal.round + 1 } }
        : {},
    );
  };
  const title = proposal.kind === 'insert' ? `New clause ${newLabel}` : `Amendment to clause ${number}`;
  return (
    <section
      className={`amendment-proposal amendment-proposal--${proposal.kind}`}
      aria-label={`Propose wording for clause ${number}`}
      data-testid="amendment-proposal"
      style={{ '--am-color': color } as CSSProperties}
    >
      <p className="amendment-proposal__title">
        <span className="amendment-proposal__code">{code}</span> {title}{' '}
        <span className="amendment-proposal__hint">
          — the shared text does not change until the pen-holder accepts
        </span>
      </p>
      <KindChoice proposal={proposal} number={number} />
      {proposal.kind === 'delete' ? (
        <ClauseTextBlock text={proposal.baseText} deleted />
      ) : (
        <TrackedTextEditor
          key={`${proposal.round}:${proposal.kind}`}
          baseText={proposal.kind === 'insert' ? '' : proposal.baseText}
          initialText={proposal.kind === 'insert' ? '' : proposal.baseText}
          color={color}
          label={
            proposal.kind === 'insert'
              ? `Wording of new clause ${newLabel}`
              : `Proposed wording for clause ${number}`
          }
          onChange={setText}
          autoFocus
          testId="proposal-editor"
        />
      )}
      {changed ? <ClauseChanged {...changed} onRedo={() => redo(changed.currentText)} /> : null}
      <JustificationField
        labelClassName="amendment-proposal__label"
        value={justification}
        onChange={setJustification}
      >
        Justification <span className="amendment-proposal__optional">(short, optional)</span>
      </JustificationField>
      <div className="amendment-proposal__actions">
        <button
          type="button"
          className="button button--primary button--small"
          disabled={pending || blocked !== null || changed !== null}
          title={blocked ?? undefined}
          onClick={() => void table()}
        >
          Table
        </button>
        <button type="button" className="button button--small" onClick={() => updateUi({ proposal: null })}>
          Cancel
        </button>
        {blocked ? <span className="amendment-proposal__hint">{blocked}</span> : null}
      </div>
    </section>
  );
}
