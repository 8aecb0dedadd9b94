/** The bar over a comparison: view, "hide unchanged", next / previous change, the redline download. */
import { useId, useState } from 'react';
import { type RedlineForm, redlineDocxUrl } from '../api';
import { ArrowDownIcon, ArrowUpIcon, DownloadIcon } from '../icons';
import type { CompareView } from './ClauseEntry';
import type { ChangeNavigation } from './useChangeNavigation';

export interface CompareSettings {
  view: CompareView;
  hideUnchanged: boolean;
  changedOnlyDocx: boolean;
}

interface CompareToolbarProps {
  documentId: string;
  from: string;
  to: string;
  settings: CompareSettings;
  onChange: (settings: CompareSettings) => void;
  navigation: ChangeNavigation;
}

function ViewSwitch({ view, onChange }: { view: CompareView; onChange: (view: CompareView) => void }) {
  const options: { value: CompareView; label: string }[] = [
    { value: 'inline', label: 'Inline' },
    { value: 'side-by-side', label: 'Side by side' },
  ];
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">View</legend>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          className="segmented__option"
          aria-pressed={view === option.value}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}

function Stepper({ navigation }: { navigation: ChangeNavigation }) {
  const { index, count, next, previous } = navigation;
  const position =
    count === 0 ? 'No changes' : index < 0 ? `${count} changes` : `Change ${index + 1} of ${count}`;
  return (
    <fieldset className="stepper">
      <legend className="visually-hidden">Go through the changes</legend>
      <button
        type="button"
        className="button button--small"
        onClick={previous}
        disabled={count === 0}
        aria-keyshortcuts="P K"
        title="Previous change (P or K)"
      >
        <ArrowUpIcon /> Previous
      </button>
      <button
        type="button"
        className="button button--small"
        onClick={next}
        disabled={count === 0}
        aria-keyshortcuts="N J"
        title="Next change (N or J)"
      >
        <ArrowDownIcon /> Next
      </button>
      <span className="stepper__position" aria-live="polite" data-testid="change-position">
        {position}
      </span>
    </fieldset>
  );
}

export function CompareToolbar({
  documentId,
  from,
  to,
  settings,
  onChange,
  navigation,
}: CompareToolbarProps) {
  const hideId = useId();
  const changedOnlyId = useId();
  const formId = useId();
  // Word tracked changes by default: what ministries accept or reject in Word; the formatted redline on request.
  const [form, setForm] = useState<RedlineForm>('tracked');
  return (
    <div className="compare-toolbar" role="toolbar" aria-label="Comparison">
      <ViewSwitch view={settings.view} onChange={(view) => onChange({ ...settings, view })} />
      <label className="version-checkbox" htmlFor={hideId}>
        <input
          id={hideId}
          type="checkbox"
          checked={settings.hideUnchanged}
          onChange={(event) => onChange({ ...settings, hideUnchanged: event.target.checked })}
        />
        Hide unchanged clauses
      </label>
      <Stepper navigation={navigation} />
      <div className="compare-toolbar__download">
        <a
          className="button button--small button--primary"
          href={redlineDocxUrl(documentId, from, to, settings.changedOnlyDocx, form)}
          download
          data-testid="download-redline"
        >
          <DownloadIcon /> Download redline (DOCX)
        </a>
        <label className="version-checkbox" htmlFor={changedOnlyId}>
          <input
            id={changedOnlyId}
            type="checkbox"
            checked={settings.changedOnlyDocx}
            onChange={(event) => onChange({ ...settings, changedOnlyDocx: event.target.checked })}
          />
          Changed clauses only
        </label>
        <label className="compare-toolbar__form" htmlFor={formId}>
          Changes as{' '}
          <select
            id={formId}
            value={form}
            onChange={(event) => setForm(event.target.value as RedlineForm)}
            data-testid="redline-form"
          >
            <option value="tracked">Word tracked changes (accept or reject in Word)</option>
            <option value="formatted">Underline and strike-through</option>
          </select>
        </label>
      </div>
    </div>
  );
}
