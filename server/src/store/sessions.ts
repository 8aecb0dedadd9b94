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

  delete(tokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  deleteForUser(userId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  deleteForUserExcept(userId: string, keepTokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?').run(userId, keepTokenHash);
  }

  deleteExpired(now: Date): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString()).changes;
  }
}
