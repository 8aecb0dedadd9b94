/**
 * Y.Docs that are never edited and never synced back: a stored version's
 * (from its base64 state) and a snapshot of the live text (fetched once over
 * the document's WebSocket, then disconnected, so nothing a read-only
 * editor does to its copy can reach the server).
 */
import { closeCodeExplanation, FINAL_CLOSE_CODES, MessageType } from '@draftroom/shared';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { collabBaseUrl } from '../editor/collabSession';

/** A Y.Doc holding the whole document of a version, from the base64 Yjs update the server sent. */
export function docFromState(base64: string): Y.Doc {
  const binary = atob(base64);
  const update = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) update[index] = binary.charCodeAt(index);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

const SNAPSHOT_TIMEOUT_MS = 20_000;

/**
 * The live text as it is now. Joins the document's room without presence
 * (no awareness state is ever sent, so nobody sees a second "online" entry),
 * waits for the server's content, and leaves.
 */
export function fetchLiveSnapshot(documentId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(collabBaseUrl(), documentId, doc, {
    connect: false,
    disableBc: true,
    shouldReconnect: (event: CloseEvent) => !FINAL_CLOSE_CODES.has(event.code),
  });
  provider.awareness.setLocalState(null);
  provider.awareness.off('update', provider._awarenessUpdateHandler);
  provider.messageHandlers[MessageType.QueryAwareness] = () => undefined;
  provider.messageHandlers[MessageType.Notice] = () => undefined;

  return new Promise<Y.Doc>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      provider.off('sync', onSync);
      provider.off('connection-close', onClose);
      provider.destroy();
      if (error) {
        doc.destroy();
        reject(error);
      } else resolve(doc);
    };
    const onSync = (synced: boolean) => {
      if (synced) finish();
    };
    const onClose = (event: CloseEvent | null) => {
      if (!event || !FINAL_CLOSE_CODES.has(event.code)) return;
      const explanation = closeCodeExplanation[event.code];
      finish(new Error(explanation ?? 'The server closed the connection.'));
    };
    const timer = setTimeout(
      () =>
        finish(new Error('The current text did not arrive in time. Check your connection and try again.')),
      SNAPSHOT_TIMEOUT_MS,
    );
    provider.on('sync', onSync);
    provider.on('connection-close', onClose);
    provider.connect();
  });
}
