/** Choosing the two sides of a comparison: any version, or the current text. */
import { CURRENT_TEXT, type VersionSummary } from '@draftroom/shared';
import { useId } from 'react';
import { formatDateTime } from '../../format';

interface ComparePickersProps {
  versions: VersionSummary[];
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
}

function SideSelect({
  label,
  value,
  versions,
  onChange,
}: {
  label: string;
  value: string;
  versions: VersionSummary[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  const named = versions.filter((version) => version.kind === 'named');
  const automatic = versions.filter((version) => version.kind === 'automatic');
  const option = (version: VersionSummary) => (
    <option key={version.id} value={version.id}>
      {version.label} — {formatDateTime(version.createdAt)}
    </option>
  );
  return (
    <div className="compare-pickers__side">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value={CURRENT_TEXT}>Current text</option>
        {named.length > 0 ? <optgroup label="Named versions">{named.map(option)}</optgroup> : null}
        {automatic.length > 0 ? (
          <optgroup label="Automatic checkpoints">{automatic.map(option)}</optgroup>
        ) : null}
      </select>
    </div>
  );
}

export function ComparePickers({ versions, from, to, onChange }: ComparePickersProps) {
  return (
    <div className="compare-pickers">
      <SideSelect
        label="From (before)"
        value={from}
        versions={versions}
        onChange={(value) => onChange(value, to)}
      />
      <button
        type="button"
        className="button button--small button--quiet compare-pickers__swap"
        onClick={() => onChange(to, from)}
        aria-label="Swap the two sides"
        title="Swap the two sides"
      >
        ⇄
      </button>
      <SideSelect
        label="To (after)"
        value={to}
        versions={versions}
        onChange={(value) => onChange(from, value)}
      />
    </div>
  );
}
