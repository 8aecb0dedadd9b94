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
  /** The sweep under way: the timer starts no other until it ends (a slow store never piles sweeps up). */
  private sweeping: Promise<{ deletedSessions: number; closedConnections: number }> | undefined;
  private stopped = false;

  constructor(
    private readonly sessions: Pick<SessionService, 'deleteExpired' | 'isActive' | 'resolveSession'>,
    options: SessionWatchOptions,
    private readonly logger: Logger,
  ) {
    this.sweepTimer = setInterval(() => {
      if (!this.sweeping) void this.sweep();
    }, options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Closes `connection` with 4401 when its session expires at `expiresAt` (ms since the epoch). */
  watch(connection: Connection, expiresAt: number): void {
    if (this.stopped) return;
    connection.guards.sessionExpiresAt = expiresAt;
    const timer = setTimeout(
      () => void this.expiryReached(connection),
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
   * session no longer resolves (one read per distinct session, one after the
   * other). Resolves to the number of sessions deleted and connections
   * closed; errors are logged, never thrown (it runs on a timer). A call
   * while a sweep is under way joins that sweep.
   */
  sweep(): Promise<{ deletedSessions: number; closedConnections: number }> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<{ deletedSessions: number; closedConnections: number }> {
    let deletedSessions = 0;
    let closedConnections = 0;
    try {
      deletedSessions = await this.sessions.deleteExpired();
      const valid = new Map<string, boolean>();
      for (const connection of [...this.expiryTimers.keys()]) {
        const token = connection.sessionToken;
        let active = valid.get(token);
        if (active === undefined) {
          active = await this.sessions.isActive(token);
          valid.set(token, active);
        }
        // Closed or unwatched while the store answered: nothing to end.
        if (active || !this.expiryTimers.has(connection)) continue;
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
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private async expiryReached(connection: Connection): Promise<void> {
    this.expiryTimers.delete(connection);
    if (!connection.isOpen) return;
    let session: Awaited<ReturnType<SessionService['resolveSession']>>;
    try {
      session = await this.sessions.resolveSession(connection.sessionToken);
    } catch (error) {
      this.logger.error({ err: error }, 'could not check an expiring session');
    }
    if (!connection.isOpen || this.stopped) return;
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
