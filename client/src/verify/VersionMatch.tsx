/** One version named by a verification: its facts and links to open it or compare it with the current text. */
import { CURRENT_TEXT, type VersionSummary } from '@draftroom/shared';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { authorLabel, meetingLabel } from '../versions/labels';
import { comparePath, versionPath } from '../versions/routes';

export function VersionMatch({ version, title }: { version: VersionSummary; title: string }) {
  return (
    <li className="verify-match" data-testid="verify-match">
      <dl className="verify-match__facts">
        <dt>Document</dt>
        <dd>{title}</dd>
        <dt>Version</dt>
        <dd>
          <strong>{version.label}</strong>
          {version.kind === 'automatic' ? ' (automatic checkpoint)' : ''}
        </dd>
        <dt>Saved</dt>
        <dd>
          {formatDateTime(version.createdAt)} by {authorLabel(version)}
        </dd>
        {version.meeting ? (
          <>
            <dt>Circulated for</dt>
            <dd>{meetingLabel(version.meeting)}</dd>
          </>
        ) : null}
      </dl>
      <div className="verify-match__actions">
        <Link to={versionPath(version.documentId, version.id)} className="button button--small">
          Open this version
        </Link>
        <Link to={comparePath(version.documentId, version.id, CURRENT_TEXT)} className="button button--small">
          Compare with the current text
        </Link>
      </div>
    </li>
  );
}
