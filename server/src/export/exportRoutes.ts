import { Router } from 'express';
import { sendDocx } from '../compare/compareRoutes';
import { NotFoundError } from '../errors';
import { accessibleDocument, routeParam } from '../http/context';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import type { AsyncDocumentRepository } from '../store/documents';
import type { AsyncParticipantRepository } from '../store/participants';
import type { VersionService } from '../versions/versionService';
import type { VersionRepository } from '../versions/versionStore';
import { bracketNotesOf, participantLabels } from './bracketSources';
import { exportVersionDocx } from './versionDocx';

export interface ExportRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  versions: Pick<VersionRepository, 'load'>;
  versionService: Pick<VersionService, 'comparableOf'>;
  /** Names the proponents of bracket alternatives ("Hungary (HU)"). */
  participants: Pick<AsyncParticipantRepository, 'listForProcess'>;
  /** The bracket records: proponents for versions saved before snapshots named them. */
  negotiation: Pick<NegotiationRepository, 'brackets'>;
  /** IANA zone the exports' dates are written in (`PROCESS_TIME_ZONE`). */
  timeZone: string;
}

/**
 * `GET …/versions/:versionId/export.docx` — a version to circulate: its
 * fingerprint in the footer, brackets with their alternatives and
 * proponents, its date in the process's time zone. (Verification of a
 * received DOCX is in `verify/verifyRoutes.ts`.)
 */
export function exportRoutes({
  documents,
  versions,
  versionService,
  participants,
  negotiation,
  timeZone,
}: ExportRouteDeps): Router {
  const router = Router();

  router.get('/api/documents/:id/versions/:versionId/export.docx', async (request, response) => {
    const { document } = await accessibleDocument(request, response, documents);
    const version = await versions.load(document.id, routeParam(request, 'versionId'));
    if (!version) throw new NotFoundError('No such version.');
    const comparable = versionService.comparableOf(version);
    const [processParticipants, records] = await Promise.all([
      participants.listForProcess(document.process.id),
      negotiation.brackets(document.id),
    ]);
    const label = participantLabels(processParticipants);
    const docx = await exportVersionDocx({
      title: document.title,
      processName: document.process.name,
      versionLabel: version.label,
      date: version.createdAt,
      fingerprint: version.fingerprint,
      structure: comparable.structure,
      statuses: comparable.statuses ?? {},
      brackets: bracketNotesOf(comparable.brackets, records, label),
      timeZone,
    });
    sendDocx(response, `${document.title} — ${version.label}.docx`, docx);
  });

  return router;
}
