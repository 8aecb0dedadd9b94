/**
 * The amendments panel beside the document (a region like the comments
 * panel): filters, the count, a link to the compilation, and the amendments
 * in document order of their clauses — each with its redline and controls.
 * Amendments to deleted clauses stay here, last.
 */
import type { Editor } from '@tiptap/core';
import { useMemo } from 'react';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { PanelAlert, SidePanel } from '../negotiation/panel/SidePanel';
import { useClauseDirectory } from '../negotiation/useClauseDirectory';
import { Link } from '../router';
import { AmendmentCard } from './AmendmentCard';
import { AmendmentFilters } from './AmendmentFilters';
import { useAmendments } from './AmendmentsContext';
import { filterAmendments, isOpenAmendment, newClauseLabels } from './amendmentModel';
import { compilationPath } from './api';
import { useClauseTexts } from './useClauseTexts';

function emptyMessage(total: number, loading: boolean): string {
  if (loading) return 'Loading amendments…';
  return total === 0
    ? 'No amendments yet. Choose “Propose” under a clause to table one.'
    : 'No amendments match these filters.';
}

export function AmendmentsPanel({ editor, hidden }: { editor: Editor; hidden: boolean }) {
  const { snapshot, documentId } = useNegotiationContext();
  const { ui } = useAmendments();
  const directory = useClauseDirectory(editor);
  const texts = useClauseTexts(editor);
  const amendments = snapshot.state.amendments;
  const order = useMemo(
    () => new Map(directory.clauses.map((clause, index) => [clause.id, index])),
    [directory],
  );
  const labels = useMemo(
    () => newClauseLabels(amendments, (clauseId) => directory.byId.get(clauseId)?.number),
    [amendments, directory],
  );
  const shown = filterAmendments(
    amendments,
    ui.filter,
    (clauseId) => order.get(clauseId),
    (clauseId) => directory.byId.get(clauseId)?.sectionId,
  );
  const open = amendments.filter(isOpenAmendment).length;
  return (
    <SidePanel
      name="amendments"
      title="Amendments"
      count={open}
      countTitle={`${open} open of ${amendments.length}`}
      hidden={hidden}
    >
      <p className="amendments-panel__links">
        <Link to={compilationPath(documentId)} className="button button--small button--quiet">
          Compilation of amendments
        </Link>
      </p>
      <AmendmentFilters amendments={amendments} directory={directory} />
      <PanelAlert message={snapshot.status === 'error' ? snapshot.error : null} />
      {shown.length === 0 ? (
        <p className="panel__hint">{emptyMessage(amendments.length, snapshot.status === 'loading')}</p>
      ) : (
        <div className="amendment-list">
          {shown.map((amendment) => {
            const clause = directory.byId.get(amendment.clauseId);
            const clauseNumber = clause?.number ?? amendment.clauseNumber;
            return (
              <AmendmentCard
                key={amendment.id}
                amendment={amendment}
                target={labels.get(amendment.id) ?? clauseNumber}
                clauseNumber={clauseNumber}
                currentText={texts.get(amendment.clauseId)}
                active={ui.activeAmendmentId === amendment.id}
              />
            );
          })}
        </div>
      )}
    </SidePanel>
  );
}
