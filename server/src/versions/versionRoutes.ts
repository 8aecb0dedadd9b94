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
import type { AsyncDocumentRepository } from '../store/documents';
import { visibleVersions } from '../verify/verification';
import type { VersionService } from './versionService';
import type { VersionRepository } from './versionStore';

export interface VersionRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  versions: Pick<VersionRepository, 'meetings' | 'meetingOfProcess' | 'findByFingerprint'>;
  versionService: VersionService;
}

/** Meetings, the history panel, named versions, opening a version read-only, restore. */
export function versionRoutes({ documents, versions, versionService }: VersionRouteDeps): Router {
  const router = Router();
  const access = (request: Request, response: Response) => accessibleDocument(request, response, documents);
  const versionOf = async (documentId: string, request: Request) => {
    const version = await versionService.version(documentId, routeParam(request, 'versionId'));
    if (!version) throw new NotFoundError('No such version.');
    return version;
  };

  router.get('/api/documents/:id/meetings', async (request, response) => {
    const { document } = await access(request, response);
    response.json(await versions.meetings(document.process.id));
  });

  router.get('/api/documents/:id/versions', async (request, response) => {
    const { document } = await access(request, response);
    response.json(await versionService.history(document.id));
  });

  router.post('/api/documents/:id/versions', async (request, response) => {
    const { user, document } = await access(request, response);
    authorize(document.role, 'save-version');
    const input = parseBody(newVersionSchema, request.body);
    if (input.meetingId && !(await versions.meetingOfProcess(document.process.id, input.meetingId))) {
      throw new BadRequestError('meetingId: no such meeting in this process');
    }
    response.status(201).json(await versionService.saveNamed(document.id, input, user));
  });

  router.get('/api/documents/:id/versions/:versionId', async (request, response) => {
    const { document } = await access(request, response);
    const version = await versionOf(document.id, request);
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
    const { user, document } = await access(request, response);
    authorize(document.role, 'restore-version');
    await versionService.restore(document.id, await versionOf(document.id, request), user);
    response.status(204).end();
  });

  router.get('/api/verify/:fingerprint', async (request, response) => {
    const user = signedInUser(response);
    const fingerprint = routeParam(request, 'fingerprint').toLowerCase();
    if (!/^[a-f0-9]{64}$/.test(fingerprint))
      throw new BadRequestError('A fingerprint is 64 hexadecimal characters.');
    const matches = await visibleVersions(
      await versions.findByFingerprint(fingerprint),
      async (documentId) => (await documents.findAccessible(documentId, user.id)) !== undefined,
    );
    const verification: FingerprintVerification = { fingerprint, matches };
    response.json(verification);
  });

  return router;
}
