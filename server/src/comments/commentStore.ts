import { randomUUID } from 'node:crypto';
import type { Comment, CommentThread, RangeAnchor } from '@draftroom/shared';
import { actorColumns, actorFrom } from '../negotiation/negotiationStore';
import { type AsyncOf, asyncOf } from '../store/asyncOf';
import { nowIso, type SqliteDatabase } from '../store/database';

/** The next value of the global mention sequence (monotonic, unlike clock times). */
const NEXT_MENTION_SEQ = '(SELECT coalesce(max(mention_seq), 0) + 1 FROM comments)';

interface ThreadRow {
  id: string;
  document_id: string;
  clause_id: string;
  anchor: string | null;
  created_at: string;
  resolved_at: string | null;
  [key: string]: unknown;
}

interface CommentRow {
  id: string;
  thread_id: string;
  body: string;
  mentions: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  [key: string]: unknown;
}

function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    threadId: row.thread_id,
    author: actorFrom(row, 'author'),
    body: row.deleted_at ? '' : row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    mentions: row.deleted_at ? [] : (JSON.parse(row.mentions) as string[]),
  };
}

/** The methods of CommentStore the server uses: the CommentRepository interface. */
const COMMENT_METHODS = [
  'createThread',
  'reply',
  'findComment',
  'editComment',
  'deleteComment',
  'setResolved',
  'thread',
  'threads',
  'mentioning',
  'markRead',
] as const satisfies readonly (keyof CommentStore)[];

/**
 * Comment threads, comments, @mentions and read marks, asynchronous:
 * CommentStore's methods with the same arguments and results (SQLite:
 * `sqliteCommentRepository`; PostgreSQL: store/postgres/pgCommentRepository.ts).
 */
export type CommentRepository = AsyncOf<Pick<CommentStore, (typeof COMMENT_METHODS)[number]>>;

/** The SQLite store as a CommentRepository (each call runs at once, its result a settled promise). */
export function sqliteCommentRepository(store: CommentStore): CommentRepository {
  return asyncOf(store, COMMENT_METHODS);
}

/** Comment threads on clauses (optionally on a range of a clause's text) and their comments. */
export class CommentStore {
  constructor(private readonly db: SqliteDatabase) {}

  createThread(
    documentId: string,
    input: { clauseId: string; anchor: RangeAnchor | null; body: string; mentions: string[] },
    authorId: string,
  ): CommentThread {
    const threadId = randomUUID();
    const now = nowIso();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO comment_threads (id, document_id, clause_id, anchor, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          threadId,
          documentId,
          input.clauseId,
          input.anchor ? JSON.stringify(input.anchor) : null,
          authorId,
          now,
        );
      this.insertComment(threadId, input.body, input.mentions, authorId, now);
    })();
    return this.thread(documentId, threadId) as CommentThread;
  }

  reply(
    documentId: string,
    threadId: string,
    body: string,
    mentions: string[],
    authorId: string,
  ): CommentThread {
    this.insertComment(threadId, body, mentions, authorId, nowIso());
    return this.thread(documentId, threadId) as CommentThread;
  }

  private insertComment(
    threadId: string,
    body: string,
    mentions: string[],
    authorId: string,
    at: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO comments (id, thread_id, author_id, body, mentions, mention_seq, created_at)
         VALUES (?, ?, ?, ?, ?, ${NEXT_MENTION_SEQ}, ?)`,
      )
      .run(randomUUID(), threadId, authorId, body, JSON.stringify(mentions), at);
  }

  /** The comment with its thread's document, or undefined. */
  findComment(
    commentId: string,
  ): { threadId: string; documentId: string; authorId: string; deletedAt: string | null } | undefined {
    return this.db
      .prepare<
        [string],
        { threadId: string; documentId: string; authorId: string; deletedAt: string | null }
      >(
        `SELECT c.thread_id AS threadId, t.document_id AS documentId, c.author_id AS authorId, c.deleted_at AS deletedAt
         FROM comments c JOIN comment_threads t ON t.id = c.thread_id WHERE c.id = ?`,
      )
      .get(commentId);
  }

  editComment(commentId: string, body: string, mentions: string[]): void {
    this.db
      .prepare(
        `UPDATE comments SET body = ?, mentions = ?, mention_seq = ${NEXT_MENTION_SEQ}, edited_at = ?
         WHERE id = ? AND deleted_at IS NULL`,
      )
      .run(body, JSON.stringify(mentions), nowIso(), commentId);
  }

  /** Deletes a comment's text and keeps a tombstone (author and time) in its thread. */
  deleteComment(commentId: string): void {
    this.db
      .prepare(
        "UPDATE comments SET body = '', mentions = '[]', deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
      )
      .run(nowIso(), commentId);
  }

  setResolved(documentId: string, threadId: string, resolvedBy: string | null): CommentThread {
    this.db
      .prepare('UPDATE comment_threads SET resolved_by = ?, resolved_at = ? WHERE id = ? AND document_id = ?')
      .run(resolvedBy, resolvedBy ? nowIso() : null, threadId, documentId);
    return this.thread(documentId, threadId) as CommentThread;
  }

  thread(documentId: string, threadId: string): CommentThread | undefined {
    return this.threads(documentId, threadId)[0];
  }

  /** Threads of a document (oldest first), each with its comments in order. */
  threads(documentId: string, threadId?: string): CommentThread[] {
    const rows = this.db
      .prepare<[string, string | null, string | null], ThreadRow>(
        `SELECT id, document_id, clause_id, anchor, created_at, resolved_at,
                ${actorColumns('author_id', 'author')}, ${actorColumns('resolved_by', 'resolver')}
         FROM comment_threads WHERE document_id = ? AND (? IS NULL OR id = ?) ORDER BY created_at, rowid`,
      )
      .all(documentId, threadId ?? null, threadId ?? null);
    const comments = this.db.prepare<[string], CommentRow>(
      `SELECT id, thread_id, body, mentions, created_at, edited_at, deleted_at, ${actorColumns('author_id', 'author')}
       FROM comments WHERE thread_id = ? ORDER BY created_at, rowid`,
    );
    return rows.map((row) => ({
      id: row.id,
      documentId: row.document_id,
      clauseId: row.clause_id,
      anchor: row.anchor ? (JSON.parse(row.anchor) as RangeAnchor) : null,
      author: actorFrom(row, 'author'),
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_at ? actorFrom(row, 'resolver') : null,
      comments: comments.all(row.id).map(toComment),
    }));
  }

  /** Threads that mention a participant, with whether this user has read them since the last mention. */
  mentioning(participantCode: string, userId: string): { thread: CommentThread; unread: boolean }[] {
    const rows = this.db
      .prepare<
        [string, string],
        { document_id: string; thread_id: string; last_mention: number; read_seq: number | null }
      >(
        `SELECT t.document_id, t.id AS thread_id, max(c.mention_seq) AS last_mention, r.read_seq
         FROM comments c JOIN comment_threads t ON t.id = c.thread_id, json_each(c.mentions) m
         LEFT JOIN mention_reads r ON r.thread_id = t.id AND r.user_id = ?
         WHERE m.value = ? AND c.deleted_at IS NULL
         GROUP BY t.id ORDER BY last_mention DESC`,
      )
      .all(userId, participantCode);
    return rows.flatMap((row) => {
      const thread = this.thread(row.document_id, row.thread_id);
      return thread ? [{ thread, unread: row.read_seq === null || row.read_seq < row.last_mention }] : [];
    });
  }

  markRead(userId: string, threadId: string): void {
    this.db
      .prepare(
        `INSERT INTO mention_reads (user_id, thread_id, read_seq, read_at)
         VALUES (?, ?, (SELECT coalesce(max(mention_seq), 0) FROM comments WHERE thread_id = ?), ?)
         ON CONFLICT (user_id, thread_id) DO UPDATE SET read_seq = excluded.read_seq, read_at = excluded.read_at`,
      )
      .run(userId, threadId, threadId, nowIso());
  }
}
