import { MessageType } from '@draftroom/shared';
import * as encoding from 'lib0/encoding';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { type CollabClient, connectClient } from './collabClient';
import { waitFor } from './waitFor';

/**
 * The stock y-websocket provider re-sends every awareness change it sees,
 * other people's included; the server accepts only a client's own presence
 * and closes a connection that speaks for another client id (4403). The
 * Draftroom client therefore relays only its own state
 * (client/src/editor/collabSession.ts `sendOnlyOwnPresence`); this does the
 * same for a test client, so it behaves like the real one.
 */
export function relayOnlyOwnPresence(client: CollabClient): CollabClient {
  const provider: WebsocketProvider = client.provider;
  const { awareness } = provider;
  const ownId = provider.doc.clientID;
  awareness.off('update', provider._awarenessUpdateHandler);
  awareness.on(
    'update',
    (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const touched = [...changes.added, ...changes.updated, ...changes.removed];
      if (touched.includes(ownId))
        provider._awarenessUpdateHandler({ added: [], updated: [ownId], removed: [] }, origin);
    },
  );
  provider.messageHandlers[MessageType.QueryAwareness] = (encoder) => {
    encoding.writeVarUint(encoder, MessageType.Awareness);
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [ownId]));
  };
  // Draftroom notices (type 8) are not part of the stock protocol; accept them silently.
  provider.messageHandlers[MessageType.Notice] = () => {};
  return client;
}

/**
 * A synced test client that, like the Draftroom client, relays only its own
 * presence; with `doc`, a page reconnecting with the Y.Doc it already holds.
 */
export async function connectWellBehaved(
  wsUrl: string,
  documentId: string,
  cookie: string,
  doc?: Y.Doc,
): Promise<CollabClient> {
  const client = relayOnlyOwnPresence(connectClient(wsUrl, documentId, cookie, doc));
  await waitFor(() => client.provider.synced, { what: 'provider synced' });
  return client;
}
