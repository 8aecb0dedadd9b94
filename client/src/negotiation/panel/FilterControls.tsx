/**
 * The filter controls the side panels share (comments, amendments): a
 * delegation select (each code with its delegation's name), a section select
 * and the chip of a one-clause filter with its clear button. Each select has
 * a visually hidden label; an empty value means "all".
 */
import type { ClauseDirectory } from '../clauseDirectory';
import { useNegotiationContext } from '../NegotiationContext';

interface SelectProps {
  /** The select's element id (its label points at it). */
  id: string;
  value: string;
  onChange: (value: string) => void;
}

interface DelegationSelectProps extends SelectProps {
  /** The hidden label ("By participant") and the first option's text ("All participants"). */
  label: string;
  allLabel: string;
  /** The participant codes to offer, in order. */
  codes: readonly string[];
}

/** A select of participant codes ("UA — Ukraine"), "" for all of them. */
export function DelegationSelect({ id, value, onChange, label, allLabel, codes }: DelegationSelectProps) {
  const { detail } = useNegotiationContext();
  const names = new Map(detail.participants.map((participant) => [participant.code, participant.name]));
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="select" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{allLabel}</option>
        {codes.map((code) => (
          <option key={code} value={code}>
            {code}
            {names.has(code) ? ` — ${names.get(code)}` : ''}
          </option>
        ))}
      </select>
    </>
  );
}

/** A select of the document's sections ("2. Return and readmission"), "" for all of them. */
export function SectionSelect({
  id,
  value,
  onChange,
  directory,
}: SelectProps & { directory: ClauseDirectory }) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        By section
      </label>
      <select id={id} className="select" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All sections</option>
        {directory.sections.map((section) =>
          section.id ? (
            <option key={section.id} value={section.id}>
              {section.number}. {section.title || 'Untitled area'}
            </option>
          ) : null,
        )}
      </select>
    </>
  );
}

interface ClauseChipProps {
  clauseId: string | null;
  directory: ClauseDirectory;
  /** The clear button's accessible name ("Show threads on all clauses"). */
  clearLabel: string;
  onClear: () => void;
}

/** "Clause 2.3 ×" while the panel shows one clause's items (nothing otherwise); "(deleted)" for a clause gone. */
export function ClauseFilterChip({ clauseId, directory, clearLabel, onClear }: ClauseChipProps) {
  if (!clauseId) return null;
  return (
    <p className="filter-chip">
      Clause {directory.byId.get(clauseId)?.number ?? '(deleted)'}
      <button type="button" className="filter-chip__clear" aria-label={clearLabel} onClick={onClear}>
        ×
      </button>
    </p>
  );
}
