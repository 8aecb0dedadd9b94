import { commentBodySchema, mentionedCodes, newThreadSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { AUTHOR_REFUSAL, authorize } from '../auth/policy';
import { ForbiddenError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam, signedInUser } from '../http/context';
import { parseBody } from '../http/validation';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import type { DocumentEvents } from '../negotiation/documentEvents';
import type { AsyncDocumentRepository } from '../store/documents';
import type { CommentRepository } from './commentStore';

export interface CommentRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible' | 'listAccessible'>;
  comments: CommentRepository;
  events: DocumentEvents;
  clauses: ClauseDirectory;
}

/**
 * Comment threads on clauses: open (commenter and above), reply, edit and
 * delete one's own comments (a tombstone stays), resolve and reopen (the
 * thread's author or the pen-holder), and the threads mentioning my delegation.
 */
export function commentRoutes({ documents, comments, events, clauses }: CommentRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);
  const threadOf = async (documentId: string, request: Request) => {
    const thread = await comments.thread(documentId, routeParam(request, 'threadId'));
    if (!thread) throw new NotFoundError('No such thread.');
    return thread;
  };

  router.post('/api/documents/:id/threads', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'comment');
    const input = parseBody(newThreadSchema, request.body);
    await clauses.requireClause(document.id, input.clauseId);
    const thread = await comments.createThread(
      document.id,
      { ...input, mentions: mentionedCodes(input.body) },
      user.id,
    );
    await events.publish(document.id, { type: 'thread', thread });
    response.status(201).json(thread);
  });

  router.post('/api/documents/:id/threads/:threadId/comments', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'comment');
    const thread = await threadOf(document.id, request);
    const { body } = parseBody(commentBodySchema, request.body);
    const updated = await comments.reply(document.id, thread.id, body, mentionedCodes(body), user.id);
    await events.publish(document.id, { type: 'thread', thread: updated });
    response.status(201).json(updated);
  });

  const ownComment = async (request: Request, response: Response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'change-own-comment');
    const comment = await comments.findComment(routeParam(request, 'commentId'));
    if (!comment || comment.documentId !== document.id) throw new NotFoundError('No such comment.');
    if (comment.authorId !== user.id) throw new ForbiddenError(AUTHOR_REFUSAL.changeOthersComment);
    if (comment.deletedAt) throw new ForbiddenError('That comment was deleted.');
    return { document, comment };
  };

  router.patch('/api/documents/:id/comments/:commentId', async (request, response) => {
    const { document, comment } = await ownComment(request, response);
    const { body } = parseBody(commentBodySchema, request.body);
    await comments.editComment(routeParam(request, 'commentId'), body, mentionedCodes(body));
    const thread = await comments.thread(document.id, comment.threadId);
    if (thread) await events.publish(document.id, { type: 'thread', thread });
    response.json(thread);
  });

  router.delete('/api/documents/:id/comments/:commentId', async (request, response) => {
    const { document, comment } = await ownComment(request, response);
    await comments.deleteComment(routeParam(request, 'commentId'));
    const thread = await comments.thread(document.id, comment.threadId);
    if (thread) await events.publish(document.id, { type: 'thread', thread });
    response.json(thread);
  });

  const setResolved = (resolve: boolean) => async (request: Request, response: Response) => {
    const { user, document } = await access(request, response);
    const thread = await threadOf(document.id, request);
    if (thread.author.userId !== user.id) authorize(document.role, 'resolve-any-thread');
    const updated = await comments.setResolved(document.id, thread.id, resolve ? user.id : null);
    await events.publish(document.id, { type: 'thread', thread: updated });
    response.json(updated);
  };
  router.post('/api/documents/:id/threads/:threadId/resolve', setResolved(true));
  router.post('/api/documents/:id/threads/:threadId/reopen', setResolved(false));

  router.post('/api/documents/:id/threads/:threadId/read', async (request, response) => {
    const { user, document } = await access(request, response);
    await comments.markRead(user.id, (await threadOf(document.id, request)).id);
    response.status(204).end();
  });

  router.get('/api/me/mentions', async (_request, response) => {
    const user = signedInUser(response);
    const [documentList, mentioning] = await Promise.all([
      documents.listAccessible(user.id),
      comments.mentioning(user.participant.code, user.id),
    ]);
    const accessible = new Set(documentList.map((document) => document.id));
    const mentions = mentioning.filter((mention) => accessible.has(mention.thread.documentId));
    response.json({ unread: mentions.filter((m) => m.unread).length, mentions });
  });

  return router;
}
