/**
 * A version's change summary as the history panel and the version's own view
 * show it: what it counts against and the counts ("Against Rev. 1 — for the
 * Budapest SOM: 5 clauses changed · 1 added"), then a link to that very
 * comparison (baseline → this version) when there is a baseline.
 */
import type { VersionSummary } from '@draftroom/shared';
import { Link } from '../router';
import { baselineName, versionSummaryLine } from './labels';
import { comparePath } from './routes';

interface SummaryLineProps {
  documentId: string;
  version: Pick<VersionSummary, 'id' | 'kind' | 'label' | 'summary' | 'baseline'>;
}

export function SummaryLine({ documentId, version }: SummaryLineProps) {
  const { baseline } = version;
  return (
    <>
      <span data-testid="version-summary">{versionSummaryLine(version)}</span>
      {baseline ? (
        <>
          {' '}
          <Link
            to={comparePath(documentId, baseline.id, version.id)}
            className="summary-line__compare"
            data-testid="version-summary-compare"
            aria-label={`Show the changes from ${baselineName(baseline)} to ${version.label}`}
          >
            Show the changes
          </Link>
        </>
      ) : null}
    </>
  );
}
