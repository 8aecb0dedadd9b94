import type { DocumentDetail } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { NotFoundError } from '../errors';
import type { DocumentRepository } from '../store/documents';
import type { ParticipantRepository } from '../store/participants';
import { routeParam, signedInUser } from './context';

export interface DocumentRouteDeps {
  documents: DocumentRepository;
  participants: ParticipantRepository;
  /** MAX_MESSAGE_BYTES, told to clients so they never send a frame the server must refuse. */
  maxMessageBytes: number;
}

/** `GET /api/documents`, `GET /api/documents/:id`. A document without access is a 404, never a 403. */
export function documentRoutes({ documents, participants, maxMessageBytes }: DocumentRouteDeps): Router {
  const router = Router();

  router.get('/api/documents', (_request: Request, response: Response) => {
    response.json(documents.listAccessible(signedInUser(response).id));
  });

  router.get('/api/documents/:id', (request: Request, response: Response) => {
    const user = signedInUser(response);
    const document = documents.findAccessible(routeParam(request, 'id'), user.id);
    if (!document) throw new NotFoundError('No such document.');
    const detail: DocumentDetail = {
      ...document,
      participants: participants.listForProcess(document.process.id),
      limits: { maxMessageBytes },
    };
    response.json(detail);
  });

  return router;
}
