import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  COLLAB_PATH_PREFIX,
  COLLAB_USER_PARAM,
  canEditText,
  type DocumentSummary,
  documentIdSchema,
  ROLE_LABEL,
  type UserProfile,
} from '@draftroom/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AuditLog } from '../audit/auditLog';
import { sessionTokenOf } from '../auth/cookies';
import type { SessionService } from '../auth/sessionService';
import { CollabRefusal } from '../errors';
import { clientAddress } from '../http/clientAddress';
import { isAllowedOrigin } from '../http/origin';
import type { Logger } from '../logger';
import type { DocumentRepository } from '../store/documents';
import { CollabBounds, type PresenceRateOptions } from './collabBounds';
import type { CollabSocket } from './collabSocket';
import { Connection } from './connection';
import { Heartbeat, type HeartbeatOptions } from './heartbeat';
import { type AnswerBudgetOptions, MessageBudget, type MessageBudgetOptions } from './messageBudget';
import { receiveMessage } from './messageReceiver';
import type { RoomRegistry } from './roomRegistry';
import { SessionWatch } from './sessionWatch';
import { WsSocket } from './wsSocket';

export interface CollabServerOptions {
  maxMessageBytes: number;
  publicOrigin: string;
  maxConnectionsPerUser: number;
  /** Per-connection message and byte budget (4429 past it); none when absent. */
  budget?: MessageBudgetOptions;
  /** Per-user budget of sync answers (sync step 1 from a client; 4429 past it); none when absent. */
  syncAnswers?: AnswerBudgetOptions;
  /** Per-user budget of presence answers (on joining, QueryAwareness; 4429 past it); none when absent. */
  presenceAnswers?: AnswerBudgetOptions;
  /** Per-user rate of relayed presence bytes (dropped past it); none when absent. */
  presenceRate?: PresenceRateOptions;
  /** WebSocket pings; a socket missing too many pongs is terminated. No heartbeat when absent. */
  heartbeat?: HeartbeatOptions;
  /** Bytes that may wait to be sent to one socket before it is closed with 4408; unbounded when absent. */
  maxSendBufferBytes?: number;
  /** Bytes that may wait for one user's sockets together (4408 past it, the largest first); unbounded when absent. */
  maxUserSendBufferBytes?: number;
  /** Bytes that may wait for every socket together (4408 past it, the largest first); unbounded when absent. */
  maxTotalSendBufferBytes?: number;
  /** Milliseconds a socket the server closes may take to finish the close handshake before it is destroyed (default 30 000, ws's). */
  closeTimeoutMs?: number;
  /** Milliseconds between sweeps of expired sessions (deleted, their sockets closed with 4401); no sweep when absent. */
  sessionSweepIntervalMs?: number;
}

/** A collaboration upgrade that may proceed. */
interface Admission {
  user: UserProfile;
  document: DocumentSummary;
  sessionToken: string;
  /** When the session expires, in ms since the epoch. */
  sessionExpiresAt: number;
  /** The user the client opened the socket for (`?as=`), when it said. */
  expectedUserId: string | null;
}

const HTTP_REASON: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};

/** Refuses an upgrade with a plain HTTP response, before any WebSocket (or document) byte is sent. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: HTTP_REASON[status]?.toLowerCase().replaceAll(' ', '_'), message });
  socket.end(
    `HTTP/1.1 ${status} ${HTTP_REASON[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The y-websocket endpoint `/collab/<documentId>`: authenticates the upgrade
 * with the session cookie, decides the role, and wires the socket to its room.
 * Each socket is held to its bounds: a message and byte budget (4429), its
 * user's sync-answer and presence-answer budgets (4429) and presence byte
 * rate (dropped past it), send backpressure for itself, its user's sockets
 * together and every socket (4408), a heartbeat (terminated when it stops
 * echoing pings), its session's lifetime (4401, SessionWatch) and a close
 * timeout (destroyed when a close handshake does not complete).
 */
export class CollabServer {
  private readonly wss: WebSocketServer;
  private readonly connectionsPerUser = new Map<string, number>();
  private readonly heartbeat: Heartbeat | undefined;
  private readonly sessionWatch: SessionWatch | undefined;
  /** The per-user budgets and the send-buffer ledger behind every connection's guards. */
  readonly bounds: CollabBounds;

  constructor(
    private readonly sessions: SessionService,
    private readonly documents: DocumentRepository,
    readonly rooms: RoomRegistry,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly options: CollabServerOptions,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      ...(options.closeTimeoutMs === undefined ? {} : { closeTimeout: options.closeTimeoutMs }),
    });
    this.heartbeat = options.heartbeat && new Heartbeat(options.heartbeat, logger);
    this.bounds = new CollabBounds(options);
    this.sessionWatch =
      options.sessionSweepIntervalMs === undefined
        ? undefined
        : new SessionWatch(sessions, { sweepIntervalMs: options.sessionSweepIntervalMs }, logger);
  }

  /** Open collaboration sockets of `userId` (each holds one of its MAX_CONNECTIONS_PER_USER slots). */
  connectionsOf(userId: string): number {
    return this.connectionsPerUser.get(userId) ?? 0;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
    let refusal: ReturnType<CollabServer['authorize']>;
    try {
      refusal = this.authorize(request);
    } catch (error) {
      this.logger.error({ err: error, url: request.url }, 'upgrade failed');
      refuseUpgrade(socket, 500, 'the server could not handle this connection');
      return;
    }
    if ('status' in refusal) {
      const ip = clientAddress(request);
      this.logger.info({ url: request.url, status: refusal.status, ip }, refusal.message);
      if (refusal.status === 403 || refusal.status === 429) {
        const detail = { why: refusal.message, origin: request.headers.origin };
        this.audit.recordThrottled('refused', { userId: refusal.userId, ip }, request.url ?? '', detail);
      }
      refuseUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    const accepted = refusal;
    this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) =>
      this.accept(new WsSocket(ws), accepted, clientAddress(request)),
    );
  }

  private authorize(
    request: IncomingMessage,
  ): { status: number; message: string; userId?: string } | Admission {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const documentId = url.pathname.slice(COLLAB_PATH_PREFIX.length);
    // Document ids are URL-safe: no percent-escapes to decode (a malformed one must not throw).
    if (!url.pathname.startsWith(COLLAB_PATH_PREFIX) || !documentIdSchema.safeParse(documentId).success) {
      return { status: 404, message: 'no such collaboration endpoint' };
    }
    if (!isAllowedOrigin(request, this.options.publicOrigin)) {
      return { status: 403, message: 'cross-origin WebSocket refused' };
    }
    const sessionToken = sessionTokenOf(request) ?? '';
    const session = this.sessions.resolveSession(sessionToken);
    if (!session) return { status: 401, message: 'sign in first' };
    const { user } = session;
    const document = this.documents.findAccessible(documentId, user.id);
    if (!document) return { status: 404, message: 'document not found' };
    if ((this.connectionsPerUser.get(user.id) ?? 0) >= this.options.maxConnectionsPerUser) {
      return { status: 429, message: 'too many open connections for this user', userId: user.id };
    }
    return {
      user,
      document,
      sessionToken,
      sessionExpiresAt: session.expiresAt.getTime(),
      expectedUserId: url.searchParams.get(COLLAB_USER_PARAM),
    };
  }

  /** Wires an accepted socket (any transport) to its document's room, under its user's bounds. */
  private accept(socket: CollabSocket, admission: Admission, remoteAddress: string): void {
    const { user, document, sessionToken } = admission;
    if (admission.expectedUserId !== null && admission.expectedUserId !== user.id) {
      // Another user signed in in this browser: nothing typed for the first may go out under their name.
      this.logger.info(
        { documentId: document.id, userId: user.id },
        'socket opened for another user; closed',
      );
      socket.close(CloseCode.Unauthenticated, 'this browser is now signed in as someone else');
      return;
    }
    const room = this.rooms.open(document.id);
    const logger = this.logger.child({ documentId: document.id, userId: user.id });
    const guards = this.bounds.guardsFor(user.id, admission.sessionExpiresAt);
    const connection = new Connection(
      socket,
      user,
      document.role,
      remoteAddress,
      logger,
      sessionToken,
      guards,
    );
    this.bounds.opened(connection);
    this.connectionsPerUser.set(user.id, (this.connectionsPerUser.get(user.id) ?? 0) + 1);
    socket.on('error', (error) => {
      // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame).
      logger.warn({ err: error, connection: connection.id }, 'WebSocket error');
    });
    const budget = this.options.budget ? new MessageBudget(this.options.budget) : undefined;
    socket.on('message', (bytes, isBinary) => this.receive(connection, room, bytes, isBinary, budget));
    this.heartbeat?.watch(socket, logger);
    this.sessionWatch?.watch(connection, admission.sessionExpiresAt);
    socket.on('close', (code) => {
      connection.markClosed();
      this.bounds.closed(connection);
      this.sessionWatch?.unwatch(connection);
      const remaining = (this.connectionsPerUser.get(user.id) ?? 1) - 1;
      if (remaining > 0) this.connectionsPerUser.set(user.id, remaining);
      else this.connectionsPerUser.delete(user.id);
      room.leave(connection);
      this.rooms.released(room);
      logger.debug({ connection: connection.id, code }, 'connection closed');
    });
    // Joining sends the room's presence: charged to the user's presence-answer budget (4429 past it).
    if (this.bounds.admitJoin(connection)) room.join(connection);
    logger.debug({ connection: connection.id, role: document.role }, 'connection opened');
  }

  private receive(
    connection: Connection,
    room: ReturnType<RoomRegistry['open']>,
    bytes: Uint8Array,
    isBinary: boolean,
    budget: MessageBudget | undefined,
  ): void {
    if (!connection.isOpen) return;
    try {
      if (connection.sessionExpired())
        throw new CollabRefusal(CloseCode.Unauthenticated, 'your session expired');
      budget?.spend(bytes.byteLength);
      if (!isBinary)
        throw new CollabRefusal(CloseCode.MalformedMessage, 'text frames are not part of the protocol');
      receiveMessage(bytes, connection, room);
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
      if (refusal.closeCode === CloseCode.Forbidden) {
        const actor = {
          userId: connection.user.id,
          email: connection.user.email,
          ip: connection.remoteAddress,
        };
        // A client can repeat it at will (reconnect, send an edit): aggregated per user, address and reason.
        const detail = { why: refusal.message, role: connection.role };
        this.audit.recordThrottled('refused', actor, room.documentId, detail);
      }
      connection.refuse(refusal.closeCode, refusal.message);
    }
  }

  /**
   * Re-decides the access of open connections after roles or accounts
   * changed: a removed user is disconnected (4410), a signed-out one too
   * (4401), a changed role takes effect at once and the client is told.
   */
  accessChanged(scope: {
    userId?: string;
    documentId?: string;
    signedOut?: boolean;
    exceptSessionToken?: string;
  }): void {
    for (const room of this.rooms.openRooms) {
      if (scope.documentId && room.documentId !== scope.documentId) continue;
      for (const connection of room.connections) {
        if (scope.userId && connection.user.id !== scope.userId) continue;
        if (scope.exceptSessionToken && connection.sessionToken === scope.exceptSessionToken) continue;
        this.reviewAccess(connection, room.documentId, scope.signedOut === true);
      }
    }
  }

  /** Closes the sockets opened with a session that was just signed out. */
  sessionEnded(sessionToken: string): void {
    for (const room of this.rooms.openRooms) {
      for (const connection of room.connections) {
        if (connection.sessionToken === sessionToken)
          connection.close(CloseCode.Unauthenticated, 'signed out');
      }
    }
  }

  private reviewAccess(connection: Connection, documentId: string, signedOut: boolean): void {
    if (signedOut) {
      connection.close(CloseCode.Unauthenticated, 'signed out by an administrator');
      return;
    }
    const access = this.documents.findAccessible(documentId, connection.user.id);
    if (!access) {
      connection.close(CloseCode.AccessRevoked, 'access to this document was removed');
      return;
    }
    if (access.role === connection.role) return;
    connection.role = access.role;
    const label = ROLE_LABEL[access.role];
    const article = /^[AEIOU]/.test(label) ? 'an' : 'a';
    const message = canEditText(access.role)
      ? `You are now ${article} ${label} on this document: you can edit the text.`
      : `You are now ${article} ${label} on this document: the text is read-only for you.`;
    connection.sendNotice({ kind: 'role-changed', role: access.role, message });
    connection.logger.info({ connection: connection.id, role: access.role }, 'role changed while connected');
  }

  /** Closes every connection with "going away" and unloads every document (shutdown). */
  close(): void {
    this.heartbeat?.stop();
    this.sessionWatch?.stop();
    this.rooms.closeAll(CloseCode.GoingAway, 'server shutting down');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
