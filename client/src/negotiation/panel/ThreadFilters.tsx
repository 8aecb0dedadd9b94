/** The comment panel's filters: open / resolved / all, mentioning my delegation, by participant, by section. */
import type { CommentThread } from '@draftroom/shared';
import type { ClauseDirectory } from '../clauseDirectory';
import { type ThreadFilter, useNegotiationContext } from '../NegotiationContext';

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

interface FilterSelectsProps {
  threads: CommentThread[];
  directory: ClauseDirectory;
  filter: ThreadFilter;
  onChange: (change: Partial<ThreadFilter>) => void;
}

function FilterSelects({ threads, directory, filter, onChange: set }: FilterSelectsProps) {
  const { detail } = useNegotiationContext();
  const names = new Map(detail.participants.map((participant) => [participant.code, participant.name]));
  return (
    <div className="thread-filters__row">
      <label className="visually-hidden" htmlFor="thread-filter-participant">
        By participant
      </label>
      <select
        id="thread-filter-participant"
        className="select"
        value={filter.participant}
        onChange={(event) => set({ participant: event.target.value })}
      >
        <option value="">All participants</option>
        {participantsIn(threads).map((code) => (
          <option key={code} value={code}>
            {code}
            {names.has(code) ? ` — ${names.get(code)}` : ''}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="thread-filter-section">
        By section
      </label>
      <select
        id="thread-filter-section"
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
    </div>
  );
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
  const clause = filter.clauseId ? directory.byId.get(filter.clauseId) : undefined;
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
      <FilterSelects threads={threads} directory={directory} filter={filter} onChange={set} />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filter.mentioningMe}
          onChange={(event) => set({ mentioningMe: event.target.checked })}
        />
        Mentioning {user.participant.code}
      </label>
      {filter.clauseId ? (
        <p className="filter-chip">
          Clause {clause?.number ?? '(deleted)'}
          <button
            type="button"
            className="filter-chip__clear"
            aria-label="Show threads on all clauses"
            onClick={() => set({ clauseId: null })}
          >
            ×
          </button>
        </p>
      ) : null}
    </div>
  );
}
