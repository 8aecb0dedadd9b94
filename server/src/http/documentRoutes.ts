import type { DocumentDetail } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import type { AsyncDocumentRepository } from '../store/documents';
import type { AsyncParticipantRepository } from '../store/participants';
import { accessibleDocument, signedInUser } from './context';

export interface DocumentRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'listAccessible' | 'findAccessible'>;
  participants: Pick<AsyncParticipantRepository, 'listForProcess'>;
  /** MAX_MESSAGE_BYTES, told to clients so they never send a frame the server must refuse. */
  maxMessageBytes: number;
}

/** `GET /api/documents`, `GET /api/documents/:id`. A document without access is a 404, never a 403. */
export function documentRoutes({ documents, participants, maxMessageBytes }: DocumentRouteDeps): Router {
  const router = Router();

  router.get('/api/documents', async (_request: Request, response: Response) => {
    response.json(await documents.listAccessible(signedInUser(response).id));
  });

  router.get('/api/documents/:id', async (request: Request, response: Response) => {
    const { document } = await accessibleDocument(request, response, documents);
    const detail: DocumentDetail = {
      ...document,
      participants: await participants.listForProcess(document.process.id),
      limits: { maxMessageBytes },
    };
    response.json(detail);
  });

  return router;
}
