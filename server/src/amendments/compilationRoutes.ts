import type { Amendment, Compilation, DocumentSummary } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { sendDocx } from '../compare/compareRoutes';
import { accessibleDocument } from '../http/context';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import type { AsyncDocumentRepository } from '../store/documents';
import type { AsyncParticipantRepository } from '../store/participants';
import { prepareAmendmentRedlines } from './amendmentText';
import { buildCompilation, parseCompilationQuery, readCompilationText } from './compilation';
import { exportCompilationDocx } from './compilationDocx';

export interface CompilationRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible'>;
  /** The delegations a `delegation` filter may name. */
  participants: Pick<AsyncParticipantRepository, 'listForProcess'>;
  /** Every amendment of a document, in number order (the amendment records). */
  amendments: { list(documentId: string): Promise<Amendment[]> };
  /** Reads the live text (open room or stored state). */
  clauses: Pick<ClauseDirectory, 'readLive'>;
  /** IANA zone the DOCX's dates are written in (`PROCESS_TIME_ZONE`). */
  timeZone: string;
  now?: () => Date;
}

/** The compilation a request asks for, with the section filter as people read it. */
async function compile(
  deps: CompilationRouteDeps,
  request: Request,
  response: Response,
): Promise<{ document: DocumentSummary; compilation: Compilation; sectionLabel?: string }> {
  const { document } = await accessibleDocument(request, response, deps.documents);
  const text = await deps.clauses.readLive(document.id, readCompilationText);
  const amendments = await deps.amendments.list(document.id);
  const participantCodes = new Set([
    ...(await deps.participants.listForProcess(document.process.id)).map((participant) => participant.code),
    ...amendments.map((amendment) => amendment.proponentCode),
  ]);
  const filters = parseCompilationQuery(request.query, {
    sectionIds: new Set(text.sections.map((section) => section.id)),
    participantCodes,
  });
  const compilation = buildCompilation({
    documentId: document.id,
    title: document.title,
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    text,
    amendments,
    filters,
  });
  const section = text.sections.find((candidate) => candidate.id === filters.sectionId);
  return { document, compilation, sectionLabel: section && `${section.number}. ${section.title}` };
}

/**
 * `GET /api/documents/:id/amendments/compilation?section=&delegation=&open=1`
 * → `Compilation` (JSON), and the same path with `.docx` → the compilation
 * as a Word file. Any role on the document may read it (no role: 404); an
 * unknown section or delegation, or a bad `open`, is a 400.
 */
export function compilationRoutes(deps: CompilationRouteDeps): Router {
  const router = Router();

  router.get('/api/documents/:id/amendments/compilation', async (request, response) => {
    response.json((await compile(deps, request, response)).compilation);
  });

  router.get('/api/documents/:id/amendments/compilation.docx', async (request, response) => {
    const { document, compilation, sectionLabel } = await compile(deps, request, response);
    await prepareAmendmentRedlines(compilation.clauses.flatMap((entry) => entry.amendments));
    const docx = await exportCompilationDocx({
      compilation,
      processName: document.process.name,
      sectionLabel,
      timeZone: deps.timeZone,
    });
    sendDocx(response, `${document.title} — Compilation of amendments.docx`, docx);
  });

  return router;
}
