import {
  type ComparedSide,
  type CompareResult,
  CURRENT_TEXT,
  type DocumentComparison,
  type DocumentSummary,
} from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { fingerprint } from '../content/structure';
import { NotFoundError } from '../errors';
import { exportComparisonDocx } from '../export';
import { participantLabels } from '../export/bracketSources';
import { bracketProponents, revisionsBetween } from '../export/redlineAttribution';
import { accessibleDocument } from '../http/context';
import { parseBody } from '../http/validation';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import type { AsyncDocumentRepository } from '../store/documents';
import type { AsyncParticipantRepository } from '../store/participants';
import type { VersionService } from '../versions/versionService';
import type { VersionRepository } from '../versions/versionStore';
import { compareStructures } from './compareStructures';
import type { ComparableDocument } from './types';

export interface CompareRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  /** The clause edits: who edited each clause between two points of the update log. */
  versions: Pick<VersionRepository, 'editorsByClause' | 'clauseEdits'>;
  versionService: VersionService;
  /** Names the delegations of tracked changes and bracket proponents. */
  participants: Pick<AsyncParticipantRepository, 'listForProcess'>;
  /** Bracket records: the proponents of alternatives. */
  negotiation: Pick<NegotiationRepository, 'brackets'>;
  /** IANA zone the redline's date is written in (`PROCESS_TIME_ZONE`). */
  timeZone: string;
}

const compareQuery = z.object({
  from: z.string().min(1),
  to: z.string().min(1).default(CURRENT_TEXT),
  changedOnly: z.enum(['0', '1', 'true', 'false']).default('0'),
  /** `formatted` (underline / strike-through) or `tracked` (Word tracked changes with authors and dates). */
  form: z.enum(['formatted', 'tracked']).default('formatted'),
});

/** One side of a comparison: a version, or the current text; what is compared and where the update log stood. */
interface CompareSide extends ComparedSide {
  comparable: ComparableDocument;
  lastUpdateId: number;
}

async function sideOf(deps: CompareRouteDeps, document: DocumentSummary, id: string): Promise<CompareSide> {
  if (id === CURRENT_TEXT) {
    const current = await deps.versionService.current(document.id);
    return { label: 'Current text', version: null, ...current };
  }
  const version = await deps.versionService.version(document.id, id);
  if (!version) throw new NotFoundError(`No such version: ${id}`);
  const { state, structureJson, negotiationJson, lastUpdateId, ...summary } = version;
  return {
    label: version.label,
    version: summary,
    comparable: deps.versionService.comparableOf(version),
    lastUpdateId,
  };
}

/**
 * Compares two sides clause by clause. Attribution: the participants whose
 * stored updates touched each clause between the two points of the update log.
 */
async function compareSides(
  deps: CompareRouteDeps,
  documentId: string,
  before: CompareSide,
  after: CompareSide,
): Promise<DocumentComparison> {
  const low = Math.min(before.lastUpdateId, after.lastUpdateId);
  const high = Math.max(before.lastUpdateId, after.lastUpdateId);
  const attribution = await deps.versions.editorsByClause(documentId, low, high);
  return compareStructures(before.comparable, after.comparable, { attribution });
}

/** `GET /api/documents/:id/compare?from&to` (JSON) and `…/compare.docx` (a redline to circulate). */
export function compareRoutes(deps: CompareRouteDeps): Router {
  const router = Router();
  const prepare = async (request: Request, response: Response) => {
    const { document } = await accessibleDocument(request, response, deps.documents);
    const query = parseBody(compareQuery, request.query);
    const before = await sideOf(deps, document, query.from);
    const after = await sideOf(deps, document, query.to);
    const comparison = await compareSides(deps, document.id, before, after);
    return {
      document,
      before,
      after,
      comparison,
      changedOnly: query.changedOnly === '1' || query.changedOnly === 'true',
      form: query.form,
    };
  };

  router.get('/api/documents/:id/compare', async (request, response) => {
    const { document, before, after, comparison } = await prepare(request, response);
    const result: CompareResult = {
      from: { label: before.label, version: before.version },
      to: { label: after.label, version: after.version },
      comparison,
      amendments: await deps.versionService.amendmentChanges(document.id, before.version, after.version),
    };
    response.json(result);
  });

  router.get('/api/documents/:id/compare.docx', async (request, response) => {
    const { document, before, after, comparison, changedOnly, form } = await prepare(request, response);
    const now = new Date();
    const label = participantLabels(await deps.participants.listForProcess(document.process.id));
    const range = {
      afterUpdateId: Math.min(before.lastUpdateId, after.lastUpdateId),
      upToUpdateId: Math.max(before.lastUpdateId, after.lastUpdateId),
    };
    const afterDate = after.version?.createdAt ?? now.toISOString();
    const docx = await exportComparisonDocx({
      form,
      revisionOf: await revisionsBetween(deps.versions, document.id, range, label, afterDate),
      amendments: await deps.versionService.amendmentChanges(document.id, before.version, after.version),
      bracketProponents: bracketProponents(
        [before.comparable, after.comparable],
        await deps.negotiation.brackets(document.id),
      ),
      timeZone: deps.timeZone,
      title: document.title,
      processName: document.process.name,
      beforeLabel: before.label,
      afterLabel: after.label,
      comparison,
      changedOnly,
      date: now,
      beforeFingerprint: before.version?.fingerprint ?? fingerprint(before.comparable.structure),
      afterFingerprint: after.version?.fingerprint ?? fingerprint(after.comparable.structure),
    });
    sendDocx(response, `${document.title} — ${before.label} → ${after.label} (redline).docx`, docx);
  });

  return router;
}

/** Sends a DOCX as a download with a safe file name. */
export function sendDocx(response: Response, fileName: string, docx: Buffer): void {
  const ascii = fileName.replace(/[^\w .()–—→-]+/g, '').replace(/[^\x20-\x7e]/g, '-');
  response.set({
    'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });
  response.send(docx);
}
