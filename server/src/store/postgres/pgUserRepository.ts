import { randomUUID } from 'node:crypto';
import type { UserProfile } from '@draftroom/shared';
import { nowIso } from '../database';
import {
  type AsyncUserRepository,
  type NewUser,
  toProfile,
  type UserRow,
  type UserWithPassword,
} from '../users';
import type { Queryable } from './queryable';

/** SQLite's NOCASE: ASCII letters folded, nothing else (the unique index `users_email_nocase` is on it). */
const foldAscii = (sql: string) =>
  `translate(${sql}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

const SELECT_USER = `
  SELECT u.id, u.email, u.name, u.is_admin::int AS is_admin, u.password_hash, u.participant_id,
         p.code AS participant_code, p.name AS participant_name, p.kind AS participant_kind,
         p.color AS participant_color
  FROM users u JOIN participants p ON p.id = u.participant_id`;

/**
 * User accounts in PostgreSQL (schema: schema/identity.ts), as UserRepository
 * keeps them in SQLite: each belongs to one participant, the address is
 * stored lower-cased and matched with ASCII letters folded. Errors are the
 * database's (an address taken, also when two instances create it at once:
 * unique violation 23505; an unknown participant: 23503).
 */
export class PgUserRepository implements AsyncUserRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates an account; resolves to its new id (a UUID). */
  async create(user: NewUser): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO users (id, email, name, participant_id, password_hash, is_admin, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        user.email.toLowerCase(),
        user.name,
        user.participantId,
        user.passwordHash,
        user.isAdmin,
        nowIso(),
      ],
    );
    return id;
  }

  /** The account with this address (ASCII letters in any case), with its password hash. */
  async findByEmail(email: string): Promise<UserWithPassword | undefined> {
    const result = await this.db.query<UserRow>(
      `${SELECT_USER} WHERE ${foldAscii('u.email')} = ${foldAscii('$1')}`,
      [email],
    );
    const row = result.rows[0];
    return row && { profile: toProfile(row), passwordHash: row.password_hash };
  }

  async findById(id: string): Promise<UserProfile | undefined> {
    const result = await this.db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id]);
    const row = result.rows[0];
    return row && toProfile(row);
  }

  /** Every account, by participant name, then user name (code point order). */
  async list(): Promise<UserProfile[]> {
    const result = await this.db.query<UserRow>(`${SELECT_USER} ORDER BY p.name, u.name`);
    return result.rows.map(toProfile);
  }

  /** Replaces the password hash (no error for an unknown id: nothing changes). */
  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, id]);
  }
}
