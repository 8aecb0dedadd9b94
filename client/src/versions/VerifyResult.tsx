/** The answer of a verification: the matching version(s), or why nothing matches. */
import { CURRENT_TEXT, type DocumentSummary, type VersionSummary } from '@draftroom/shared';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { SealIcon } from './icons';
import { authorLabel, meetingLabel } from './labels';
import { comparePath, versionPath } from './routes';
import type { VerifyResult } from './types';

function Match({ version, documentTitle }: { version: VersionSummary; documentTitle: string }) {
  return (
    <li className="verify-match" data-testid="verify-match">
      <dl className="verify-match__facts">
        <dt>Document</dt>
        <dd>{documentTitle}</dd>
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

interface VerifyResultViewProps {
  source: string;
  result: VerifyResult;
  documents: DocumentSummary[];
}

export function VerifyResultView({ source, result, documents }: VerifyResultViewProps) {
  const titleOf = (documentId: string) =>
    documents.find((document) => document.id === documentId)?.title ?? 'A Draftroom document';
  if (result.matches.length === 0) {
    return (
      <div className="verify-outcome verify-outcome--none" data-testid="verify-none">
        <h2>No version matches</h2>
        <p>This is not a text circulated from Draftroom, or it was changed.</p>
        {result.fingerprint === null ? (
          <p className="verify-outcome__detail">“{source}” carries no Draftroom fingerprint.</p>
        ) : (
          <p className="verify-outcome__detail">
            Fingerprint checked: <code>{result.fingerprint}</code>
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="verify-outcome verify-outcome--match">
      <h2>
        <SealIcon />{' '}
        {result.matches.length === 1 ? 'This is a Draftroom version' : 'This text is these versions'}
      </h2>
      <p className="verify-outcome__detail">
        Fingerprint <code>{result.fingerprint}</code>
      </p>
      <ul className="verify-matches">
        {result.matches.map((version) => (
          <Match key={version.id} version={version} documentTitle={titleOf(version.documentId)} />
        ))}
      </ul>
    </div>
  );
}
