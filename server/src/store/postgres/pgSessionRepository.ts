import type { AsyncSessionRepository } from '../sessions';
import { isoText } from './isoTime';
import type { Queryable } from './queryable';

/**
 * Sign-in sessions in PostgreSQL (schema: schema/identity.ts), by the SHA-256
 * of their token, as SessionRepository keeps them in SQLite. Every instance
 * sees a session opened, closed or expired through any other at once (one
 * table, no cache). Errors are the database's (a second session with the
 * same token hash: unique violation 23505; an unknown user: 23503).
 */
export class PgSessionRepository implements AsyncSessionRepository {
  constructor(private readonly db: Queryable) {}

  /** Records a session of `userId` valid until `expiresAt` (both times kept to the millisecond). */
  async create(tokenHash: string, userId: string, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [tokenHash, userId, createdAt.toISOString(), expiresAt.toISOString()],
    );
  }

  /** The user id of a session that has not expired at `now`. */
  async findUserId(tokenHash: string, now: Date): Promise<string | undefined> {
    const result = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2',
      [tokenHash, now.toISOString()],
    );
    return result.rows[0]?.user_id;
  }

  /** The user id and expiry of a session that has not expired at `now`. */
  async findSession(tokenHash: string, now: Date): Promise<{ userId: string; expiresAt: Date } | undefined> {
    const result = await this.db.query<{ user_id: string; expires_at: string }>(
      `SELECT user_id, ${isoText('expires_at')} AS expires_at FROM sessions
       WHERE token_hash = $1 AND expires_at > $2`,
      [tokenHash, now.toISOString()],
    );
    const row = result.rows[0];
    return row ? { userId: row.user_id, expiresAt: new Date(row.expires_at) } : undefined;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async deleteForUserExcept(userId: string, keepTokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [
      userId,
      keepTokenHash,
    ]);
  }

  /** Deletes every session expired at `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.query('DELETE FROM sessions WHERE expires_at <= $1', [now.toISOString()]);
    return result.rowCount ?? 0;
  }
}
