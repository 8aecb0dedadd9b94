import { CloseCode, canEditText, type DocumentSummary, ROLE_LABEL } from '@draftroom/shared';
import type { SessionService } from '../auth/sessionService';
import type { AsyncDocumentRepository } from '../store/documents';
import type { AccessMessage, Delivered, DocumentBus } from './bus';
import type { Connection } from './connection';
import type { RoomRegistry } from './roomRegistry';

/** Whose sockets to re-decide: a user's (or everyone's), on one document (or all), after a sign-out or not. */
export interface AccessScope {
  userId?: string;
  documentId?: string;
  signedOut?: boolean;
  /** A session whose sockets stay (the one that changed its own password). */
  exceptSessionToken?: string;
}

/** One pass over the sockets: each session and each (document, user) access read once, however many sockets share it. */
class ReviewReads {
  private readonly sessions = new Map<string, Promise<boolean>>();
  private readonly access = new Map<string, Promise<DocumentSummary | undefined>>();

  constructor(
    private readonly documents: Pick<AsyncDocumentRepository, 'findAccessible'>,
    private readonly sessionService: Pick<SessionService, 'isActive'>,
  ) {}

  sessionActive(token: string): Promise<boolean> {
    let read = this.sessions.get(token);
    if (!read) {
      read = this.sessionService.isActive(token);
      this.sessions.set(token, read);
    }
    return read;
  }

  accessOf(documentId: string, userId: string): Promise<DocumentSummary | undefined> {
    const key = `${documentId}\n${userId}`;
    let read = this.access.get(key);
    if (!read) {
      read = this.documents.findAccessible(documentId, userId);
      this.access.set(key, read);
    }
    return read;
  }
}

/**
 * Re-decides open collaboration sockets when roles, accounts or sessions
 * change — on this instance, and (over the bus's global channel) on every
 * other: each instance re-reads the store for its own sockets of the user
 * named, so a sign-out or role removal on one instance closes the user's
 * sockets everywhere. The reads are asynchronous; one connection's reviews
 * run one after the other, so an older answer never overrides a newer one.
 * A review whose read fails is logged and leaves the socket as it was (the
 * session sweep catches an ended session later).
 */
export class AccessReview {
  private readonly subscription: { unsubscribe(): void } | undefined;
  /** The tail of each connection's reviews. */
  private readonly reviewing = new WeakMap<Connection, Promise<void>>();
  /** How many re-decisions started (here or told by another instance): see {@link epoch}. */
  private started = 0;

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly documents: Pick<AsyncDocumentRepository, 'findAccessible'>,
    private readonly sessions: Pick<SessionService, 'isActive'>,
    private readonly bus: DocumentBus | undefined,
  ) {
    this.subscription = bus?.subscribeGlobal((message) => void this.changedElsewhere(message));
  }

  /**
   * Re-decides the access of open connections after roles or accounts
   * changed: a removed user is disconnected (4410), a signed-out one too
   * (4401), a changed role takes effect at once and the client is told.
   * Resolves once this instance's connections were re-decided; never rejects.
   */
  changed(scope: AccessScope): Promise<void> {
    this.started++;
    this.publishAccess(
      scope.userId ?? null,
      scope.documentId ?? null,
      scope.signedOut ? 'signed-out' : 'role-changed',
    );
    const reads = new ReviewReads(this.documents, this.sessions);
    const reviews: Promise<void>[] = [];
    for (const room of this.rooms.openRooms) {
      if (scope.documentId && room.documentId !== scope.documentId) continue;
      for (const connection of room.members) {
        if (scope.userId && connection.user.id !== scope.userId) continue;
        if (scope.exceptSessionToken && connection.sessionToken === scope.exceptSessionToken) continue;
        const signedOut = scope.signedOut === true;
        reviews.push(
          this.review(connection, () => this.reviewAccess(connection, room.documentId, signedOut, reads)),
        );
      }
    }
    return Promise.all(reviews).then(() => undefined);
  }

  /**
   * A number that changes whenever a re-decision starts. A socket admitted
   * on reads made before (its upgrade read the session and the role from the
   * store, which takes time) reads it before those reads and, once it is in
   * its room (Room.members, where later re-decisions find it), asks for
   * {@link recheck} if it changed: a sign-out or role change made while it was
   * being admitted is not missed.
   */
  get epoch(): number {
    return this.started;
  }

  /**
   * Re-decides one connection from the store, as a re-decision told by
   * another instance does: closed (4401) when its session ended, (4410) when
   * its access was removed; a changed role takes effect. Never rejects.
   */
  recheck(connection: Connection, documentId: string): Promise<void> {
    const reads = new ReviewReads(this.documents, this.sessions);
    return this.review(connection, async () => {
      const signedOut = !(await reads.sessionActive(connection.sessionToken));
      await this.reviewAccess(connection, documentId, signedOut, reads);
    });
  }

  /** Closes the sockets opened with a session that was just signed out (here and, over the bus, elsewhere). */
  sessionEnded(sessionToken: string, userId?: string): void {
    this.started++;
    if (userId) this.publishAccess(userId, null, 'signed-out');
    for (const room of this.rooms.openRooms) {
      for (const connection of room.members) {
        if (connection.sessionToken === sessionToken)
          connection.close(CloseCode.Unauthenticated, 'signed out');
      }
    }
  }

  /**
   * Tells the other instances to re-decide a user's sockets (every user's,
   * per user, when `userId` is null: one message per user with a socket
   * here would not reach users connected only elsewhere, so each instance
   * re-decides all its sockets).
   */
  private publishAccess(userId: string | null, documentId: string | null, kind: AccessMessage['kind']): void {
    this.bus?.publish({ type: 'access', userId: userId ?? '*', documentId, kind });
  }

  /** Runs `work` after the connection's earlier reviews; a failure is logged, never thrown. */
  private review(connection: Connection, work: () => Promise<void>): Promise<void> {
    const run = (this.reviewing.get(connection) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      connection.logger.error({ err: error, connection: connection.id }, 'could not re-check access');
    });
    this.reviewing.set(connection, run);
    return run;
  }

  private async reviewAccess(
    connection: Connection,
    documentId: string,
    signedOut: boolean,
    reads: ReviewReads,
  ): Promise<void> {
    if (!connection.isOpen) return;
    if (signedOut) {
      connection.close(CloseCode.Unauthenticated, 'signed out by an administrator');
      return;
    }
    const access = await reads.accessOf(documentId, connection.user.id);
    if (!connection.isOpen) return;
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

  /**
   * Another instance signed a user out or changed their roles: this
   * instance's sockets of that user are re-decided from the store — a socket
   * whose session is no longer valid is closed (4401), a removed role closes
   * it (4410), a changed one takes effect.
   */
  private changedElsewhere(message: Delivered<AccessMessage>): Promise<void> {
    this.started++;
    const reads = new ReviewReads(this.documents, this.sessions);
    const reviews: Promise<void>[] = [];
    for (const room of this.rooms.openRooms) {
      if (message.documentId && room.documentId !== message.documentId) continue;
      for (const connection of room.members) {
        if (message.userId !== '*' && connection.user.id !== message.userId) continue;
        reviews.push(
          this.review(connection, async () => {
            const signedOut = !(await reads.sessionActive(connection.sessionToken));
            await this.reviewAccess(connection, room.documentId, signedOut, reads);
          }),
        );
      }
    }
    return Promise.all(reviews).then(() => undefined);
  }

  close(): void {
    this.subscription?.unsubscribe();
  }
}
