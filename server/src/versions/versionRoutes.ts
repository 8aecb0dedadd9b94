import {
  type DocumentStructure,
  type FingerprintVerification,
  type NegotiationSnapshot,
  newVersionSchema,
  type VersionDetail,
} from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { authorize } from '../auth/policy';
import { BadRequestError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam, signedInUser } from '../http/context';
import { parseBody } from '../http/validation';
import type { DocumentRepository } from '../store/documents';
import type { VersionService } from './versionService';
import type { VersionStore } from './versionStore';

export interface VersionRouteDeps {
  documents: DocumentRepository;
  versions: VersionStore;
  versionService: VersionService;
}

/** Meetings, the history panel, named versions, opening a version read-only, restore. */
export function versionRoutes({ documents, versions, versionService }: VersionRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);
  const versionOf = (documentId: string, request: Request) => {
    const version = versionService.version(documentId, routeParam(request, 'versionId'));
    if (!version) throw new NotFoundError('No such version.');
    return version;
  };

  router.get('/api/documents/:id/meetings', (request, response) => {
    const { document } = access(request, response);
    response.json(versions.meetings(document.process.id));
  });

  router.get('/api/documents/:id/versions', (request, response) => {
    const { document } = access(request, response);
    response.json(versionService.history(document.id));
  });

  router.post('/api/documents/:id/versions', async (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'save-version');
    const input = parseBody(newVersionSchema, request.body);
    if (input.meetingId && !versions.meetingOfProcess(document.process.id, input.meetingId)) {
      throw new BadRequestError('meetingId: no such meeting in this process');
    }
    response.status(201).json(await versionService.saveNamed(document.id, input, user));
  });

  router.get('/api/documents/:id/versions/:versionId', (request, response) => {
    const { document } = access(request, response);
    const version = versionOf(document.id, request);
    const { state, structureJson, negotiationJson, lastUpdateId, ...summary } = version;
    const detail: VersionDetail = {
      ...summary,
      state: Buffer.from(state).toString('base64'),
      structure: JSON.parse(structureJson) as DocumentStructure,
      negotiation: JSON.parse(negotiationJson) as NegotiationSnapshot,
    };
    response.json(detail);
  });

  router.post('/api/documents/:id/versions/:versionId/restore', async (request, response) => {
    const { user, document } = access(request, response);
    authorize(document.role, 'restore-version');
    await versionService.restore(document.id, versionOf(document.id, request), user);
    response.status(204).end();
  });

  router.get('/api/verify/:fingerprint', (request, response) => {
    const user = signedInUser(response);
    const fingerprint = routeParam(request, 'fingerprint').toLowerCase();
    if (!/^[a-f0-9]{64}$/.test(fingerprint))
      throw new BadRequestError('A fingerprint is 64 hexadecimal characters.');
    const matches = versions
      .findByFingerprint(fingerprint)
      .filter((version) => documents.findAccessible(version.documentId, user.id));
    const verification: FingerprintVerification = { fingerprint, matches };
    response.json(verification);
  });

  return router;
}
