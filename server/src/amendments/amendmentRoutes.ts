import { amendmentDecisionSchema, compromiseSchema, newAmendmentSchema } from '@draftroom/shared';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { authorize } from '../auth/policy';
import { accessibleDocument, routeParam } from '../http/context';
import { parseBody } from '../http/validation';
import type { AsyncDocumentRepository } from '../store/documents';
import { DetailedHttpError } from './amendmentErrors';
import type { AmendmentActor, AmendmentService } from './amendmentService';

export interface AmendmentRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  amendments: AmendmentService;
}

/**
 * The amendments API (every route: 404 for a user with no role on the document):
 * - `GET    /api/documents/:id/amendments` → Amendment[] in number order (any role)
 * - `POST   /api/documents/:id/amendments` NewAmendment → 201 Amendment (commenter+; 409 clause_changed)
 * - `POST   /api/documents/:id/amendments/compromise` {covers, proposedText, justification} → 201 Amendment (pen-holder)
 * - `POST   /api/documents/:id/amendments/:amendmentId/cosponsors` → Amendment (commenter+, another delegation)
 * - `DELETE /api/documents/:id/amendments/:amendmentId/cosponsors` → Amendment (the caller's delegation's signature)
 * - `POST   /api/documents/:id/amendments/:amendmentId/withdrawal` → Amendment (proponent delegation)
 * - `POST   /api/documents/:id/amendments/:amendmentId/decision` AmendmentDecision → Amendment (pen-holder;
 *   409 amendment_conflict with base, proposed and current text; 409 clause_locked)
 * 409 not_open for an amendment no longer tabled. Conflict bodies are `{error: code, code, message, ...texts}`.
 */
export function amendmentRoutes({ documents, amendments }: AmendmentRouteDeps): Router {
  const router = Router();
  const context = async (request: Request, response: Response) => {
    const { user, document } = await accessibleDocument(request, response, documents);
    const actor: AmendmentActor = { user, role: document.role, ip: request.ip };
    return { documentId: document.id, actor };
  };
  const base = '/api/documents/:id/amendments';

  router.get(base, async (request, response) => {
    const { documentId } = await context(request, response);
    response.json(await amendments.list(documentId));
  });

  router.post(base, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    authorize(actor.role, 'table-amendment');
    const input = parseBody(newAmendmentSchema, request.body);
    response.status(201).json(await amendments.table(documentId, input, actor));
  });

  router.post(`${base}/compromise`, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    authorize(actor.role, 'table-compromise');
    const input = parseBody(compromiseSchema, request.body);
    response.status(201).json(await amendments.compromise(documentId, input, actor));
  });

  router.post(`${base}/:amendmentId/cosponsors`, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    response.json(await amendments.cosponsor(documentId, routeParam(request, 'amendmentId'), actor));
  });

  router.delete(`${base}/:amendmentId/cosponsors`, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    response.json(
      await amendments.withdrawCosponsorship(documentId, routeParam(request, 'amendmentId'), actor),
    );
  });

  router.post(`${base}/:amendmentId/withdrawal`, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    response.json(await amendments.withdraw(documentId, routeParam(request, 'amendmentId'), actor));
  });

  router.post(`${base}/:amendmentId/decision`, async (request, response) => {
    const { documentId, actor } = await context(request, response);
    authorize(actor.role, 'decide-amendment');
    const decision = parseBody(amendmentDecisionSchema, request.body);
    response.json(await amendments.decide(documentId, routeParam(request, 'amendmentId'), decision, actor));
  });

  // Conflicts carry the texts a client needs to redraft or decide; every other error goes to the app's handler.
  router.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (!(error instanceof DetailedHttpError)) return next(error);
    response.status(error.status).json(error.body());
  });

  return router;
}
