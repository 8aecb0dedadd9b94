import { createHash, randomBytes } from 'node:crypto';
import type { UserProfile } from '@draftroom/shared';
import type { AsyncSessionRepository } from '../store/sessions';
import type { AsyncUserRepository } from '../store/users';

export interface SignedInSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The CSRF token of a session: derived from the session token, so it needs no storage. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

/**
 * Opens, resolves and closes sign-in sessions, in the record store every
 * instance shares (SQLite or PostgreSQL). Nothing is cached: a session signed
 * out through any instance no longer resolves on the next call. Every method
 * rejects with the store's error when it cannot be reached.
 */
export class SessionService {
  constructor(
    private readonly sessions: AsyncSessionRepository,
    private readonly users: AsyncUserRepository,
    private readonly ttlHours: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Opens a session of `userId` for `ttlHours`; resolves to its token (for the cookie), CSRF token and expiry. */
  async open(userId: string): Promise<SignedInSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.ttlHours * 3_600_000);
    await this.sessions.create(hashToken(token), userId, now, expiresAt);
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /** The signed-in user of a session token, or undefined when unknown or expired. */
  async resolve(token: string | undefined): Promise<UserProfile | undefined> {
    if (!token) return undefined;
    const userId = await this.sessions.findUserId(hashToken(token), this.clock());
    return userId ? this.users.findById(userId) : undefined;
  }

  /** The signed-in user of a session token and when the session expires, or undefined when unknown or expired. */
  async resolveSession(
    token: string | undefined,
  ): Promise<{ user: UserProfile; expiresAt: Date } | undefined> {
    if (!token) return undefined;
    const session = await this.sessions.findSession(hashToken(token), this.clock());
    const user = session ? await this.users.findById(session.userId) : undefined;
    return session && user ? { user, expiresAt: session.expiresAt } : undefined;
  }

  /** True while the session of `token` exists and has not expired (one read: no profile). */
  async isActive(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    return (await this.sessions.findUserId(hashToken(token), this.clock())) !== undefined;
  }

  /** Deletes the sessions that have expired; resolves to how many were deleted. */
  deleteExpired(): Promise<number> {
    return this.sessions.deleteExpired(this.clock());
  }

  /** Signs out the session of `token` (nothing happens for an unknown token). */
  close(token: string): Promise<void> {
    return this.sessions.delete(hashToken(token));
  }

  /** Signs out every other session of a user (after a password change). */
  closeOthersOf(userId: string, keepToken: string): Promise<void> {
    return this.sessions.deleteForUserExcept(userId, hashToken(keepToken));
  }

  /** Signs out every session of a user (a password reset). */
  closeAllFor(userId: string): Promise<void> {
    return this.sessions.deleteForUser(userId);
  }
}
