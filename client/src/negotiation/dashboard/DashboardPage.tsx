/**
 * `/documents/:id/dashboard`: where the negotiation stands — clauses by status,
 * open brackets and their proponents, which delegations hold reservations on
 * what, unresolved comments per section, amendments per section and clause.
 * Every entry links to its clause.
 */
import { AmendmentsOverview } from '../../amendments/dashboard/AmendmentsOverview';
import { useSignedInUser } from '../../auth';
import { AppHeader } from '../../components/AppHeader';
import { useDocumentTitle } from '../../pages/useDocumentTitle';
import { documentPath, Link } from '../../router';
import '../../styles/negotiation-badges.css';
import '../../styles/negotiation-dashboard.css';
import { OpenBrackets, PositionsOverview, StatusOverview, ThreadsOverview } from './DashboardSections';
import { useDashboardData } from './useDashboardData';

function Loading({ message }: { message: string }) {
  return (
    <p className="page-state" role="status">
      <span className="spinner" aria-hidden="true" /> {message}
    </p>
  );
}

export function DashboardPage({ documentId }: { documentId: string }) {
  const user = useSignedInUser();
  const { detail, directory, snapshot } = useDashboardData(documentId);
  const ready = detail.status === 'ready' ? detail.detail : null;
  useDocumentTitle(ready ? `Dashboard — ${ready.title}` : undefined);

  if (detail.status === 'not-found' || detail.status === 'error') {
    return (
      <div className="app-shell">
        <AppHeader user={user} />
        <main className="page-message">
          <h1>
            {detail.status === 'not-found' ? 'Document not found' : 'The dashboard could not be opened'}
          </h1>
          <p role="alert">
            {detail.status === 'error'
              ? detail.message
              : 'This document does not exist or you have no access to it.'}
          </p>
          <Link to="/" className="button">
            Back to documents
          </Link>
        </main>
      </div>
    );
  }
  return (
    <div className="app-shell">
      <AppHeader
        user={user}
        processName={ready?.process.name}
        documentTitle={ready?.title}
        role={ready?.role}
      />
      <main className="dashboard" data-testid="dashboard">
        <header className="dashboard__intro">
          <div>
            <p className="eyebrow">Negotiation dashboard</p>
            <h2 className="dashboard__title">{ready?.title ?? 'Loading…'}</h2>
          </div>
          <Link to={documentPath(documentId)} className="button button--small">
            Open the text
          </Link>
        </header>
        {!ready || !directory || snapshot.status === 'loading' ? (
          <Loading message="Loading the negotiation…" />
        ) : (
          <div className="dashboard__grid">
            {snapshot.status === 'error' ? <p role="alert">{snapshot.error}</p> : null}
            <StatusOverview documentId={documentId} directory={directory} index={snapshot.index} />
            <OpenBrackets documentId={documentId} directory={directory} snapshot={snapshot} />
            <PositionsOverview
              documentId={documentId}
              directory={directory}
              snapshot={snapshot}
              detail={ready}
            />
            <ThreadsOverview documentId={documentId} directory={directory} snapshot={snapshot} />
            <AmendmentsOverview
              documentId={documentId}
              directory={directory}
              amendments={snapshot.state.amendments}
            />
          </div>
        )}
      </main>
    </div>
  );
}
