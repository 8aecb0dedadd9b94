/** The compilation's filters — section, delegation, open only — kept in the page's URL. */
import type { CompilationSection, Participant } from '@draftroom/shared';
import { useId } from 'react';
import type { CompilationQuery } from './compilationApi';

interface CompilationFiltersProps {
  query: CompilationQuery;
  sections: readonly CompilationSection[];
  participants: readonly Participant[];
  onChange: (query: CompilationQuery) => void;
}

export function CompilationFilters({ query, sections, participants, onChange }: CompilationFiltersProps) {
  const sectionId = useId();
  const delegationId = useId();
  const openId = useId();
  return (
    <form
      className="compilation-filters"
      aria-label="Filter the compilation"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="compilation-filters__field">
        <label htmlFor={sectionId}>Section</label>
        <select
          id={sectionId}
          value={query.section ?? ''}
          onChange={(event) => onChange({ ...query, section: event.target.value || undefined })}
          data-testid="compilation-section"
        >
          <option value="">All sections</option>
          {sections.map((section) => (
            <option key={section.id} value={section.id}>
              {section.number}. {section.title}
            </option>
          ))}
        </select>
      </div>
      <div className="compilation-filters__field">
        <label htmlFor={delegationId}>Delegation (proponent or co-sponsor)</label>
        <select
          id={delegationId}
          value={query.delegation ?? ''}
          onChange={(event) => onChange({ ...query, delegation: event.target.value || undefined })}
          data-testid="compilation-delegation"
        >
          <option value="">All delegations</option>
          {participants.map((participant) => (
            <option key={participant.id} value={participant.code}>
              {participant.name} ({participant.code})
            </option>
          ))}
        </select>
      </div>
      <label className="version-checkbox compilation-filters__open" htmlFor={openId}>
        <input
          id={openId}
          type="checkbox"
          checked={query.open}
          onChange={(event) => onChange({ ...query, open: event.target.checked })}
          data-testid="compilation-open"
        />
        Open amendments only (tabled, not yet decided)
      </label>
    </form>
  );
}
