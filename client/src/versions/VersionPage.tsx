/**
 * `/documents/:id/versions/:versionId`: a version read-only, in the same
 * editor view as the live text, under a banner that says which version it is.
 */
import { CURRENT_TEXT, type DocumentDetail, type UserProfile, type VersionDetail } from '@draftroom/shared';
import { useMemo } from 'react';
import { getDocument } from '../api';
import { useSignedInUser } from '../auth';
import { LockIcon } from '../components/icons';
import { formatDateTime } from '../format';
import { useDocumentTitle } from '../pages/useDocumentTitle';
import { documentPath, Link } from '../router';
import '../styles/versions.css';
import { fetchVersion, versionDocxUrl } from './api';
import { Fingerprint } from './Fingerprint';
import { FrozenDocument } from './FrozenDocument';
import { docFromState } from './frozenDoc';
import { CompareIcon, DownloadIcon, PrintIcon } from './icons';
import { authorLabel, meetingLabel } from './labels';
import { DocumentShell, PageProblem, resourceProblem } from './PageStates';
import { comparePath, printPath } from './routes';
import { SummaryLine } from './SummaryLine';
import { useResource } from './useResource';

function VersionBanner({ detail, version }: { detail: DocumentDetail; version: VersionDetail }) {
  const saved = version.createdBy
    ? `saved by ${authorLabel(version)} on ${formatDateTime(version.createdAt)}`
    : `taken automatically on ${formatDateTime(version.createdAt)}`;
  return (
    <div className="banner banner--version" data-testid="version-banner">
      <LockIcon />
      <p>
        <strong>{version.label}</strong>
        <span className="banner__detail"> · read-only · {saved}</span>
      </p>
      <nav className="banner__actions" aria-label="This version">
        <Link to={documentPath(detail.id)} className="button button--small">
          Back to the current text
        </Link>
        <Link to={comparePath(detail.id, version.id, CURRENT_TEXT)} className="button button--small">
          <CompareIcon /> Compare with current
        </Link>
        <a href={versionDocxUrl(detail.id, version.id)} className="button button--small" download>
          <DownloadIcon /> Export DOCX
        </a>
        <Link to={printPath(detail.id, version.id)} className="button button--small">
          <PrintIcon /> Print
        </Link>
      </nav>
    </div>
  );
}

function statusCounts(version: VersionDetail): string | null {
  const statuses = Object.values(version.negotiation.statuses ?? {});
  const agreed = statuses.filter((status) => status === 'agreed').length;
  const bracketed = statuses.filter((status) => status === 'bracketed').length;
  const brackets = Object.keys(version.negotiation.brackets ?? {}).length;
  const parts = [
    agreed > 0 ? `${agreed} agreed` : '',
    bracketed > 0 ? `${bracketed} bracketed` : '',
    brackets > 0 ? `${brackets} open bracket${brackets === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : null;
}

function VersionFacts({ documentId, version }: { documentId: string; version: VersionDetail }) {
  const negotiation = statusCounts(version);
  return (
    <section className="panel version-facts" aria-labelledby="version-facts-title">
      <h2 className="panel__title" id="version-facts-title">
        About this version
      </h2>
      <dl className="version-facts__list">
        <dt>Saved</dt>
        <dd>
          {formatDateTime(version.createdAt)}
          <br />
          {authorLabel(version)}
        </dd>
        {version.meeting ? (
          <>
            <dt>Circulated for</dt>
            <dd>{meetingLabel(version.meeting)}</dd>
          </>
        ) : null}
        {version.note ? (
          <>
            <dt>Note</dt>
            <dd className="version-facts__note">{version.note}</dd>
          </>
        ) : null}
        <dt>Changes</dt>
        <dd>
          <SummaryLine documentId={documentId} version={version} />
        </dd>
        {negotiation ? (
          <>
            <dt>Negotiation at the time</dt>
            <dd>{negotiation}</dd>
          </>
        ) : null}
        <dt>Fingerprint</dt>
        <dd>
          <Fingerprint value={version.fingerprint} labelled={false} />
        </dd>
      </dl>
    </section>
  );
}

function VersionView({ detail, version }: { detail: DocumentDetail; version: VersionDetail }) {
  // A local copy nobody else sees: no provider, nothing to clean up but memory.
  const ydoc = useMemo(() => docFromState(version.state), [version.state]);
  return (
    <>
      <VersionBanner detail={detail} version={version} />
      <FrozenDocument
        ydoc={ydoc}
        label={`${detail.title} — ${version.label} (read-only)`}
        aside={<VersionFacts documentId={detail.id} version={version} />}
      />
    </>
  );
}

export function VersionPage({ documentId, versionId }: { documentId: string; versionId: string }) {
  const user: UserProfile = useSignedInUser();
  const detail = useResource(documentId, () => getDocument(documentId)).state;
  const version = useResource(`${documentId}/${versionId}`, () => fetchVersion(documentId, versionId)).state;
  const ready = detail.status === 'ready' ? detail.value : null;
  useDocumentTitle(
    ready && version.status === 'ready' ? `${version.value.label} — ${ready.title}` : undefined,
  );

  const problem = resourceProblem([
    [detail, 'document'],
    [version, 'version'],
  ]);
  if (problem) {
    return (
      <PageProblem user={user} title={`The ${problem.what} could not be opened`} message={problem.message} />
    );
  }
  return (
    <DocumentShell
      user={user}
      document={ready}
      loading="Opening the version…"
      className="app-shell app-shell--document"
    >
      {ready && version.status === 'ready' ? <VersionView detail={ready} version={version.value} /> : null}
    </DocumentShell>
  );
}
