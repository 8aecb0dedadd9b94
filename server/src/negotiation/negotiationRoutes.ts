import {
  bracketAlternativeSchema,
  bracketResolutionSchema,
  clauseStatusSchema,
  type NegotiationState,
  newBracketSchema,
  positionSchema,
} from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import type { CommentStore } from '../comments/commentStore';
import { ForbiddenError, HttpError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { DocumentRepository } from '../store/documents';
import type { ClauseDirectory } from './clauseDirectory';
import type { DocumentEvents } from './documentEvents';
import type { NegotiationStore } from './negotiationStore';
import { requireRole } from './permissions';

export interface NegotiationRouteDeps {
  documents: DocumentRepository;
  negotiation: NegotiationStore;
  comments: CommentStore;
  events: DocumentEvents;
  clauses: ClauseDirectory;
}

/** Clause status (pen-holder), delegation positions (own participant), brackets, and the whole state. */
export function negotiationRoutes({
  documents,
  negotiation,
  comments,
  events,
  clauses,
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
      amendments: [],
    };
    response.json(state);
  });

  router.put('/api/documents/:id/clauses/:clauseId/status', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'pen-holder', 'Only the pen-holder changes a clause status.');
    const { status } = parseBody(clauseStatusSchema, request.body);
    clauses.requireClause(document.id, routeParam(request, 'clauseId'));
    const entry = negotiation.setStatus(document.id, routeParam(request, 'clauseId'), status, user.id);
    events.publish(document.id, { type: 'status', entry });
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

  router.put('/api/documents/:id/clauses/:clauseId/position', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'commenter', 'Observers cannot record a position.');
    const input = parseBody(positionSchema, request.body);
    const clauseId = routeParam(request, 'clauseId');
    clauses.requireClause(document.id, clauseId);
    const entry = negotiation.setPosition(document.id, clauseId, user.participant.id, input, user.id);
    events.publish(document.id, { type: 'position', entry });
    response.json(entry);
  });

  router.post('/api/documents/:id/brackets', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'drafter', 'Only those who edit the text can bracket it.');
    const input = parseBody(newBracketSchema, request.body);
    if (negotiation.bracketIdTaken(document.id, input.id))
      throw new HttpError(409, 'conflict', 'That bracket id is taken.');
    clauses.requireClause(document.id, input.clauseId);
    const bracket = negotiation.createBracket(document.id, input, {
      id: user.id,
      participantId: user.participant.id,
    });
    events.publish(document.id, { type: 'bracket', bracket });
    response.status(201).json(bracket);
  });

  router.post('/api/documents/:id/brackets/:bracketId/alternatives', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'commenter', 'Observers cannot propose wording.');
    const existing = negotiation.bracket(document.id, routeParam(request, 'bracketId'));
    if (!existing) throw new NotFoundError('No such bracket.');
    if (existing.resolution) throw new ForbiddenError('That bracket is resolved.');
    const { text } = parseBody(bracketAlternativeSchema, request.body);
    const bracket = negotiation.addAlternative(document.id, existing.id, text, user.participant.id);
    events.publish(document.id, { type: 'bracket', bracket });
    response.status(201).json(bracket);
  });

  router.post('/api/documents/:id/brackets/:bracketId/resolution', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'pen-holder', 'Only the pen-holder resolves brackets.');
    const existing = negotiation.bracket(document.id, routeParam(request, 'bracketId'));
    if (!existing) throw new NotFoundError('No such bracket.');
    const resolution = parseBody(bracketResolutionSchema, request.body);
    const keep = 'keep' in resolution ? resolution.keep : null;
    if (keep !== null && !existing.alternatives.some((option) => option.index === keep)) {
      throw new NotFoundError('No such alternative.');
    }
    const bracket = negotiation.resolveBracket(document.id, existing.id, keep, user.id);
    events.publish(document.id, { type: 'bracket', bracket });
    response.json(bracket);
  });

  return router;
}
