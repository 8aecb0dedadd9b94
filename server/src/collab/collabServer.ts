import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserProfile } from '@draftroom/shared';
import { CloseCode, COLLAB_PATH_PREFIX, type DocumentSummary, documentIdSchema } from '@draftroom/shared';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { sessionTokenOf } from '../auth/cookies';
import type { SessionService } from '../auth/sessionService';
import { CollabRefusal } from '../errors';
import { isAllowedOrigin } from '../http/origin';
import type { Logger } from '../logger';
import type { DocumentRepository } from '../store/documents';
import { Connection } from './connection';
import { receiveMessage } from './messageReceiver';
import type { RoomRegistry } from './roomRegistry';

export interface CollabServerOptions {
  maxMessageBytes: number;
  publicOrigin: string;
}

const HTTP_REASON: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** Refuses an upgrade with a plain HTTP response, before any WebSocket (or document) byte is sent. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: HTTP_REASON[status]?.toLowerCase().replace(' ', '_'), message });
  socket.end(
    `HTTP/1.1 ${status} ${HTTP_REASON[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The y-websocket endpoint `/collab/<documentId>`: authenticates the upgrade
 * with the session cookie, decides the role, and wires the socket to its room.
 */
export class CollabServer {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly sessions: SessionService,
    private readonly documents: DocumentRepository,
    readonly rooms: RoomRegistry,
    private readonly logger: Logger,
    private readonly options: CollabServerOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
    const refusal = this.authorize(request);
    if ('status' in refusal) {
      this.logger.info(
        { url: request.url, status: refusal.status, ip: request.socket.remoteAddress },
        refusal.message,
      );
      refuseUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.accept(ws, refusal.user, refusal.document, request),
    );
  }

  private authorize(
    request: IncomingMessage,
  ): { status: number; message: string } | { user: UserProfile; document: DocumentSummary } {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const documentId = decodeURIComponent(url.pathname.slice(COLLAB_PATH_PREFIX.length));
    if (!url.pathname.startsWith(COLLAB_PATH_PREFIX) || !documentIdSchema.safeParse(documentId).success) {
      return { status: 404, message: 'no such collaboration endpoint' };
    }
    if (!isAllowedOrigin(request, this.options.publicOrigin)) {
      return { status: 403, message: 'cross-origin WebSocket refused' };
    }
    const user = this.sessions.resolve(sessionTokenOf(request));
    if (!user) return { status: 401, message: 'sign in first' };
    const document = this.documents.findAccessible(documentId, user.id);
    if (!document) return { status: 404, message: 'document not found' };
    return { user, document };
  }

  private accept(
    ws: WebSocket,
    user: UserProfile,
    document: DocumentSummary,
    request: IncomingMessage,
  ): void {
    const room = this.rooms.open(document.id);
    const logger = this.logger.child({ documentId: document.id, userId: user.id });
    const connection = new Connection(ws, user, document.role, request.socket.remoteAddress ?? '', logger);
    ws.on('error', (error) => {
      // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame).
      logger.warn({ err: error, connection: connection.id }, 'WebSocket error');
    });
    ws.on('message', (data, isBinary) => this.receive(connection, room, data, isBinary));
    ws.on('close', (code) => {
      connection.markClosed();
      room.leave(connection);
      this.rooms.released(room);
      logger.debug({ connection: connection.id, code }, 'connection closed');
    });
    room.join(connection);
    logger.debug({ connection: connection.id, role: document.role }, 'connection opened');
  }

  private receive(
    connection: Connection,
    room: ReturnType<RoomRegistry['open']>,
    data: RawData,
    isBinary: boolean,
  ): void {
    if (!connection.isOpen) return;
    try {
      if (!isBinary)
        throw new CollabRefusal(CloseCode.MalformedMessage, 'text frames are not part of the protocol');
      receiveMessage(toBytes(data), connection, room);
    } catch (error) {
      const refusal =
        error instanceof CollabRefusal
          ? error
          : new CollabRefusal(CloseCode.MalformedMessage, `undecodable message: ${(error as Error).message}`);
      connection.logger.warn(
        {
          connection: connection.id,
          closeCode: refusal.closeCode,
          reason: refusal.message,
          ip: connection.remoteAddress,
        },
        'refused a message; closing the connection',
      );
      connection.close(refusal.closeCode, refusal.message);
    }
  }

  /** Closes every connection with "going away" and unloads every document (shutdown). */
  close(): void {
    this.rooms.closeAll(CloseCode.GoingAway, 'server shutting down');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
