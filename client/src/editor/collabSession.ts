/**
 * One open document: the Y.Doc, its offline copy in IndexedDB and the
 * WebSocket provider that syncs it with the server. React-free; the
 * `useCollaboration` hook turns its events into state.
 */
import {
  COLLAB_USER_PARAM,
  FINAL_CLOSE_CODES,
  MessageType,
  type ServerNotice,
  UNRESENDABLE_CLOSE_CODES,
} from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { offlineStoreName } from '../offlineStore';
import { OutgoingChanges } from './outgoingChanges';

export interface CollabSession {
  documentId: string;
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  persistence: IndexeddbPersistence;
  /** Keeps what is sent under the server's frame limit; `resume()` reconnects after a stop. */
  outgoing: OutgoingChanges;
  destroy: () => void;
}

/** `ws(s)://<host>/collab`; the provider appends `/<documentId>`. */
export function collabBaseUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/collab`;
}

/**
 * Reconnect after any close except the ones where retrying cannot help, and
 * the ones where it would send the refused changes again (the user decides).
 */
function shouldReconnect(event: CloseEvent): boolean {
  return !FINAL_CLOSE_CODES.has(event.code) && !UNRESENDABLE_CLOSE_CODES.has(event.code);
}

function parseNotice(json: string): ServerNotice | Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as ServerNotice) : null;
  } catch {
    return null;
  }
}

/**
 * The stock provider relays every awareness change it sees, including other
 * people's. The server accepts only a client's own presence, so send just ours.
 */
function sendOnlyOwnPresence(provider: WebsocketProvider): () => void {
  const { awareness } = provider;
  const ownId = provider.doc.clientID;
  awareness.off('update', provider._awarenessUpdateHandler);
  const relayOwn = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const touched = [...changes.added, ...changes.updated, ...changes.removed];
    if (!touched.includes(ownId)) return;
    provider._awarenessUpdateHandler({ added: [], updated: [ownId], removed: [] }, origin);
  };
  awareness.on('update', relayOwn);
  provider.messageHandlers[MessageType.QueryAwareness] = (encoder) => {
    encoding.writeVarUint(encoder, MessageType.Awareness);
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [ownId]));
  };
  return () => awareness.off('update', relayOwn);
}

export interface CollabSessionOptions {
  onNotice: (notice: ServerNotice | Record<string, unknown>) => void;
  /** The server's `MAX_MESSAGE_BYTES`, when it tells; the shared default otherwise. */
  frameLimit?: number;
  /**
   * The signed-in user this page works for: the socket says so (`?as=`) and the
   * server refuses it (4401) if this browser's session now belongs to someone
   * else; the offline copy is kept per user.
   */
  userId: string;
}

export function openCollabSession(documentId: string, options: CollabSessionOptions): CollabSession {
  const ydoc = new Y.Doc();
  const persistence = new IndexeddbPersistence(offlineStoreName(documentId, options.userId), ydoc);
  const provider = new WebsocketProvider(collabBaseUrl(), documentId, ydoc, {
    connect: false,
    params: { [COLLAB_USER_PARAM]: options.userId },
    // Tabs sync through the server only, so an offline tab really is offline.
    disableBc: true,
    shouldReconnect,
  });
  provider.messageHandlers[MessageType.Notice] = (_encoder, decoder) => {
    const notice = parseNotice(decoding.readVarString(decoder));
    if (notice) options.onNotice(notice);
  };
  const stopRelaying = sendOnlyOwnPresence(provider);
  const outgoing = new OutgoingChanges(provider, options.frameLimit);
  if (navigator.onLine) provider.connect();

  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    provider.awareness.setLocalState(null);
    stopRelaying();
    outgoing.destroy();
    provider.destroy();
    void persistence.destroy();
    ydoc.destroy();
  };
  return { documentId, ydoc, provider, persistence, outgoing, destroy };
}
