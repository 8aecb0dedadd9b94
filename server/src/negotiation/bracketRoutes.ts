import { bracketAlternativeSchema, bracketResolutionSchema, newBracketSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { ForbiddenError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { DocumentRepository } from '../store/documents';
import type { BracketCommands } from './bracketCommands';
import type { DocumentEvents } from './documentEvents';
import type { NegotiationStore } from './negotiationStore';
import { requireRole } from './permissions';

export interface BracketRouteDeps {
  documents: DocumentRepository;
  negotiation: NegotiationStore;
  events: DocumentEvents;
  brackets: BracketCommands;
}

/**
 * Brackets: bracketing a passage (drafter and above) and resolving a bracket
 * (pen-holder) are server commands that change the text and the record
 * together (BracketCommands); proposing another wording (commenter and above)
 * changes the record only.
 */
export function bracketRoutes({ documents, negotiation, events, brackets }: BracketRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);

  router.post('/api/documents/:id/brackets', (request, response) => {
    const { user, document } = access(request, response);
    requireRole(document.role, 'drafter', 'Only those who edit the text can bracket it.');
    const input = parseBody(newBracketSchema, request.body);
    response.status(201).json(brackets.create(document.id, input, user));
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
    const resolution = parseBody(bracketResolutionSchema, request.body);
    response.json(brackets.resolve(document.id, routeParam(request, 'bracketId'), resolution, user));
  });

  return router;
}
