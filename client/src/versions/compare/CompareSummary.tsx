/** The summary above a comparison: overall counts, then a row per section that changed. */

import type { ClauseCounts, ComparisonSummary } from '@draftroom/shared';
import { countOf } from '../labels';
import { comparisonHeadline, sectionElementId } from './model';

const COLUMNS: { key: keyof ClauseCounts; label: string }[] = [
  { key: 'added', label: 'Added' },
  { key: 'removed', label: 'Removed' },
  { key: 'moved', label: 'Moved' },
  { key: 'changed', label: 'Changed' },
  { key: 'split', label: 'Split' },
  { key: 'statusChanged', label: 'Status' },
];

function hasChanges(counts: ClauseCounts): boolean {
  return COLUMNS.some(({ key }) => counts[key] > 0);
}

function sectionLevelLine(summary: ComparisonSummary): string | null {
  const { sectionChanges } = summary;
  const parts = [
    sectionChanges.added ? `${countOf(sectionChanges.added, 'section')} added` : '',
    sectionChanges.removed ? `${countOf(sectionChanges.removed, 'section')} removed` : '',
    sectionChanges.renamed ? `${countOf(sectionChanges.renamed, 'section title')} changed` : '',
    sectionChanges.moved ? `${countOf(sectionChanges.moved, 'section')} moved` : '',
    summary.preambleChanged ? 'preamble changed' : '',
  ].filter(Boolean);
  if (parts.length === 0) return null;
  const line = parts.join(' · ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

export function CompareSummary({ summary }: { summary: ComparisonSummary }) {
  const changedSections = summary.sections.filter(
    (section) => hasChanges(section.counts) || section.change !== 'unchanged',
  );
  const sectionLine = sectionLevelLine(summary);
  return (
    <section className="compare-summary" aria-labelledby="compare-summary-title">
      <h2 className="visually-hidden" id="compare-summary-title">
        Summary of changes
      </h2>
      <p className="compare-summary__headline" data-testid="compare-headline">
        {comparisonHeadline(summary.total)}
      </p>
      {sectionLine ? <p className="compare-summary__sections">{sectionLine}</p> : null}
      <dl className="compare-summary__totals" data-testid="compare-totals">
        {COLUMNS.map(({ key, label }) => (
          <div key={key} className={summary.total[key] > 0 ? 'has-value' : undefined} data-count={key}>
            <dt>{label}</dt>
            <dd>{summary.total[key]}</dd>
          </div>
        ))}
      </dl>
      {changedSections.length > 0 ? (
        <table className="compare-summary__table">
          <caption className="visually-hidden">Changes per section</caption>
          <thead>
            <tr>
              <th scope="col">Section</th>
              {COLUMNS.map(({ key, label }) => (
                <th scope="col" key={key}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {changedSections.map((section) => (
              <tr key={section.sectionId}>
                <th scope="row">
                  <a
                    href={`#${sectionElementId(section.sectionId)}`}
                    className="compare-summary__section-link"
                  >
                    {section.number}. {section.title}
                  </a>
                </th>
                {COLUMNS.map(({ key }) => (
                  <td key={key} className={section.counts[key] > 0 ? 'has-value' : undefined}>
                    {section.counts[key] || '–'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
