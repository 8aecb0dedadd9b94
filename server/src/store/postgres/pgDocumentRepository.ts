import { randomBytes } from 'node:crypto';
import type { DocumentSummary, Role } from '@draftroom/shared';
import { contentClientIdsOf, SERVER_CLIENT_OWNER } from '../../collab/clientIdOwners';
import { nowIso } from '../database';
import {
  type AsyncDocumentRepository,
  type DocumentAccessRow,
  type DocumentUserRole,
  roleOf,
  toSummary,
} from '../documents';
import { isoText } from './isoTime';
import type { Queryable } from './queryable';

/** A document in the administrators' list (DocumentRepository.listAll). */
type ListedDocument = {
  id: string;
  title: string;
  processId: string;
  processName: string;
  updatedAt: string;
};

/**
 * When a document last changed: its creation, or the newest commit of
 * updates — PgDocumentStorage moves `document_heads.updated_at` in every
 * commit, and a compaction leaves it (SQLite reads the same moment from the
 * newest update row and `documents.updated_at`). Needs `LEFT JOIN
 * document_heads h ON h.document_id = d.id`.
 */
const UPDATED_AT = isoText('greatest(d.updated_at, h.updated_at)');

/** A user's role on a document: explicit wins, else the default of the user's participant in the process. */
const SELECT_ACCESSIBLE = `
  SELECT d.id, d.title, ${UPDATED_AT} AS updated_at, pr.id AS process_id, pr.name AS process_name,
         pr.description AS process_description, dr.role AS explicit_role, pp.default_role
  FROM documents d
  JOIN processes pr ON pr.id = d.process_id
  JOIN users u ON u.id = $1
  LEFT JOIN document_heads h ON h.document_id = d.id
  LEFT JOIN document_roles dr ON dr.document_id = d.id AND dr.user_id = u.id
  LEFT JOIN process_participants pp ON pp.process_id = d.process_id AND pp.participant_id = u.participant_id`;

/**
 * Creates, in one statement (so atomically, on a pool or inside a caller's
 * transaction alike): the document row, its initial state (`raw`, covering
 * no update: `last_update_id` 0), its head (no update yet, changed at its
 * creation) and the state's client ids as the server's.
 */
const CREATE_DOCUMENT = `
  WITH document AS (
    INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
    RETURNING id
  ), state AS (
    INSERT INTO document_states (document_id, state, state_encoding, last_update_id, compacted_at)
    VALUES ($1, $5, 'raw', 0, $4)
  ), head AS (
    INSERT INTO document_heads (document_id, last_update_id, updated_at) VALUES ($1, 0, $4)
  ), client_ids AS (
    INSERT INTO document_client_ids (document_id, client_id, user_id, first_seen_at)
    SELECT $1, client_id, $6, $4 FROM unnest($7::bigint[]) AS client_id
  )
  SELECT id FROM document`;

/**
 * Documents' records (process, title, times) and per-document roles in
 * PostgreSQL (schema: schema/identity.ts), as DocumentRepository keeps them
 * in SQLite; the text lives in the Yjs tables of PgDocumentStorage. Errors
 * are the database's (an unknown process, document or user: foreign key
 * violation 23503; a role outside the five: 23514).
 */
export class PgDocumentRepository implements AsyncDocumentRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Creates a document of `processId` with its initial Yjs state; resolves to
   * its new id (12 base64url characters). Throws Yjs's error, storing
   * nothing, when `initialState` is not a Yjs update.
   */
  async create(processId: string, title: string, initialState: Uint8Array): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    const serverClientIds = [...contentClientIdsOf(initialState)];
    await this.db.query(CREATE_DOCUMENT, [
      id,
      processId,
      title,
      nowIso(),
      Buffer.from(initialState),
      SERVER_CLIENT_OWNER,
      serverClientIds,
    ]);
    return id;
  }

  /** The document as the user may see it, or undefined when it does not exist or the user has no role. */
  async findAccessible(documentId: string, userId: string): Promise<DocumentSummary | undefined> {
    const result = await this.db.query<DocumentAccessRow>(`${SELECT_ACCESSIBLE} WHERE d.id = $2`, [
      userId,
      documentId,
    ]);
    const row = result.rows[0];
    const role = row && roleOf(row);
    return row && role ? toSummary(row, role) : undefined;
  }

  /** The documents the user has a role on, by process name, then title (code point order). */
  async listAccessible(userId: string): Promise<DocumentSummary[]> {
    const result = await this.db.query<DocumentAccessRow>(`${SELECT_ACCESSIBLE} ORDER BY pr.name, d.title`, [
      userId,
    ]);
    return result.rows.flatMap((row) => {
      const role = roleOf(row);
      return role ? [toSummary(row, role)] : [];
    });
  }

  async exists(documentId: string): Promise<boolean> {
    const result = await this.db.query('SELECT 1 FROM documents WHERE id = $1', [documentId]);
    return result.rows.length > 0;
  }

  /** Every document, for administrators (who are not automatically on any document), by process name, then title. */
  async listAll(): Promise<ListedDocument[]> {
    const result = await this.db.query<ListedDocument>(
      `SELECT d.id, d.title, d.process_id AS "processId", pr.name AS "processName", ${UPDATED_AT} AS "updatedAt"
       FROM documents d JOIN processes pr ON pr.id = d.process_id
       LEFT JOIN document_heads h ON h.document_id = d.id
       ORDER BY pr.name, d.title`,
    );
    return result.rows;
  }

  async findProcessId(documentId: string): Promise<string | undefined> {
    const result = await this.db.query<{ process_id: string }>(
      'SELECT process_id FROM documents WHERE id = $1',
      [documentId],
    );
    return result.rows[0]?.process_id;
  }

  /** Each user's role on a document, by participant code, then name; empty for an unknown document. */
  async listUserRoles(documentId: string): Promise<DocumentUserRole[]> {
    const result = await this.db.query<DocumentUserRole>(
      `SELECT u.id AS "userId", u.name, u.email, p.code AS "participantCode",
              dr.role AS "explicitRole", pp.default_role AS "defaultRole"
       FROM documents d
       CROSS JOIN users u
       JOIN participants p ON p.id = u.participant_id
       LEFT JOIN document_roles dr ON dr.document_id = d.id AND dr.user_id = u.id
       LEFT JOIN process_participants pp ON pp.process_id = d.process_id AND pp.participant_id = u.participant_id
       WHERE d.id = $1 ORDER BY p.code, u.name`,
      [documentId],
    );
    return result.rows;
  }

  /** Removes the user's explicit role (the participant's default applies again); no error when there is none. */
  async clearUserRole(documentId: string, userId: string): Promise<void> {
    await this.db.query('DELETE FROM document_roles WHERE document_id = $1 AND user_id = $2', [
      documentId,
      userId,
    ]);
  }

  /** Sets the user's explicit role (`none`: no access), replacing any (one statement: safe from several instances at once). */
  async setUserRole(documentId: string, userId: string, role: Role | 'none'): Promise<void> {
    await this.db.query(
      `INSERT INTO document_roles (document_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (document_id, user_id) DO UPDATE SET role = excluded.role`,
      [documentId, userId, role],
    );
  }
}
