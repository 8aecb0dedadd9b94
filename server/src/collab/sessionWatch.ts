import { CloseCode } from '@draftroom/shared';
import type { SessionService } from '../auth/sessionService';
import type { Logger } from '../logger';
import type { Connection } from './connection';

/** setTimeout's longest delay (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SessionWatchOptions {
  /** Milliseconds between sweeps: expired sessions deleted, every watched socket's session checked again. */
  sweepIntervalMs: number;
}

/**
 * Ends collaboration sockets whose session ended (issue 12, item 5): each
 * watched connection is closed with 4401 (Unauthenticated) at its session's
 * expiry (a timer per connection), and every `sweepIntervalMs` expired
 * sessions are deleted from the database and every watched connection whose
 * session no longer resolves — deleted by sign-out, a password change or an
 * administrator, or by any other path — is closed with 4401 as well.
 * Messages that arrive after the expiry but before the timer ran are refused
 * by the collaboration server itself (Connection.sessionExpired).
 */
export class SessionWatch {
  private readonly expiryTimers = new Map<Connection, NodeJS.Timeout>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionService,
    options: SessionWatchOptions,
    private readonly logger: Logger,
  ) {
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Closes `connection` with 4401 when its session expires at `expiresAt` (ms since the epoch). */
  watch(connection: Connection, expiresAt: number): void {
    connection.guards.sessionExpiresAt = expiresAt;
    const timer = setTimeout(
      () => this.expiryReached(connection),
      Math.min(MAX_TIMER_MS, expiresAt - Date.now()),
    );
    timer.unref();
    this.expiryTimers.set(connection, timer);
  }

  /** Stops watching a connection (it closed). */
  unwatch(connection: Connection): void {
    clearTimeout(this.expiryTimers.get(connection));
    this.expiryTimers.delete(connection);
  }

  /** Watched connections (for tests and metrics). */
  get size(): number {
    return this.expiryTimers.size;
  }

  /**
   * Deletes expired sessions and closes every watched connection whose
   * session no longer resolves. Returns the number of sessions deleted and
   * connections closed. Errors are logged, never thrown (it runs on a timer).
   */
  sweep(): { deletedSessions: number; closedConnections: number } {
    let deletedSessions = 0;
    let closedConnections = 0;
    try {
      deletedSessions = this.sessions.deleteExpired();
      const valid = new Map<string, boolean>();
      for (const connection of [...this.expiryTimers.keys()]) {
        const token = connection.sessionToken;
        if (!valid.has(token)) valid.set(token, this.sessions.resolve(token) !== undefined);
        if (valid.get(token)) continue;
        this.end(connection, 'your session ended');
        closedConnections++;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'session sweep failed');
    }
    if (deletedSessions > 0 || closedConnections > 0) {
      this.logger.info({ deletedSessions, closedConnections }, 'swept expired sessions');
    }
    return { deletedSessions, closedConnections };
  }

  /** Stops the sweep and every expiry timer (shutdown). */
  stop(): void {
    clearInterval(this.sweepTimer);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private expiryReached(connection: Connection): void {
    this.expiryTimers.delete(connection);
    if (!connection.isOpen) return;
    let session: ReturnType<SessionService['resolveSession']>;
    try {
      session = this.sessions.resolveSession(connection.sessionToken);
    } catch (error) {
      this.logger.error({ err: error }, 'could not check an expiring session');
    }
    // A long session (past setTimeout's range) or one that was renewed: wait again.
    if (session && session.expiresAt.getTime() > Date.now()) {
      this.watch(connection, session.expiresAt.getTime());
      return;
    }
    this.end(connection, 'your session expired');
  }

  private end(connection: Connection, reason: string): void {
    this.unwatch(connection);
    connection.logger.info({ connection: connection.id, reason }, 'session ended; closing the connection');
    connection.close(CloseCode.Unauthenticated, reason);
  }
}
