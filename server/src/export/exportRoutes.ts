import express, { Router } from 'express';
import { sendDocx } from '../compare/compareRoutes';
import { BadRequestError, NotFoundError } from '../errors';
import { accessibleDocument, routeParam, signedInUser } from '../http/context';
import type { DocumentRepository } from '../store/documents';
import type { VersionService } from '../versions/versionService';
import type { VersionStore } from '../versions/versionStore';
import { extractFingerprintFromDocx } from './docxFingerprint';
import { exportVersionDocx } from './versionDocx';

export interface ExportRouteDeps {
  documents: DocumentRepository;
  versions: VersionStore;
  versionService: VersionService;
  maxUploadBytes: number;
}

/**
 * `GET …/versions/:versionId/export.docx` — a version to circulate (its
 * fingerprint in the footer); `POST /api/verify/docx` — names the version a
 * received DOCX is, among the documents the user may see.
 */
export function exportRoutes({
  documents,
  versions,
  versionService,
  maxUploadBytes,
}: ExportRouteDeps): Router {
  const router = Router();

  router.get('/api/documents/:id/versions/:versionId/export.docx', async (request, response) => {
    const { document } = accessibleDocument(request, response, documents);
    const version = versions.load(document.id, routeParam(request, 'versionId'));
    if (!version) throw new NotFoundError('No such version.');
    const comparable = versionService.comparableOf(version);
    const docx = await exportVersionDocx({
      title: document.title,
      processName: document.process.name,
      versionLabel: version.label,
      date: version.createdAt,
      fingerprint: version.fingerprint,
      structure: comparable.structure,
      statuses: comparable.statuses ?? {},
    });
    sendDocx(response, `${document.title} — ${version.label}.docx`, docx);
  });

  router.post(
    '/api/verify/docx',
    express.raw({ type: () => true, limit: maxUploadBytes }),
    (request, response) => {
      const user = signedInUser(response);
      const body: unknown = request.body;
      if (!(body instanceof Buffer) || body.length === 0)
        throw new BadRequestError('Send the DOCX file as the body.');
      const fingerprint = extractFingerprintFromDocx(body);
      if (!fingerprint) {
        response.json({ fingerprint: null, matches: [] });
        return;
      }
      const matches = versions
        .findByFingerprint(fingerprint)
        .filter((version) => documents.findAccessible(version.documentId, user.id));
      response.json({ fingerprint, matches });
    },
  );

  return router;
}
