/** The dialogues (processes) the user takes part in and their documents. */
import type { DocumentSummary, ProcessSummary } from '@draftroom/shared';
import { useEffect, useState } from 'react';
import { isUnauthenticated, listDocuments } from '../api';
import { useAuth, useSignedInUser } from '../auth';
import { AppHeader } from '../components/AppHeader';
import { DocumentIcon } from '../components/icons';
import { RoleBadge } from '../components/RoleBadge';
import { formatDateTime, formatRelativeTime } from '../format';
import { documentPath, Link } from '../router';
import { useDocumentTitle } from './useDocumentTitle';

type ListState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; documents: DocumentSummary[] };

interface ProcessGroup {
  process: ProcessSummary;
  documents: DocumentSummary[];
}

/** Groups documents by process, keeping the server's order. */
function groupByProcess(documents: DocumentSummary[]): ProcessGroup[] {
  const groups = new Map<string, ProcessGroup>();
  for (const document of documents) {
    let group = groups.get(document.process.id);
    if (!group) {
      group = { process: document.process, documents: [] };
      groups.set(document.process.id, group);
    }
    group.documents.push(document);
  }
  return [...groups.values()];
}

function DocumentRow({ document }: { document: DocumentSummary }) {
  return (
    <li className="document-row">
      <span className="document-row__icon" aria-hidden="true">
        <DocumentIcon />
      </span>
      <div className="document-row__main">
        <Link to={documentPath(document.id)} className="document-row__link" data-document-id={document.id}>
          {document.title}
        </Link>
        <span className="document-row__process">{document.process.name}</span>
      </div>
      <RoleBadge role={document.role} />
      <time
        className="document-row__updated"
        dateTime={document.updatedAt}
        title={formatDateTime(document.updatedAt)}
      >
        Updated {formatRelativeTime(document.updatedAt)}
      </time>
    </li>
  );
}

function ProcessSection({ group }: { group: ProcessGroup }) {
  const headingId = `process-${group.process.id}`;
  return (
    <section className="process" aria-labelledby={headingId} data-process-id={group.process.id}>
      <header className="process__header">
        <h2 className="process__name" id={headingId}>
          {group.process.name}
        </h2>
        {group.process.description ? (
          <p className="process__description">{group.process.description}</p>
        ) : null}
      </header>
      <ul className="document-list">
        {group.documents.map((document) => (
          <DocumentRow key={document.id} document={document} />
        ))}
      </ul>
    </section>
  );
}

function useDocumentList(): [ListState, () => void] {
  const { markSignedOut } = useAuth();
  const [state, setState] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void attempt;
    setState({ status: 'loading' });
    listDocuments().then(
      (documents) => !cancelled && setState({ status: 'ready', documents }),
      (error: unknown) => {
        if (cancelled) return;
        if (isUnauthenticated(error)) markSignedOut();
        else
          setState({ status: 'error', message: error instanceof Error ? error.message : 'Could not load.' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt, markSignedOut]);
  return [state, () => setAttempt((n) => n + 1)];
}

function ListBody({ state, retry }: { state: ListState; retry: () => void }) {
  if (state.status === 'loading') {
    return (
      <p className="page-state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading documents…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="page-state page-state--error" role="alert">
        <p>{state.message}</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (state.documents.length === 0) {
    return <p className="page-state">You have not been given access to any documents yet.</p>;
  }
  return (
    <>
      {groupByProcess(state.documents).map((group) => (
        <ProcessSection key={group.process.id} group={group} />
      ))}
    </>
  );
}

export function DocumentListPage() {
  const user = useSignedInUser();
  const [state, retry] = useDocumentList();
  useDocumentTitle('Documents');
  return (
    <div className="app-shell">
      <AppHeader user={user} />
      <main className="list-page">
        <div className="list-page__intro">
          <p className="eyebrow">{user.participant.name}</p>
          <h1 className="list-page__title">Documents</h1>
          <p className="list-page__lead">The texts your delegation is drafting, by dialogue.</p>
        </div>
        <ListBody state={state} retry={retry} />
      </main>
    </div>
  );
}
