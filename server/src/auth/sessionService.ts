import { createHash, randomBytes } from 'node:crypto';
import type { UserProfile } from '@draftroom/shared';
import type { SessionRepository } from '../store/sessions';
import type { UserRepository } from '../store/users';

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

/** Opens, resolves and closes sign-in sessions. */
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly ttlHours: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  open(userId: string): SignedInSession {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.ttlHours * 3_600_000);
    this.sessions.create(hashToken(token), userId, now, expiresAt);
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /** The signed-in user of a session token, or undefined when unknown or expired. */
  resolve(token: string | undefined): UserProfile | undefined {
    if (!token) return undefined;
    const userId = this.sessions.findUserId(hashToken(token), this.clock());
    return userId ? this.users.findById(userId) : undefined;
  }

  /** The signed-in user of a session token and when the session expires, or undefined when unknown or expired. */
  resolveSession(token: string | undefined): { user: UserProfile; expiresAt: Date } | undefined {
    if (!token) return undefined;
    const session = this.sessions.findSession(hashToken(token), this.clock());
    const user = session ? this.users.findById(session.userId) : undefined;
    return session && user ? { user, expiresAt: session.expiresAt } : undefined;
  }

  /** Deletes the sessions that have expired; returns how many were deleted. */
  deleteExpired(): number {
    return this.sessions.deleteExpired(this.clock());
  }

  close(token: string): void {
    this.sessions.delete(hashToken(token));
  }

  /** Signs out every other session of a user (after a password change). */
  closeOthersOf(userId: string, keepToken: string): void {
    this.sessions.deleteForUserExcept(userId, hashToken(keepToken));
  }

  closeAllFor(userId: string): void {
    this.sessions.deleteForUser(userId);
  }
}
