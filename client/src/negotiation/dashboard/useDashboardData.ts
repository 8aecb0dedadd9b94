/**
 * What the dashboard shows, kept live: the document's details, its clauses
 * (read from the Y.Doc over a collaboration socket that never edits and
 * publishes no presence) and its negotiation state (live from that socket).
 */

import { CONTENT_FIELD, type DocumentDetail } from '@draftroom/shared';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ApiRequestError, getDocument } from '../../api';
import { useSignedInUser } from '../../auth';
import { type CollabSession, openCollabSession } from '../../editor/collabSession';
import type { ClauseDirectory } from '../clauseDirectory';
import { receiveNegotiationNotice, useNegotiationStore, useRefreshOnReconnect } from '../negotiationSync';
import { directoryFromYDoc } from './yDocClauses';

export type DetailState =
  | { status: 'loading' }
  | { status: 'not-found' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: DocumentDetail };

function useDetail(documentId: string): DetailState {
  const [state, setState] = useState<DetailState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    getDocument(documentId).then(
      (detail) => current && setState({ status: 'ready', detail }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiRequestError && (error.status === 404 || error.status === 403)) {
          setState({ status: 'not-found' });
        } else
          setState({ status: 'error', message: error instanceof Error ? error.message : 'Could not load.' });
      },
    );
    return () => {
      current = false;
    };
  }, [documentId]);
  return state;
}

const REFRESH_DELAY_MS = 200;

/** The clauses of the session's document, once it has content; re-read shortly after each change. */
function useDirectory(session: CollabSession | null): ClauseDirectory | null {
  const [directory, setDirectory] = useState<ClauseDirectory | null>(null);
  useEffect(() => {
    setDirectory(null);
    if (!session) return;
    const { ydoc, provider, persistence } = session;
    let timer: number | undefined;
    const read = () => {
      if (!(provider.synced || persistence.synced) || ydoc.getXmlFragment(CONTENT_FIELD).length === 0) return;
      setDirectory(directoryFromYDoc(ydoc));
    };
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(read, REFRESH_DELAY_MS);
    };
    read();
    ydoc.on('update', schedule);
    provider.on('sync', read);
    persistence.on('synced', read);
    return () => {
      window.clearTimeout(timer);
      ydoc.off('update', schedule);
      provider.off('sync', read);
      persistence.off('synced', read);
    };
  }, [session]);
  return directory;
}

export function useDashboardData(documentId: string) {
  const detail = useDetail(documentId);
  const store = useNegotiationStore(documentId);
  const [session, setSession] = useState<CollabSession | null>(null);
  const userId = useSignedInUser().id;
  useEffect(() => {
    const opened = openCollabSession(documentId, {
      onNotice: (notice) => receiveNegotiationNotice(store, notice),
      userId,
    });
    setSession(opened);
    return () => {
      opened.destroy();
      setSession(null);
    };
  }, [documentId, store, userId]);
  useRefreshOnReconnect(store, session);
  const directory = useDirectory(session);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { detail, directory, snapshot };
}
