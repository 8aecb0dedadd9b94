/** The comment panel's filters: open / resolved / all, mentioning my delegation, by participant, by section. */
import type { CommentThread } from '@draftroom/shared';
import type { ClauseDirectory } from '../clauseDirectory';
import { type ThreadFilter, useNegotiationContext } from '../NegotiationContext';
import { ClauseFilterChip, DelegationSelect, SectionSelect } from './FilterControls';

const STATUS_OPTIONS: { value: ThreadFilter['status']; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

function participantsIn(threads: CommentThread[]): string[] {
  const codes = new Set<string>();
  for (const thread of threads)
    for (const comment of thread.comments) codes.add(comment.author.participantCode);
  return [...codes].filter(Boolean).sort();
}

export function ThreadFilters({
  threads,
  directory,
}: {
  threads: CommentThread[];
  directory: ClauseDirectory;
}) {
  const { ui, updateUi, user } = useNegotiationContext();
  const { filter } = ui;
  const set = (change: Partial<ThreadFilter>) =>
    updateUi((current) => ({ filter: { ...current.filter, ...change }, activeThreadId: null }));
  return (
    <div className="thread-filters">
      <fieldset className="segmented">
        <legend className="visually-hidden">Show threads</legend>
        {STATUS_OPTIONS.map((option) => (
          <button
            key={option.value}
            type="button"
            className="segmented__option"
            aria-pressed={filter.status === option.value}
            onClick={() => set({ status: option.value })}
          >
            {option.label}
          </button>
        ))}
      </fieldset>
      <div className="thread-filters__row">
        <DelegationSelect
          id="thread-filter-participant"
          label="By participant"
          allLabel="All participants"
          codes={participantsIn(threads)}
          value={filter.participant}
          onChange={(participant) => set({ participant })}
        />
        <SectionSelect
          id="thread-filter-section"
          directory={directory}
          value={filter.sectionId}
          onChange={(sectionId) => set({ sectionId })}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filter.mentioningMe}
          onChange={(event) => set({ mentioningMe: event.target.checked })}
        />
        Mentioning {user.participant.code}
      </label>
      <ClauseFilterChip
        clauseId={filter.clauseId}
        directory={directory}
        clearLabel="Show threads on all clauses"
        onClear={() => set({ clauseId: null })}
      />
    </div>
  );
}
