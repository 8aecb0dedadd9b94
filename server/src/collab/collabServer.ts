import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  COLLAB_PATH_PREFIX,
  COLLAB_USER_PARAM,
  type DocumentSummary,
  documentIdSchema,
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
import type { AsyncDocumentRepository } from '../store/documents';
import { AccessReview, type AccessScope } from './accessReview';
import type { DocumentBus } from './bus';
import { CollabBounds, type PresenceRateOptions } from './collabBounds';
import type { CollabSocket } from './collabSocket';
import { Connection } from './connection';
import { type ConnectionSlots, holdSlotWhileOpen, MemoryConnectionSlots } from './connectionSlots';
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
  /** Where each socket's slot of its user's `maxConnectionsPerUser` is held (shared by every instance when in Redis); this process's memory when absent. */
  slots?: ConnectionSlots;
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
  /** The other server instances: sign-outs and role changes made on any of them reach this one's sockets. */
  bus?: DocumentBus;
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
  /** AccessReview.epoch before the session was read: changed by the time it joins, it is re-decided. */
  accessEpoch: number;
}

const HTTP_REASON: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An upgrade refused before any WebSocket byte: its HTTP status and why (`userId` when signed in, for the audit). */
interface UpgradeRefusal {
  status: number;
  message: string;
  userId?: string;
}

/** The session or document store could not answer an upgrade's lookups (refused with 503). */
class UpgradeLookupFailed extends Error {}

function lookupFailed(error: unknown): never {
  throw new UpgradeLookupFailed('the session or document store did not answer', { cause: error });
}

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
  /** One slot per open socket of a user, taken at the upgrade (429 when none is free) and released when it closes. */
  private readonly slots: ConnectionSlots;
  private lastSlotId = 0;
  private readonly heartbeat: Heartbeat | undefined;
  private readonly sessionWatch: SessionWatch | undefined;
  /** The per-user budgets and the send-buffer ledger behind every connection's guards. */
  readonly bounds: CollabBounds;

  constructor(
    private readonly sessions: SessionService,
    private readonly documents: Pick<AsyncDocumentRepository, 'findAccessible'>,
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
    this.slots = options.slots ?? new MemoryConnectionSlots(options.maxConnectionsPerUser);
    this.sessionWatch =
      options.sessionSweepIntervalMs === undefined
        ? undefined
        : new SessionWatch(sessions, { sweepIntervalMs: options.sessionSweepIntervalMs }, logger);
    this.access = new AccessReview(rooms, documents, sessions, options.bus);
  }

  /** Re-decides open sockets when roles or sessions change, here and on the other instances. */
  private readonly access: AccessReview;

  /** See AccessReview.changed: resolves once this instance's sockets were re-decided; never rejects. */
  accessChanged(scope: AccessScope): Promise<void> {
    return this.access.changed(scope);
  }

  /** See AccessReview.sessionEnded. */
  sessionEnded(sessionToken: string, userId?: string): void {
    this.access.sessionEnded(sessionToken, userId);
  }

  /** Open collaboration sockets of `userId` on this instance (each holds one of its MAX_CONNECTIONS_PER_USER slots). */
  connectionsOf(userId: string): number {
    return this.slots.heldHere(userId);
  }

  /**
   * Authenticates an upgrade (session, then the user's role on the document:
   * both read from the record store), then completes it. Refused with a plain
   * HTTP answer: 404 (no such endpoint, or no role on the document), 403
   * (another origin), 401 (no valid session), 429 (too many sockets of the
   * user), 503 (the store could not answer), 500 (anything else). A socket
   * destroyed while the lookups wait is dropped with nothing taken for it.
   * Resolves once the upgrade was answered, handed to the WebSocket handshake
   * or dropped; never rejects.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
    return this.admit(request, socket, head).catch((error: unknown) => {
      this.logger.error({ err: error, url: request.url }, 'upgrade failed');
      socket.destroy();
    });
  }

  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let admission: UpgradeRefusal | Admission;
    try {
      admission = await this.authorize(request);
    } catch (error) {
      const storeDown = error instanceof UpgradeLookupFailed;
      const why = storeDown ? 'upgrade refused: the record store did not answer' : 'upgrade failed';
      this.logger.error({ err: storeDown ? error.cause : error, url: request.url }, why);
      if (socket.destroyed) return;
      if (storeDown)
        refuseUpgrade(socket, 503, 'the server could not check this connection; try again shortly');
      else refuseUpgrade(socket, 500, 'the server could not handle this connection');
      return;
    }
    // Aborted while the store answered: nobody to answer, and nothing was taken for it.
    if (socket.destroyed) return;
    if ('status' in admission) {
      this.refuse(request, socket, admission);
      return;
    }
    await this.upgradeWithSlot(request, socket, head, admission);
  }

  /** Logs a refused upgrade (403 and 429 also in the audit, aggregated) and answers it. */
  private refuse(
    request: IncomingMessage,
    socket: Duplex,
    refusal: { status: number; message: string; userId?: string },
  ): void {
    const ip = clientAddress(request);
    this.logger.info({ url: request.url, status: refusal.status, ip }, refusal.message);
    if (refusal.status === 403 || refusal.status === 429) {
      const detail = { why: refusal.message, origin: request.headers.origin };
      this.audit.recordThrottled('refused', { userId: refusal.userId, ip }, request.url ?? '', detail);
    }
    refuseUpgrade(socket, refusal.status, refusal.message);
  }

  /**
   * Takes one of the user's connection slots (429 when all are held), then
   * completes the upgrade. The slot is held until the TCP socket closes,
   * whether the WebSocket opened or not.
   */
  private async upgradeWithSlot(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    admission: Admission,
  ): Promise<void> {
    const userId = admission.user.id;
    if (!(await holdSlotWhileOpen(this.slots, userId, String(++this.lastSlotId), socket))) {
      this.refuse(request, socket, {
        status: 429,
        message: 'too many open connections for this user',
        userId,
      });
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) =>
      this.accept(new WsSocket(ws), admission, clientAddress(request)),
    );
  }

  /**
   * Decides an upgrade from its URL, `Origin` and session cookie, and the
   * user's role on the document.
   * @throws UpgradeLookupFailed when the session or document store rejects
   */
  private async authorize(request: IncomingMessage): Promise<UpgradeRefusal | Admission> {
    const accessEpoch = this.access.epoch;
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
    if (!sessionToken) return { status: 401, message: 'sign in first' };
    const session = await this.sessions.resolveSession(sessionToken).catch(lookupFailed);
    if (!session) return { status: 401, message: 'sign in first' };
    const { user } = session;
    const document = await this.documents.findAccessible(documentId, user.id).catch(lookupFailed);
    if (!document) return { status: 404, message: 'document not found' };
    return {
      user,
      document,
      sessionToken,
      sessionExpiresAt: session.expiresAt.getTime(),
      expectedUserId: url.searchParams.get(COLLAB_USER_PARAM),
      accessEpoch,
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
    socket.on('error', (error) => {
      // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame).
      logger.warn({ err: error, connection: connection.id }, 'WebSocket error');
    });
    const budget = this.options.budget ? new MessageBudget(this.options.budget) : undefined;
    // Messages run as room operations: they wait while the room loads or commits, in arrival order.
    socket.on('message', (bytes, isBinary) => {
      const queued = room.queue.run(
        () => this.receive(connection, room, bytes, isBinary, budget),
        Math.max(1, bytes.byteLength),
        user.id,
      );
      if (!queued) connection.refuse(CloseCode.RateLimited, 'the document is busy: too much is waiting');
    });
    this.heartbeat?.watch(socket, logger);
    this.sessionWatch?.watch(connection, admission.sessionExpiresAt);
    socket.on('close', (code) => {
      connection.markClosed();
      this.bounds.closed(connection);
      this.sessionWatch?.unwatch(connection);
      room.leave(connection);
      this.rooms.released(room);
      logger.debug({ connection: connection.id, code }, 'connection closed');
    });
    room.loaded.catch(() =>
      connection.close(CloseCode.StorageUnavailable, 'the server could not load the document'),
    );
    // Joining sends the room's presence: charged to the user's presence-answer budget (4429 past it).
    room.enqueueJoin(connection, () => this.bounds.admitJoin(connection));
    // A sign-out or role change while the upgrade read the store missed this socket: re-decide it now.
    if (this.access.epoch !== admission.accessEpoch) void this.access.recheck(connection, document.id);
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

  /** Closes every connection with "going away" and unloads every document, each compacted (shutdown). */
  async close(): Promise<void> {
    this.access.close();
    this.heartbeat?.stop();
    this.sessionWatch?.stop();
    const unloaded = this.rooms.closeAll(CloseCode.GoingAway, 'server shutting down');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await unloaded;
  }
}
