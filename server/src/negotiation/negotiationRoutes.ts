import { type Amendment, clauseStatusSchema, type NegotiationState, positionSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { authorize } from '../auth/policy';
import type { CommentStore } from '../comments/commentStore';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { DocumentRepository } from '../store/documents';
import type { ClauseDirectory } from './clauseDirectory';
import type { DocumentEvents } from './documentEvents';
import type { NegotiationStore } from './negotiationStore';

export interface NegotiationRouteDeps {
  documents: DocumentRepository;
  negotiation: NegotiationStore;
  comments: CommentStore;
  events: DocumentEvents;
  clauses: ClauseDirectory;
  /** The document's amendments, in number order (amendments/amendmentStore.ts). */
  amendments: { list(documentId: string): Amendment[] };
}

/** Clause status (pen-holder), delegation positions (own participant), and the whole state. */
export function negotiationRoutes({
  documents,
  negotiation,
  comments,
  events,
  clauses,
  amendments,
}: NegotiationRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);

  router.get('/api/documents/:id/negotiation', (request, response) => {
    const { document } = access(request, response);
    const state: NegotiationState = {
      seq: negotiation.lastEventSeq(document.id),
      statuses: negotiation.statuses(document.id),
      positions: negotiation.positions(document.id),
      threads: comments.threads(document.id),
      brackets: negotiation.brackets(document.id),
      amendments: amendments.list(document.id),
    };
    response.json(state);
  });

  router.put('/api/documents/:id/clauses/:clauseId/status', async (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'set-clause-status');
    const { status } = parseBody(clauseStatusSchema, request.body);
    const clauseId = routeParam(request, 'clauseId');
    // In order with the edits: a keystroke sent after "agreed" finds the clause locked (4423).
    const entry = await clauses.withClause(document.id, clauseId, async () => {
      const wasAgreed = negotiation.agreedClauses(document.id).includes(clauseId);
      // The lock first, where every instance's commits check it; undone if the status cannot be stored.
      if (wasAgreed !== (status === 'agreed'))
        await clauses.setLocked(document.id, clauseId, status === 'agreed');
      let changed: ReturnType<typeof negotiation.setStatus>;
      try {
        changed = negotiation.setStatus(document.id, clauseId, status, user.id);
      } catch (error) {
        if (wasAgreed !== (status === 'agreed')) await clauses.setLocked(document.id, clauseId, wasAgreed);
        throw error;
      }
      events.publish(document.id, { type: 'status', entry: changed });
      return changed;
    });
    response.json(entry);
  });

  router.get('/api/documents/:id/clauses/:clauseId/history', (request, response) => {
    const { document } = access(request, response);
    const clauseId = routeParam(request, 'clauseId');
    response.json({
      statuses: negotiation.statusHistory(document.id, clauseId),
      positions: negotiation.positionHistory(document.id, clauseId),
    });
  });

  router.put('/api/documents/:id/clauses/:clauseId/position', async (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'record-position');
    const input = parseBody(positionSchema, request.body);
    const clauseId = routeParam(request, 'clauseId');
    await clauses.requireClause(document.id, clauseId);
    const entry = negotiation.setPosition(document.id, clauseId, user.participant.id, input, user.id);
    events.publish(document.id, { type: 'position', entry });
    response.json(entry);
  });

  return router;
}
