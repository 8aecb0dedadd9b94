import { randomBytes } from 'node:crypto';
import { type DocumentSummary, ROLES, type Role } from '@draftroom/shared';
import { contentClientIdsOf, SERVER_CLIENT_OWNER } from '../collab/clientIdOwners';
import { type AsyncOf, asyncOf } from './asyncOf';
import { ClientIdTable } from './clientIdTable';
import { nowIso, type SqliteDatabase } from './database';

/** A document with the user's explicit and default roles, as both stores read it for `*Accessible`. */
export interface DocumentAccessRow {
  id: string;
  title: string;
  updated_at: string;
  process_id: string;
  process_name: string;
  process_description: string;
  explicit_role: string | null;
  default_role: string | null;
}

export interface DocumentUserRole {
  userId: string;
  name: string;
  email: string;
  participantCode: string;
  /** Set for this user on this document (`none` removes access); null when the default applies. */
  explicitRole: Role | 'none' | null;
  /** The default role of the user's participant in the process; null when it does not take part. */
  defaultRole: Role | null;
}

/**
 * When a document last changed (an SQL expression over `documents d`): the
 * newest appended update's time, or `d.updated_at` (its creation, or the
 * newest update a compaction folded into the state) when none is newer. A
 * commit of updates writes no `documents` row (SqliteDocumentStorage).
 */
const UPDATED_AT = `max(d.updated_at, coalesce((SELECT u.created_at FROM document_updates u
    WHERE u.document_id = d.id ORDER BY u.id DESC LIMIT 1), d.updated_at))`;

/**
 * A user's role on a document: an explicit per-document role wins; otherwise
 * the default role of the user's participant in the document's process.
 * `none` (explicit) or no membership means no access.
 */
const SELECT_ACCESSIBLE = `
  SELECT d.id, d.title, ${UPDATED_AT} AS updated_at, pr.id AS process_id, pr.name AS process_name,
         pr.description AS process_description, dr.role AS explicit_role, pp.default_role
  FROM documents d
  JOIN processes pr ON pr.id = d.process_id
  JOIN users u ON u.id = @userId
  LEFT JOIN document_roles dr ON dr.document_id = d.id AND dr.user_id = u.id
  LEFT JOIN process_participants pp ON pp.process_id = d.process_id AND pp.participant_id = u.participant_id`;

/** The user's role in an access row (explicit wins; `none` or no membership: undefined). */
export function roleOf(row: DocumentAccessRow): Role | undefined {
  const role = row.explicit_role ?? row.default_role;
  return (ROLES as readonly string[]).includes(role ?? '') ? (role as Role) : undefined;
}

/** The summary of an access row for a user with `role`. */
export function toSummary(row: DocumentAccessRow, role: Role): DocumentSummary {
  return {
    id: row.id,
    title: row.title,
    updatedAt: row.updated_at,
    role,
    process: { id: row.process_id, name: row.process_name, description: row.process_description },
  };
}

/** Documents (their metadata; the text lives in the Yjs state, see SqliteDocumentStorage). */
export class DocumentRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Creates the document row with its initial Yjs state, in one transaction;
   * the state's client ids are recorded as the server's (document_client_ids),
   * so no client may write under them.
   */
  create(processId: string, title: string, initialState: Uint8Array): string {
    const id = randomBytes(9).toString('base64url');
    const now = nowIso();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(id, processId, title, now, now);
      this.db
        .prepare(
          'INSERT INTO document_states (document_id, state, last_update_id, compacted_at) VALUES (?, ?, 0, ?)',
        )
        .run(id, Buffer.from(initialState), now);
      const serverIds = new Map<number, string>();
      for (const clientId of contentClientIdsOf(initialState)) serverIds.set(clientId, SERVER_CLIENT_OWNER);
      new ClientIdTable(this.db).record(id, serverIds, now);
    })();
    return id;
  }

  /** The document as the user may see it, or undefined when it does not exist or the user has no role. */
  findAccessible(documentId: string, userId: string): DocumentSummary | undefined {
    const row = this.db
      .prepare<{ userId: string; documentId: string }, DocumentAccessRow>(
        `${SELECT_ACCESSIBLE} WHERE d.id = @documentId`,
      )
      .get({ userId, documentId });
    const role = row && roleOf(row);
    return row && role ? toSummary(row, role) : undefined;
  }

  listAccessible(userId: string): DocumentSummary[] {
    const rows = this.db
      .prepare<{ userId: string }, DocumentAccessRow>(`${SELECT_ACCESSIBLE} ORDER BY pr.name, d.title`)
      .all({ userId });
    return rows.flatMap((row) => {
      const role = roleOf(row);
      return role ? [toSummary(row, role)] : [];
    });
  }

  exists(documentId: string): boolean {
    return this.db.prepare('SELECT 1 FROM documents WHERE id = ?').get(documentId) !== undefined;
  }

  /** Every document, for administrators (who are not automatically on any document). */
  listAll(): { id: string; title: string; processId: string; processName: string; updatedAt: string }[] {
    return this.db
      .prepare<[], { id: string; title: string; processId: string; processName: string; updatedAt: string }>(
        `SELECT d.id, d.title, d.process_id AS processId, pr.name AS processName, ${UPDATED_AT} AS updatedAt
         FROM documents d JOIN processes pr ON pr.id = d.process_id ORDER BY pr.name, d.title`,
      )
      .all();
  }

  findProcessId(documentId: string): string | undefined {
    return this.db
      .prepare<[string], { process_id: string }>('SELECT process_id FROM documents WHERE id = ?')
      .get(documentId)?.process_id;
  }

  /** Each user's role on a document: explicit (per document) or the participant's default, or none. */
  listUserRoles(documentId: string): DocumentUserRole[] {
    return this.db
      .prepare<[string], DocumentUserRole>(
        `SELECT u.id AS userId, u.name, u.email, p.code AS participantCode,
                dr.role AS explicitRole, pp.default_role AS defaultRole
         FROM documents d
         JOIN users u
         JOIN participants p ON p.id = u.participant_id
         LEFT JOIN document_roles dr ON dr.document_id = d.id AND dr.user_id = u.id
         LEFT JOIN process_participants pp ON pp.process_id = d.process_id AND pp.participant_id = u.participant_id
         WHERE d.id = ? ORDER BY p.code, u.name`,
      )
      .all(documentId);
  }

  clearUserRole(documentId: string, userId: string): void {
    this.db
      .prepare('DELETE FROM document_roles WHERE document_id = ? AND user_id = ?')
      .run(documentId, userId);
  }

  setUserRole(documentId: string, userId: string, role: Role | 'none'): void {
    this.db
      .prepare(
        `INSERT INTO document_roles (document_id, user_id, role) VALUES (?, ?, ?)
         ON CONFLICT (document_id, user_id) DO UPDATE SET role = excluded.role`,
      )
      .run(documentId, userId, role);
  }
}

const DOCUMENT_METHODS = [
  'create',
  'findAccessible',
  'listAccessible',
  'exists',
  'listAll',
  'findProcessId',
  'listUserRoles',
  'clearUserRole',
  'setUserRole',
] as const;

/** Documents' records and roles behind the asynchronous interface (SQLite: sqliteDocumentRepository; PostgreSQL: PgDocumentRepository). */
export type AsyncDocumentRepository = AsyncOf<Pick<DocumentRepository, (typeof DOCUMENT_METHODS)[number]>>;

/** The SQLite store as an AsyncDocumentRepository (each call runs at once; its result comes as a settled promise). */
export function sqliteDocumentRepository(store: DocumentRepository): AsyncDocumentRepository {
  return asyncOf(store, DOCUMENT_METHODS);
}
