/** The amendments panel's filters: status, delegation (proponent or co-sponsor), section, and one clause. */
import { AMENDMENT_STATUS_LABEL, AMENDMENT_STATUSES, type Amendment } from '@draftroom/shared';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import { ClauseFilterChip, DelegationSelect, SectionSelect } from '../negotiation/panel/FilterControls';
import { useAmendments } from './AmendmentsContext';
import { type AmendmentFilter, delegationsIn } from './amendmentModel';

export function AmendmentFilters({
  amendments,
  directory,
}: {
  amendments: readonly Amendment[];
  directory: ClauseDirectory;
}) {
  const { ui, updateUi } = useAmendments();
  const { filter } = ui;
  const set = (change: Partial<AmendmentFilter>) =>
    updateUi((current) => ({ filter: { ...current.filter, ...change }, activeAmendmentId: null }));
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
        <DelegationSelect
          id="amendment-filter-delegation"
          label="By delegation"
          allLabel="All delegations"
          codes={delegationsIn(amendments)}
          value={filter.participant}
          onChange={(participant) => set({ participant })}
        />
      </div>
      <SectionSelect
        id="amendment-filter-section"
        directory={directory}
        value={filter.sectionId}
        onChange={(sectionId) => set({ sectionId })}
      />
      <ClauseFilterChip
        clauseId={filter.clauseId}
        directory={directory}
        clearLabel="Show amendments to all clauses"
        onClear={() => set({ clauseId: null })}
      />
    </div>
  );
}
