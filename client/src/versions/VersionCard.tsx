/** One entry of the history panel: what the version is, who saved it when, for which meeting, and actions. */
import { CURRENT_TEXT, type VersionSummary } from '@draftroom/shared';
import { formatDateTime, formatRelativeTime } from '../format';
import { Link } from '../router';
import { versionDocxUrl } from './api';
import { Fingerprint } from './Fingerprint';
import { CompareIcon, DownloadIcon, PrintIcon } from './icons';
import { meetingLabel } from './labels';
import { comparePath, printPath, versionPath } from './routes';
import { SummaryLine } from './SummaryLine';

interface VersionCardProps {
  documentId: string;
  version: VersionSummary;
  /** Set for the pen-holder: restoring is theirs alone. */
  onRestore?: (version: VersionSummary) => void;
}

function Author({ version }: { version: VersionSummary }) {
  if (!version.createdBy) return <span className="version-card__who">Automatic checkpoint</span>;
  return (
    <span className="version-card__who">
      {version.createdBy.name} <span className="code-chip">{version.createdBy.participantCode}</span>
    </span>
  );
}

export function VersionCard({ documentId, version, onRestore }: VersionCardProps) {
  const headingId = `version-${version.id}`;
  return (
    <li
      className={`version-card version-card--${version.kind}`}
      data-testid="version-card"
      data-version-id={version.id}
      aria-labelledby={headingId}
    >
      <h3 className="version-card__label" id={headingId}>
        {version.label}
      </h3>
      <p className="version-card__meta">
        <Author version={version} />
        <span aria-hidden="true"> · </span>
        <time dateTime={version.createdAt} title={formatDateTime(version.createdAt)}>
          {formatRelativeTime(version.createdAt)}
        </time>
      </p>
      {version.meeting ? (
        <p className="version-card__meeting">
          <span className="visually-hidden">Circulated for: </span>
          {meetingLabel(version.meeting)}
        </p>
      ) : null}
      {version.note ? <p className="version-card__note">{version.note}</p> : null}
      <p className="version-card__summary">
        <SummaryLine documentId={documentId} version={version} />
      </p>
      <Fingerprint value={version.fingerprint} />
      <div className="version-card__actions">
        <Link to={versionPath(documentId, version.id)} className="button button--small">
          Open
        </Link>
        <Link to={comparePath(documentId, version.id, CURRENT_TEXT)} className="button button--small">
          <CompareIcon /> Compare with current
        </Link>
        <a href={versionDocxUrl(documentId, version.id)} className="button button--small" download>
          <DownloadIcon /> Export DOCX
        </a>
        <Link
          to={printPath(documentId, version.id)}
          className="button button--small button--quiet"
          aria-label={`Print view of ${version.label}`}
          title="Print view"
        >
          <PrintIcon />
        </Link>
        {onRestore ? (
          <button
            type="button"
            className="button button--small button--quiet version-card__restore"
            onClick={() => onRestore(version)}
          >
            Restore…
          </button>
        ) : null}
      </div>
    </li>
  );
}
