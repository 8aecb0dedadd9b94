/**
 * A clause's amendments in its strip: "Propose" (suggesting mode, for
 * commenters and above) and, in the margin under the comment count, how many
 * amendments the clause has — open ones first — which shows them in the
 * amendments panel.
 */
import type { Editor } from '@tiptap/core';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { canComment } from '../negotiation/roles';
import { AmendmentIcon } from './AmendmentIcon';
import { useAmendments } from './AmendmentsContext';
import { countAmendments } from './amendmentModel';
import { currentClauseText } from './useClauseTexts';

interface ClauseAmendmentsProps {
  editor: Editor;
  clauseId: string;
  number: string;
}

function ProposeButton({ editor, clauseId, number }: ClauseAmendmentsProps) {
  const { ui, updateUi } = useAmendments();
  const proposing = ui.proposal?.clauseId === clauseId;
  const start = () => {
    if (proposing) {
      updateUi({ proposal: null });
      return;
    }
    const baseText = currentClauseText(editor, clauseId);
    if (baseText === undefined) return;
    updateUi((current) => ({
      proposal: { clauseId, kind: 'modify', baseText, round: (current.proposal?.round ?? 0) + 1 },
    }));
  };
  return (
    <button
      type="button"
      className="strip-button amendment-propose"
      aria-pressed={proposing}
      aria-label={`Propose wording for clause ${number}`}
      title="Propose an amendment: change the wording, delete the clause or add one after it"
      data-testid="propose-amendment"
      onClick={start}
    >
      <AmendmentIcon size={13} />
      Propose
    </button>
  );
}

function AmendmentMargin({ clauseId, number }: { clauseId: string; number: string }) {
  const { snapshot } = useNegotiationContext();
  const { showClauseAmendments } = useAmendments();
  const amendments = snapshot.state.amendments.filter((amendment) => amendment.clauseId === clauseId);
  if (amendments.length === 0) return null;
  const counts = countAmendments(amendments);
  const label = `Clause ${number}: ${counts.tabled} open of ${counts.total} amendments. Show them`;
  return (
    <button
      type="button"
      className={`amendment-margin${counts.tabled === 0 ? ' amendment-margin--settled' : ''}`}
      aria-label={label}
      title={label}
      data-testid="amendment-count"
      onClick={() => showClauseAmendments(clauseId, counts.tabled > 0)}
    >
      <AmendmentIcon size={13} />
      <span className="amendment-margin__count">{counts.tabled || counts.total}</span>
    </button>
  );
}

export function ClauseAmendments({ editor, clauseId, number }: ClauseAmendmentsProps) {
  const { detail } = useNegotiationContext();
  return (
    <>
      {canComment(detail.role) ? <ProposeButton editor={editor} clauseId={clauseId} number={number} /> : null}
      <AmendmentMargin clauseId={clauseId} number={number} />
    </>
  );
}
