import { type Amendment, clauseStatusSchema, type NegotiationState, positionSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { authorize } from '../auth/policy';
import type { CommentRepository } from '../comments/commentStore';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { AsyncDocumentRepository } from '../store/documents';
import type { ClauseDirectory } from './clauseDirectory';
import type { DocumentEvents } from './documentEvents';
import type { NegotiationRepository } from './negotiationStore';

export interface NegotiationRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  negotiation: Pick<
    NegotiationRepository,
    | 'lastEventSeq'
    | 'statuses'
    | 'positions'
    | 'brackets'
    | 'agreedClauses'
    | 'setStatus'
    | 'statusHistory'
    | 'positionHistory'
    | 'setPosition'
  >;
  comments: Pick<CommentRepository, 'threads'>;
  events: DocumentEvents;
  clauses: ClauseDirectory;
  /** The document's amendments, in number order (amendments/amendmentStore.ts; a promise or the list). */
  amendments: { list(documentId: string): Amendment[] | Promise<Amendment[]> };
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

  router.get('/api/documents/:id/negotiation', async (request, response) => {
    const { document } = await access(request, response);
    // The number first: an event numbered after it may already be in what is read next (a client
    // applies it again, harmlessly), but none the state lacks is numbered at or below it.
    const seq = await negotiation.lastEventSeq(document.id);
    const [statuses, positions, threads, brackets, amendmentList] = await Promise.all([
      negotiation.statuses(document.id),
      negotiation.positions(document.id),
      comments.threads(document.id),
      negotiation.brackets(document.id),
      amendments.list(document.id),
    ]);
    const state: NegotiationState = {
      seq,
      statuses,
      positions,
      threads,
      brackets,
      amendments: amendmentList,
    };
    response.json(state);
  });

  router.put('/api/documents/:id/clauses/:clauseId/status', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'set-clause-status');
    const { status } = parseBody(clauseStatusSchema, request.body);
    const clauseId = routeParam(request, 'clauseId');
    // In order with the edits: a keystroke sent after "agreed" finds the clause locked (4423).
    const entry = await clauses.withClause(document.id, clauseId, async () => {
      // The status and the lock every instance's commits check, in one transaction (as the status says).
      const changed = await clauses.storeStatus(
        document.id,
        clauseId,
        status === 'agreed',
        (records) => records.setStatus(document.id, clauseId, status, user.id),
        negotiation,
      );
      await events.publish(document.id, { type: 'status', entry: changed });
      return changed;
    });
    response.json(entry);
  });

  router.get('/api/documents/:id/clauses/:clauseId/history', async (request, response) => {
    const { document } = await access(request, response);
    const clauseId = routeParam(request, 'clauseId');
    const [statuses, positions] = await Promise.all([
      negotiation.statusHistory(document.id, clauseId),
      negotiation.positionHistory(document.id, clauseId),
    ]);
    response.json({ statuses, positions });
  });

  router.put('/api/documents/:id/clauses/:clauseId/position', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'record-position');
    const input = parseBody(positionSchema, request.body);
    const clauseId = routeParam(request, 'clauseId');
    await clauses.requireClause(document.id, clauseId);
    const entry = await negotiation.setPosition(document.id, clauseId, user.participant.id, input, user.id);
    await events.publish(document.id, { type: 'position', entry });
    response.json(entry);
  });

  return router;
}
