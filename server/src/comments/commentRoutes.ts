import { commentBodySchema, mentionedCodes, newThreadSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { AUTHOR_REFUSAL, authorize } from '../auth/policy';
import { ForbiddenError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam, signedInUser } from '../http/context';
import { parseBody } from '../http/validation';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import type { DocumentEvents } from '../negotiation/documentEvents';
import type { DocumentRepository } from '../store/documents';
import type { CommentStore } from './commentStore';

export interface CommentRouteDeps {
  documents: DocumentRepository;
  comments: CommentStore;
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
  const threadOf = (documentId: string, request: Request) => {
    const thread = comments.thread(documentId, routeParam(request, 'threadId'));
    if (!thread) throw new NotFoundError('No such thread.');
    return thread;
  };

  router.post('/api/documents/:id/threads', async (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'comment');
    const input = parseBody(newThreadSchema, request.body);
    await clauses.requireClause(document.id, input.clauseId);
    const thread = comments.createThread(
      document.id,
      { ...input, mentions: mentionedCodes(input.body) },
      user.id,
    );
    events.publish(document.id, { type: 'thread', thread });
    response.status(201).json(thread);
  });

  router.post('/api/documents/:id/threads/:threadId/comments', (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'comment');
    const thread = threadOf(document.id, request);
    const { body } = parseBody(commentBodySchema, request.body);
    const updated = comments.reply(document.id, thread.id, body, mentionedCodes(body), user.id);
    events.publish(document.id, { type: 'thread', thread: updated });
    response.status(201).json(updated);
  });

  const ownComment = (request: Request, response: Response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'change-own-comment');
    const comment = comments.findComment(routeParam(request, 'commentId'));
    if (!comment || comment.documentId !== document.id) throw new NotFoundError('No such comment.');
    if (comment.authorId !== user.id) throw new ForbiddenError(AUTHOR_REFUSAL.changeOthersComment);
    if (comment.deletedAt) throw new ForbiddenError('That comment was deleted.');
    return { document, comment };
  };

  router.patch('/api/documents/:id/comments/:commentId', (request, response) => {
    const { document, comment } = ownComment(request, response);
    const { body } = parseBody(commentBodySchema, request.body);
    comments.editComment(routeParam(request, 'commentId'), body, mentionedCodes(body));
    const thread = comments.thread(document.id, comment.threadId);
    if (thread) events.publish(document.id, { type: 'thread', thread });
    response.json(thread);
  });

  router.delete('/api/documents/:id/comments/:commentId', (request, response) => {
    const { document, comment } = ownComment(request, response);
    comments.deleteComment(routeParam(request, 'commentId'));
    const thread = comments.thread(document.id, comment.threadId);
    if (thread) events.publish(document.id, { type: 'thread', thread });
    response.json(thread);
  });

  const setResolved = (resolve: boolean) => (request: Request, response: Response) => {
    const { user, document } = access(request, response);
    const thread = threadOf(document.id, request);
    if (thread.author.userId !== user.id) authorize(document.role, 'resolve-any-thread');
    const updated = comments.setResolved(document.id, thread.id, resolve ? user.id : null);
    events.publish(document.id, { type: 'thread', thread: updated });
    response.json(updated);
  };
  router.post('/api/documents/:id/threads/:threadId/resolve', setResolved(true));
  router.post('/api/documents/:id/threads/:threadId/reopen', setResolved(false));

  router.post('/api/documents/:id/threads/:threadId/read', (request, response) => {
    const { user, document } = access(request, response);
    comments.markRead(user.id, threadOf(document.id, request).id);
    response.status(204).end();
  });

  router.get('/api/me/mentions', (_request, response) => {
    const user = signedInUser(response);
    const accessible = new Set(documents.listAccessible(user.id).map((document) => document.id));
    const mentions = comments
      .mentioning(user.participant.code, user.id)
      .filter((mention) => accessible.has(mention.thread.documentId));
    response.json({ unread: mentions.filter((m) => m.unread).length, mentions });
  });

  return router;
}
