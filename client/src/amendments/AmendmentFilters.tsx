/** The amendments panel's filters: status, delegation (proponent or co-sponsor), section, and one clause. */
import { AMENDMENT_STATUS_LABEL, AMENDMENT_STATUSES, type Amendment } from '@draftroom/shared';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { useAmendments } from './AmendmentsContext';
import { type AmendmentFilter, delegationsIn } from './amendmentModel';

export function AmendmentFilters({
  amendments,
  directory,
}: {
  amendments: readonly Amendment[];
  directory: ClauseDirectory;
}) {
  const { detail } = useNegotiationContext();
  const { ui, updateUi } = useAmendments();
  const { filter } = ui;
  const set = (change: Partial<AmendmentFilter>) =>
    updateUi((current) => ({ filter: { ...current.filter, ...change }, activeAmendmentId: null }));
  const names = new Map(detail.participants.map((participant) => [participant.code, participant.name]));
  const clause = filter.clauseId ? directory.byId.get(filter.clauseId) : undefined;
  return (
    <div className="thread-filters amendment-filters">
      <div className="thread-filters__row">
        <label className="visually-hidden" htmlFor="amendment-filter-status">
          By status
        </label>
        <select
          id="amendment-filter-status"
          className="select"
          value={filter.status}
          onChange={(event) => set({ status: event.target.value as AmendmentFilter['status'] })}
        >
          <option value="open">Open (tabled)</option>
          <option value="all">All statuses</option>
          {AMENDMENT_STATUSES.filter((status) => status !== 'tabled').map((status) => (
            <option key={status} value={status}>
              {AMENDMENT_STATUS_LABEL[status]}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="amendment-filter-delegation">
          By delegation
        </label>
        <select
          id="amendment-filter-delegation"
          className="select"
          value={filter.participant}
          onChange={(event) => set({ participant: event.target.value })}
        >
          <option value="">All delegations</option>
          {delegationsIn(amendments).map((code) => (
            <option key={code} value={code}>
              {code}
              {names.has(code) ? ` — ${names.get(code)}` : ''}
            </option>
          ))}
        </select>
      </div>
      <label className="visually-hidden" htmlFor="amendment-filter-section">
        By section
      </label>
      <select
        id="amendment-filter-section"
        className="select"
        value={filter.sectionId}
        onChange={(event) => set({ sectionId: event.target.value })}
      >
        <option value="">All sections</option>
        {directory.sections.map((section) =>
          section.id ? (
            <option key={section.id} value={section.id}>
              {section.number}. {section.title || 'Untitled area'}
            </option>
          ) : null,
        )}
      </select>
      {filter.clauseId ? (
        <p className="filter-chip">
          Clause {clause?.number ?? '(deleted)'}
          <button
            type="button"
            className="filter-chip__clear"
            aria-label="Show amendments to all clauses"
            onClick={() => set({ clauseId: null })}
          >
            ×
          </button>
        </p>
      ) : null}
    </div>
  );
}
