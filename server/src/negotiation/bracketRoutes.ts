import { bracketAlternativeSchema, bracketResolutionSchema, newBracketSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { authorize } from '../auth/policy';
import { ForbiddenError, HttpError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { AsyncDocumentRepository } from '../store/documents';
import type { BracketCommands } from './bracketCommands';
import type { DocumentEvents } from './documentEvents';
import { AlternativeRefusedError, type NegotiationRepository } from './negotiationStore';

export interface BracketRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  negotiation: Pick<NegotiationRepository, 'bracket' | 'addAlternative'>;
  events: DocumentEvents;
  brackets: BracketCommands;
}

/**
 * The most wordings (the passage itself included) one bracket holds: more
 * than a drafting meeting weighs, and a bound on what a delegation proposing
 * in a loop can store.
 */
export const MAX_BRACKET_ALTERNATIVES = 20;

const resolvedRefusal = () => new ForbiddenError('That bracket is resolved.');
const fullRefusal = () =>
  new HttpError(
    409,
    'too_many_alternatives',
    `This bracket holds ${MAX_BRACKET_ALTERNATIVES} wordings, the most it may. Discuss them before proposing another.`,
  );

/**
 * Brackets: bracketing a passage (drafter and above) and resolving a bracket
 * (pen-holder) are server commands that change the text and the record
 * together (BracketCommands); proposing another wording (commenter and above)
 * changes the record only.
 */
export function bracketRoutes({ documents, negotiation, events, brackets }: BracketRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);

  router.post('/api/documents/:id/brackets', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'bracket');
    const input = parseBody(newBracketSchema, request.body);
    response.status(201).json(await brackets.create(document.id, input, user));
  });

  router.post('/api/documents/:id/brackets/:bracketId/alternatives', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'propose-alternative');
    const existing = await negotiation.bracket(document.id, routeParam(request, 'bracketId'));
    if (!existing) throw new NotFoundError('No such bracket.');
    // Checked again where it is stored (under the bracket's lock): proposals arriving at once cannot all pass.
    if (existing.resolution) throw resolvedRefusal();
    if (existing.alternatives.length >= MAX_BRACKET_ALTERNATIVES) throw fullRefusal();
    const { text } = parseBody(bracketAlternativeSchema, request.body);
    const bracket = await negotiation
      .addAlternative(document.id, existing.id, text, user.participant.id, MAX_BRACKET_ALTERNATIVES)
      .catch((error: unknown) => {
        if (!(error instanceof AlternativeRefusedError)) throw error;
        throw error.reason === 'resolved' ? resolvedRefusal() : fullRefusal();
      });
    await events.publish(document.id, { type: 'bracket', bracket });
    response.status(201).json(bracket);
  });

  router.post('/api/documents/:id/brackets/:bracketId/resolution', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'resolve-bracket');
    const resolution = parseBody(bracketResolutionSchema, request.body);
    response.json(await brackets.resolve(document.id, routeParam(request, 'bracketId'), resolution, user));
  });

  return router;
}
