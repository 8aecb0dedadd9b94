/**
 * `/documents/:id`: loads the document's details (title, process, role),
 * then opens the collaborative workspace.
 */
import type { DocumentDetail } from '@draftroom/shared';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiRequestError, getDocument, isUnauthenticated } from '../api';
import { useAuth, useSignedInUser } from '../auth';
import { AppHeader } from '../components/AppHeader';
import { Link } from '../router';
import { DocumentWorkspace } from './DocumentWorkspace';
import { useDocumentTitle } from './useDocumentTitle';

type DetailState =
  | { status: 'loading' }
  | { status: 'not-found' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: DocumentDetail };

function useDocumentDetail(documentId: string) {
  const { markSignedOut } = useAuth();
  const [state, setState] = useState<DetailState>({ status: 'loading' });

  const load = useCallback(
    async (isCurrent: () => boolean = () => true) => {
      try {
        const detail = await getDocument(documentId);
        if (isCurrent()) setState({ status: 'ready', detail });
      } catch (error) {
        if (!isCurrent()) return;
        if (isUnauthenticated(error)) markSignedOut();
        else if (error instanceof ApiRequestError && (error.status === 404 || error.status === 403)) {
          setState({ status: 'not-found' });
        } else {
          setState((current) =>
            // A failed refresh keeps the page; only a failed first load shows the error.
            current.status === 'ready'
              ? current
              : { status: 'error', message: error instanceof Error ? error.message : 'Could not load.' },
          );
        }
      }
    },
    [documentId, markSignedOut],
  );

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void load(() => current);
    return () => {
      current = false;
    };
  }, [load]);

  return { state, reload: load };
}

function PageMessage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="page-message">
      <h1>{title}</h1>
      {children}
    </main>
  );
}

export function DocumentPage({ documentId }: { documentId: string }) {
  const user = useSignedInUser();
  const { state, reload } = useDocumentDetail(documentId);
  useDocumentTitle(state.status === 'ready' ? state.detail.title : undefined);

  if (state.status === 'ready') {
    return <DocumentWorkspace detail={state.detail} user={user} onRoleMayHaveChanged={() => void reload()} />;
  }
  return (
    <div className="app-shell">
      <AppHeader user={user} />
      {state.status === 'loading' ? (
        <p className="page-state" role="status">
          <span className="spinner" aria-hidden="true" /> Opening document…
        </p>
      ) : state.status === 'not-found' ? (
        <PageMessage title="Document not found">
          <p>This document does not exist or you have no access to it.</p>
          <Link to="/" className="button">
            Back to documents
          </Link>
        </PageMessage>
      ) : (
        <PageMessage title="The document could not be opened">
          <p role="alert">{state.message}</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </PageMessage>
      )}
    </div>
  );
}
