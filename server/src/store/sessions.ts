import { type AsyncOf, asyncOf } from './asyncOf';
import type { SqliteDatabase } from './database';

/** Sign-in sessions, stored by the SHA-256 of their token (the token itself lives only in the cookie). */
export class SessionRepository {
  constructor(private readonly db: SqliteDatabase) {}

  create(tokenHash: string, userId: string, createdAt: Date, expiresAt: Date): void {
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash, userId, createdAt.toISOString(), expiresAt.toISOString());
  }

  /** The user id of a session that has not expired at `now`. */
  findUserId(tokenHash: string, now: Date): string | undefined {
    return this.db
      .prepare<[string, string], { user_id: string }>(
        'SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?',
      )
      .get(tokenHash, now.toISOString())?.user_id;
  }

  /** The user id and expiry of a session that has not expired at `now`. */
  findSession(tokenHash: string, now: Date): { userId: string; expiresAt: Date } | undefined {
    const row = this.db
      .prepare<[string, string], { user_id: string; expires_at: string }>(
        'SELECT user_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
      )
      .get(tokenHash, now.toISOString());
    return row ? { userId: row.user_id, expiresAt: new Date(row.expires_at) } : undefined;
  }

  delete(tokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  deleteForUser(userId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  deleteForUserExcept(userId: string, keepTokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?').run(userId, keepTokenHash);
  }

  /** Deletes every session expired at `now`; returns how many. */
  deleteExpired(now: Date): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString()).changes;
  }
}

const SESSION_METHODS = [
  'create',
  'findUserId',
  'findSession',
  'delete',
  'deleteForUser',
  'deleteForUserExcept',
  'deleteExpired',
] as const;

/** Sign-in sessions behind the asynchronous interface (SQLite: sqliteSessionRepository; PostgreSQL: PgSessionRepository). */
export type AsyncSessionRepository = AsyncOf<Pick<SessionRepository, (typeof SESSION_METHODS)[number]>>;

/** The SQLite store as an AsyncSessionRepository (each call runs at once; its result comes as a settled promise). */
export function sqliteSessionRepository(store: SessionRepository): AsyncSessionRepository {
  return asyncOf(store, SESSION_METHODS);
}
