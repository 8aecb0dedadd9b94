import { randomUUID } from 'node:crypto';
import type { Comment, CommentThread, RangeAnchor } from '@draftroom/shared';
import type { CommentRepository } from '../../comments/commentStore';
import { actorColumns, actorFrom } from '../../negotiation/negotiationStore';
import { nowIso } from '../database';
import { isoText } from './isoTime';
import { bigintOf, type Queryable } from './queryable';
import { transactionOn } from './transactionOn';

/** A thread row and (LEFT JOIN, `c_` columns) one of its comments, or none. */
interface ThreadCommentRow {
  id: string;
  document_id: string;
  clause_id: string;
  anchor: RangeAnchor | null;
  created_at: string;
  resolved_at: string | null;
  c_id: string | null;
  c_body: string;
  c_mentions: string[];
  c_created_at: string;
  c_edited_at: string | null;
  c_deleted_at: string | null;
  [key: string]: unknown;
}

/** Threads matching `filter` (over `t`), oldest first, each row with one comment, oldest first. */
function threadQuery(filter: string): string {
  return `SELECT t.id, t.document_id, t.clause_id, t.anchor, ${isoText('t.created_at')} AS created_at,
          ${isoText('t.resolved_at')} AS resolved_at,
          ${actorColumns('t.author_id', 'author')}, ${actorColumns('t.resolved_by', 'resolver')},
          c.id AS c_id, c.body AS c_body, c.mentions AS c_mentions, ${isoText('c.created_at')} AS c_created_at,
          ${isoText('c.edited_at')} AS c_edited_at, ${isoText('c.deleted_at')} AS c_deleted_at,
          ${actorColumns('c.author_id', 'c_author')}
   FROM comment_threads t LEFT JOIN comments c ON c.thread_id = t.id
   WHERE ${filter}
   ORDER BY t.created_at, t.seq, c.created_at, c.seq`;
}

const THREADS_OF_DOCUMENT = threadQuery('t.document_id = $1 AND ($2::text IS NULL OR t.id = $2)');
const THREADS_BY_ID = threadQuery('t.id = ANY($1::text[])');

function toComment(row: ThreadCommentRow & { c_id: string }): Comment {
  return {
    id: row.c_id,
    threadId: row.id,
    author: actorFrom(row, 'c_author'),
    body: row.c_deleted_at ? '' : row.c_body,
    createdAt: row.c_created_at,
    editedAt: row.c_edited_at,
    deletedAt: row.c_deleted_at,
    mentions: row.c_deleted_at ? [] : row.c_mentions,
  };
}

/** Threads from their rows joined with their comments (rows of one thread are adjacent, in order). */
function groupThreads(rows: readonly ThreadCommentRow[]): CommentThread[] {
  const threads: CommentThread[] = [];
  for (const row of rows) {
    let thread = threads.at(-1);
    if (thread?.id !== row.id) {
      thread = {
        id: row.id,
        documentId: row.document_id,
        clauseId: row.clause_id,
        anchor: row.anchor,
        author: actorFrom(row, 'author'),
        createdAt: row.created_at,
        resolvedAt: row.resolved_at,
        resolvedBy: row.resolved_at ? actorFrom(row, 'resolver') : null,
        comments: [],
      };
      threads.push(thread);
    }
    if (row.c_id !== null) thread.comments.push(toComment({ ...row, c_id: row.c_id }));
  }
  return threads;
}

/**
 * Comment threads, comments, @mentions and read marks in PostgreSQL
 * (schema: schema/negotiation.ts): the CommentRepository interface with
 * CommentStore's results — the same ids, ISO 8601 UTC times (`nowIso()`,
 * the service's clock), orders (time, then insertion), nulls, anchors and
 * mention lists. Built on a Queryable: the pool, or a transaction's client
 * so its writes join that transaction (a write of several statements then
 * runs in a savepoint of it). A comment's mention number is drawn from a
 * global sequence under its thread's row lock, so within a thread numbers
 * commit in increasing order whichever instance writes. Every method
 * rejects with the database's error when a statement fails — e.g. an
 * unknown thread or user (foreign keys) — and then stores nothing.
 */
export class PgCommentRepository implements CommentRepository {
  constructor(private readonly db: Queryable) {}

  /** Opens a thread on a clause (optionally on a range of its text) with its first comment; returns it. */
  async createThread(
    documentId: string,
    input: { clauseId: string; anchor: RangeAnchor | null; body: string; mentions: string[] },
    authorId: string,
  ): Promise<CommentThread> {
    const threadId = randomUUID();
    const now = nowIso();
    await transactionOn(this.db, async (client) => {
      await client.query(
        `INSERT INTO comment_threads (id, document_id, clause_id, anchor, author_id, created_at)
         VALUES ($1, $2, $3, $4::json, $5, $6)`,
        [
          threadId,
          documentId,
          input.clauseId,
          input.anchor ? JSON.stringify(input.anchor) : null,
          authorId,
          now,
        ],
      );
      await insertComment(client, threadId, input.body, input.mentions, authorId, now);
    });
    return (await this.thread(documentId, threadId)) as CommentThread;
  }

  /**
   * Adds a comment to a thread; returns the thread as seen from `documentId`
   * (undefined when the thread is another document's). Rejects (foreign key)
   * for an unknown thread.
   */
  async reply(
    documentId: string,
    threadId: string,
    body: string,
    mentions: string[],
    authorId: string,
  ): Promise<CommentThread> {
    await transactionOn(this.db, async (client) => {
      await client.query('SELECT 1 FROM comment_threads WHERE id = $1 FOR NO KEY UPDATE', [threadId]);
      await insertComment(client, threadId, body, mentions, authorId, nowIso());
    });
    return (await this.thread(documentId, threadId)) as CommentThread;
  }

  /** The comment with its thread's document, or undefined. */
  async findComment(
    commentId: string,
  ): Promise<
    { threadId: string; documentId: string; authorId: string; deletedAt: string | null } | undefined
  > {
    const result = await this.db.query<{
      threadId: string;
      documentId: string;
      authorId: string;
      deletedAt: string | null;
    }>(
      `SELECT c.thread_id AS "threadId", t.document_id AS "documentId", c.author_id AS "authorId",
              ${isoText('c.deleted_at')} AS "deletedAt"
       FROM comments c JOIN comment_threads t ON t.id = c.thread_id WHERE c.id = $1`,
      [commentId],
    );
    return result.rows[0];
  }

  /** Replaces a comment's text and mentions (a new mention number: it may be unread again); not a deleted one. */
  async editComment(commentId: string, body: string, mentions: string[]): Promise<void> {
    await transactionOn(this.db, async (client) => {
      await client.query(
        `SELECT 1 FROM comment_threads t JOIN comments c ON c.thread_id = t.id WHERE c.id = $1 FOR NO KEY UPDATE OF t`,
        [commentId],
      );
      await client.query(
        `UPDATE comments SET body = $1, mentions = $2::text[], mention_seq = nextval('comment_mention_seq'),
           edited_at = $3
         WHERE id = $4 AND deleted_at IS NULL`,
        [body, mentions, nowIso(), commentId],
      );
    });
  }

  /** Deletes a comment's text and keeps a tombstone (author and time) in its thread. */
  async deleteComment(commentId: string): Promise<void> {
    await this.db.query(
      `UPDATE comments SET body = '', mentions = '{}', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL`,
      [nowIso(), commentId],
    );
  }

  /** Resolves a thread (by `resolvedBy`) or reopens it (null); returns it (undefined if not the document's). */
  async setResolved(documentId: string, threadId: string, resolvedBy: string | null): Promise<CommentThread> {
    await this.db.query(
      'UPDATE comment_threads SET resolved_by = $1, resolved_at = $2 WHERE id = $3 AND document_id = $4',
      [resolvedBy, resolvedBy ? nowIso() : null, threadId, documentId],
    );
    return (await this.thread(documentId, threadId)) as CommentThread;
  }

  /** One thread of the document with its comments, or undefined. */
  async thread(documentId: string, threadId: string): Promise<CommentThread | undefined> {
    return (await this.threads(documentId, threadId))[0];
  }

  /** Threads of a document (oldest first), each with its comments in order: one statement, so one snapshot. */
  async threads(documentId: string, threadId?: string): Promise<CommentThread[]> {
    const result = await this.db.query<ThreadCommentRow>(THREADS_OF_DOCUMENT, [documentId, threadId ?? null]);
    return groupThreads(result.rows);
  }

  /**
   * Threads (of any document) with a live comment mentioning a participant,
   * the most recently mentioning first, each with whether this user has read
   * it since its last mention.
   */
  async mentioning(
    participantCode: string,
    userId: string,
  ): Promise<{ thread: CommentThread; unread: boolean }[]> {
    const mentions = await this.db.query<{
      thread_id: string;
      last_mention: string;
      read_seq: string | null;
    }>(
      `SELECT t.id AS thread_id, max(c.mention_seq) AS last_mention, r.read_seq
       FROM comments c JOIN comment_threads t ON t.id = c.thread_id
       LEFT JOIN mention_reads r ON r.thread_id = t.id AND r.user_id = $1
       WHERE c.mentions @> ARRAY[$2::text] AND c.deleted_at IS NULL
       GROUP BY t.id, r.read_seq ORDER BY last_mention DESC`,
      [userId, participantCode],
    );
    if (mentions.rows.length === 0) return [];
    const threads = await this.db.query<ThreadCommentRow>(THREADS_BY_ID, [
      mentions.rows.map((row) => row.thread_id),
    ]);
    const byId = new Map(groupThreads(threads.rows).map((thread) => [thread.id, thread]));
    return mentions.rows.flatMap((row) => {
      const thread = byId.get(row.thread_id);
      const unread = row.read_seq === null || bigintOf(row.read_seq) < bigintOf(row.last_mention);
      return thread ? [{ thread, unread }] : [];
    });
  }

  /** Marks a thread's mentions read by this user up to its newest comment (never back). */
  async markRead(userId: string, threadId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO mention_reads (user_id, thread_id, read_seq, read_at)
       VALUES ($1, $2, (SELECT coalesce(max(mention_seq), 0) FROM comments WHERE thread_id = $2), $3)
       ON CONFLICT (user_id, thread_id) DO UPDATE
         SET read_seq = greatest(mention_reads.read_seq, excluded.read_seq), read_at = excluded.read_at`,
      [userId, threadId, nowIso()],
    );
  }
}

/** Inserts a comment with the next mention number; the caller holds its thread's row lock (or created it). */
async function insertComment(
  client: Queryable,
  threadId: string,
  body: string,
  mentions: string[],
  authorId: string,
  at: string,
): Promise<void> {
  await client.query(
    `INSERT INTO comments (id, thread_id, author_id, body, mentions, mention_seq, created_at)
     VALUES ($1, $2, $3, $4, $5::text[], nextval('comment_mention_seq'), $6)`,
    [randomUUID(), threadId, authorId, body, mentions, at],
  );
}
