import { CONTENT_FIELD, MessageType } from '@draftroom/shared';
import { readYSections } from '@draftroom/shared/yClauses';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { waitFor } from './waitFor';

/** A `ws` WebSocket class that sends the session cookie with the upgrade, for the y-websocket provider. */
export function webSocketWithCookie(cookie: string): typeof WebSocket {
  return class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  } as unknown as typeof WebSocket;
}

/** A stock y-websocket provider in Node, signed in with `cookie`. */
export interface CollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes the provider's socket was closed with, in order. */
  closeCodes: number[];
  destroy(): void;
}

export function connectClient(
  wsUrl: string,
  documentId: string,
  cookie: string,
  doc = new Y.Doc(),
): CollabClient {
  const provider = new WebsocketProvider(`${wsUrl}/collab`, documentId, doc, {
    WebSocketPolyfill: webSocketWithCookie(cookie) as never,
    disableBc: true,
    maxBackoffTime: 200,
  });
  // Draftroom's notices (role changes, negotiation events) are read by the tests that need them.
  provider.messageHandlers[MessageType.Notice] = () => undefined;
  const closeCodes: number[] = [];
  provider.on('connection-close', (event: { code?: number } | null) => {
    if (event?.code !== undefined) closeCodes.push(event.code);
  });
  return {
    doc,
    provider,
    closeCodes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function connectSynced(wsUrl: string, documentId: string, cookie: string, doc?: Y.Doc) {
  const client = connectClient(wsUrl, documentId, cookie, doc);
  await waitFor(() => client.provider.synced, { what: 'provider synced' });
  return client;
}

/** The clause texts of a document, in order. */
export function clauseTexts(doc: Y.Doc): string[] {
  return readClauses(doc).map((clause) => clause.text);
}

/** The first XmlText inside the clause at `index` (its first paragraph's text). */
export function clauseParagraphText(doc: Y.Doc, clauseIndex: number): Y.XmlText {
  const clause = readYSections(doc).flatMap((section) => section.clauses)[clauseIndex];
  if (!clause) throw new Error(`no clause ${clauseIndex}`);
  const paragraph = clause.element.get(0) as Y.XmlElement;
  return paragraph.get(0) as Y.XmlText;
}

/** The document's content as a string, for equality checks between clients. */
export function contentOf(doc: Y.Doc): string {
  return doc.getXmlFragment(CONTENT_FIELD).toString();
}
