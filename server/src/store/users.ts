import { randomUUID } from 'node:crypto';
import type { UserProfile } from '@draftroom/shared';
import { type AsyncOf, asyncOf } from './asyncOf';
import { nowIso, type SqliteDatabase } from './database';

/** A user joined with its participant, as both stores read it (`is_admin`: 1 or 0). */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  is_admin: number;
  password_hash: string;
  participant_id: string;
  participant_code: string;
  participant_name: string;
  participant_kind: UserProfile['participant']['kind'];
  participant_color: string;
}

export interface UserWithPassword {
  profile: UserProfile;
  passwordHash: string;
}

export interface NewUser {
  email: string;
  name: string;
  participantId: string;
  passwordHash: string;
  isAdmin: boolean;
}

const SELECT_USER = `
  SELECT u.id, u.email, u.name, u.is_admin, u.password_hash, u.participant_id,
         p.code AS participant_code, p.name AS participant_name, p.kind AS participant_kind,
         p.color AS participant_color
  FROM users u JOIN participants p ON p.id = u.participant_id`;

/** The profile of a user row. */
export function toProfile(row: UserRow): UserProfile {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isAdmin: row.is_admin === 1,
    participant: {
      id: row.participant_id,
      code: row.participant_code,
      name: row.participant_name,
      kind: row.participant_kind,
      color: row.participant_color,
    },
  };
}

/** User accounts; each belongs to one participant. */
export class UserRepository {
  constructor(private readonly db: SqliteDatabase) {}

  create(user: NewUser): string {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO users (id, email, name, participant_id, password_hash, is_admin, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        user.email.toLowerCase(),
        user.name,
        user.participantId,
        user.passwordHash,
        user.isAdmin ? 1 : 0,
        nowIso(),
      );
    return id;
  }

  findByEmail(email: string): UserWithPassword | undefined {
    const row = this.db.prepare<[string], UserRow>(`${SELECT_USER} WHERE u.email = ?`).get(email);
    return row && { profile: toProfile(row), passwordHash: row.password_hash };
  }

  findById(id: string): UserProfile | undefined {
    const row = this.db.prepare<[string], UserRow>(`${SELECT_USER} WHERE u.id = ?`).get(id);
    return row && toProfile(row);
  }

  list(): UserProfile[] {
    return this.db.prepare<[], UserRow>(`${SELECT_USER} ORDER BY p.name, u.name`).all().map(toProfile);
  }

  setPasswordHash(id: string, passwordHash: string): void {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
  }
}

const USER_METHODS = ['create', 'findByEmail', 'findById', 'list', 'setPasswordHash'] as const;

/** User accounts behind the asynchronous interface (SQLite: sqliteUserRepository; PostgreSQL: PgUserRepository). */
export type AsyncUserRepository = AsyncOf<Pick<UserRepository, (typeof USER_METHODS)[number]>>;

/** The SQLite store as an AsyncUserRepository (each call runs at once; its result comes as a settled promise). */
export function sqliteUserRepository(store: UserRepository): AsyncUserRepository {
  return asyncOf(store, USER_METHODS);
}
