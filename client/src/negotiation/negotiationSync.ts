/**
 * Keeps a page's negotiation state live: fetched when the page opens, then
 * updated from the collaboration socket's notices, and refetched after each
 * (re)connect, as events sent while the socket was closed were missed.
 */
import type { ServerNotice } from '@draftroom/shared';
import { useEffect, useState } from 'react';
import type { CollabSession } from '../editor/collabSession';
import { NegotiationStore } from './negotiationStore';

/** The document's negotiation state, fetched once the page opens. */
export function useNegotiationStore(documentId: string): NegotiationStore {
  const [store] = useState(() => new NegotiationStore(documentId));
  useEffect(() => {
    void store.refresh();
  }, [store]);
  return store;
}

/** Refetches the state whenever the socket (re)connects: events sent while it was closed were missed. */
export function useRefreshOnReconnect(store: NegotiationStore, session: CollabSession | null): void {
  useEffect(() => {
    if (!session) return;
    const onStatus = (event: { status: string }) => {
      if (event.status === 'connected') void store.refresh();
    };
    session.provider.on('status', onStatus);
    return () => session.provider.off('status', onStatus);
  }, [store, session]);
}

/** Hands a `negotiation` notice to the store; false for every other notice. */
export function receiveNegotiationNotice(
  store: NegotiationStore,
  notice: ServerNotice | Record<string, unknown>,
): boolean {
  if (notice.kind !== 'negotiation') return false;
  const { seq, event } = notice as Extract<ServerNotice, { kind: 'negotiation' }>;
  store.receive(Number(seq), event);
  return true;
}
