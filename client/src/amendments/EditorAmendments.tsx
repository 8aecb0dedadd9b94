/**
 * Amendments inside the editor: keeps the amendment plugin in step with
 * React (the open amendments drawn under "Show amendments", the clause being
 * proposed on) and renders the proposal form into its place in the clause;
 * ends a proposal whose clause was deleted or whose author lost the right.
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useMemo } from 'react';
import { createPortal } from 'react-dom';
import '../styles/amendments-editor.css';
import { useToasts } from '../components/Toasts';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { canComment } from '../negotiation/roles';
import { useClauseDirectory } from '../negotiation/useClauseDirectory';
import { useAmendments } from './AmendmentsContext';
import { delegationColor, isOpenAmendment, newClauseLabels } from './amendmentModel';
import type { AmendmentViewModel } from './editor/amendmentDecorations';
import { amendmentViewKey } from './editor/amendmentsExtension';
import { ProposalForm } from './ProposalForm';

/** A proposal ends when its clause is deleted meanwhile, or when the user may no longer propose. */
function useProposalEnds(directory: ClauseDirectory): void {
  const { detail } = useNegotiationContext();
  const { ui, updateUi } = useAmendments();
  const { showToast } = useToasts();
  const clauseId = ui.proposal?.clauseId;
  const clauseGone = clauseId !== undefined && !directory.byId.has(clauseId);
  const refused = clauseId !== undefined && !canComment(detail.role);
  useEffect(() => {
    if (!clauseGone && !refused) return;
    updateUi({ proposal: null });
    showToast({
      message: clauseGone
        ? 'The clause you were proposing wording for was deleted. Nothing was tabled.'
        : 'Your role no longer allows tabling amendments. Nothing was tabled.',
      tone: 'warning',
    });
  }, [clauseGone, refused, updateUi, showToast]);
}

export function EditorAmendments({ editor }: { editor: Editor }) {
  const { snapshot } = useNegotiationContext();
  const { ui, colors } = useAmendments();
  const directory = useClauseDirectory(editor);
  const amendments = snapshot.state.amendments;
  const proposal = ui.proposal;
  const proposalClause = proposal ? directory.byId.get(proposal.clauseId) : undefined;
  useProposalEnds(directory);

  const model = useMemo<AmendmentViewModel>(() => {
    const labels = newClauseLabels(amendments, (clauseId) => directory.byId.get(clauseId)?.number);
    const inline = ui.showInline
      ? amendments.filter(isOpenAmendment).map((amendment) => ({
          amendment,
          color: delegationColor(colors, amendment.proponentCode),
          newClauseLabel: labels.get(amendment.id),
        }))
      : [];
    return { inline, proposal: proposal ? { clauseId: proposal.clauseId, kind: proposal.kind } : null };
  }, [amendments, ui.showInline, colors, proposal, directory]);

  useEffect(() => {
    if (editor.isDestroyed) return;
    editor.view.dispatch(editor.state.tr.setMeta(amendmentViewKey, model).setMeta('addToHistory', false));
  }, [editor, model]);

  if (!proposal) return null;
  return createPortal(
    <ProposalForm proposal={proposal} number={proposalClause?.number ?? ''} />,
    editor.storage.amendments.proposalElement,
  );
}
