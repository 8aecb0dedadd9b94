import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiError } from '@draftroom/shared';
import express, { type NextFunction, type Request, type Response } from 'express';
import { amendmentRoutes } from '../amendments/amendmentRoutes';
import type { AmendmentService } from '../amendments/amendmentService';
import { compilationRoutes } from '../amendments/compilationRoutes';
import type { AuditLog } from '../audit/auditLog';
import { sessionTokenOf } from '../auth/cookies';
import type { SessionService } from '../auth/sessionService';
import type { SignInThrottle } from '../auth/signInThrottle';
import { commentRoutes } from '../comments/commentRoutes';
import type { CommentRepository } from '../comments/commentStore';
import { compareRoutes } from '../compare/compareRoutes';
import { ClauseLockedError, HttpError } from '../errors';
import { exportRoutes } from '../export/exportRoutes';
import type { ZipLimits } from '../export/zipLimits';
import type { Logger } from '../logger';
import type { BracketCommands } from '../negotiation/bracketCommands';
import { bracketRoutes } from '../negotiation/bracketRoutes';
import type { ClauseDirectory } from '../negotiation/clauseDirectory';
import type { DocumentEvents } from '../negotiation/documentEvents';
import { negotiationRoutes } from '../negotiation/negotiationRoutes';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import type { HealthCheck } from '../sharedServices';
import type { RecordStores } from '../store/recordStores';
import type { Repositories } from '../store/repositories';
import type { DocxReadLimits } from '../verify/docxParagraphs';
import { verifyRoutes } from '../verify/verifyRoutes';
import type { VerifySlots } from '../verify/verifySlots';
import { versionRoutes } from '../versions/versionRoutes';
import type { VersionService } from '../versions/versionService';
import type { VersionRepository } from '../versions/versionStore';
import { type AccessChangeListener, adminRoutes } from './adminRoutes';
import { clientFileHeaders } from './clientFiles';
import { documentRoutes } from './documentRoutes';
import { csrfProtection, securityHeaders } from './security';
import { sessionRoutes } from './sessionRoutes';

export interface HttpAppDeps {
  repositories: Repositories;
  /** Every record, behind the asynchronous interfaces (SQLite or PostgreSQL): what routes read and write. */
  records: RecordStores;
  sessions: SessionService;
  throttle: SignInThrottle;
  /** The dependencies `/healthz` reports: the store (`sqlite`, or `postgres`) and Redis when there is one. */
  healthChecks?: readonly HealthCheck[];
  audit: AuditLog;
  access: AccessChangeListener;
  negotiation: NegotiationRepository;
  comments: CommentRepository;
  events: DocumentEvents;
  clauses: ClauseDirectory;
  /** Amendments: tabling, co-sponsoring, withdrawal, decisions, compromises. */
  amendments: AmendmentService;
  /** Bracketing and resolving as server commands (text and record in one commit). */
  brackets: BracketCommands;
  versions: VersionRepository;
  versionService: VersionService;
  maxUploadBytes: number;
  /** Largest collaboration frame accepted (MAX_MESSAGE_BYTES), told to clients. */
  maxMessageBytes: number;
  /** Bounds on unpacking an uploaded DOCX. */
  uploadLimits: ZipLimits;
  /** IANA zone of the dates in exports (`PROCESS_TIME_ZONE`). */
  processTimeZone: string;
  /** The public verification (`PUBLIC_VERIFY`) and its rate per client address (`PUBLIC_VERIFY_PER_MINUTE`). */
  publicVerify: boolean;
  publicVerifyPerMinute: number;
  /** Verifications per signed-in user per minute (`VERIFY_PER_MINUTE`). */
  verifyPerMinute: number;
  /** Bounds on reading a verified DOCX's XML (`MAX_VERIFY_*`). */
  docxLimits: DocxReadLimits;
  /** Verifications at once (`VERIFY_CONCURRENCY`). */
  verifySlots: VerifySlots;
  logger: Logger;
  publicOrigin: string;
  maxRequestBodyBytes: number;
  clientDir: string;
  isReady: () => boolean;
}

function sendError(response: Response, error: HttpError): void {
  const body: ApiError = { error: error.code, message: error.message };
  if (error.retryAfterSeconds !== undefined) {
    body.retryAfterSeconds = error.retryAfterSeconds;
    response.set('Retry-After', String(error.retryAfterSeconds));
  }
  response.status(error.status).json(body);
}

/** Errors raised by Express middleware itself (body parser, static files). */
function clientErrorOf(status: number, type: string | undefined): HttpError {
  if (type === 'entity.parse.failed')
    return new HttpError(400, 'bad_request', 'The request body is not valid JSON.');
  if (status === 413) return new HttpError(413, 'payload_too_large', 'The request body is too large.');
  if (status === 404) return new HttpError(404, 'not_found', 'Not found.');
  return new HttpError(status, 'bad_request', 'The request could not be read.');
}

/** The Express app: JSON API under /api, /healthz, and the built client with history-API fallback. */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { records, sessions, audit, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(deps.publicOrigin));

  app.get('/healthz', async (_request, response) => {
    if (!deps.isReady()) {
      response.status(503).json({ status: 'unavailable' });
      return;
    }
    const dependencies: Record<string, 'up' | 'down'> = {};
    for (const check of deps.healthChecks ?? [])
      dependencies[check.name] = (await check.check()) ? 'up' : 'down';
    const down = Object.values(dependencies).includes('down');
    response.status(down ? 503 : 200).json({ status: down ? 'degraded' : 'ok', dependencies });
  });

  app.use('/api', express.json({ limit: deps.maxRequestBodyBytes }));
  // One session read per API request (no cache: a sign-out on any instance counts at once); a store
  // that cannot answer fails the request with a 500 through the error handler.
  app.use('/api', async (request: Request, response: Response, next: NextFunction) => {
    response.set('Cache-Control', 'no-store');
    response.locals.user = await sessions.resolve(sessionTokenOf(request));
    next();
  });
  app.use('/api', csrfProtection(deps.publicOrigin));
  app.use(
    sessionRoutes({
      users: records.users,
      sessions,
      throttle: deps.throttle,
      audit,
      access: deps.access,
      logger,
    }),
  );
  app.use(adminRoutes({ records, sessions, audit, access: deps.access }));
  app.use(
    documentRoutes({
      documents: records.documents,
      participants: records.participants,
      maxMessageBytes: deps.maxMessageBytes,
    }),
  );
  const { negotiation, comments, events, clauses, amendments } = deps;
  const docs = records.documents;
  app.use(negotiationRoutes({ documents: docs, negotiation, comments, events, clauses, amendments }));
  // Before the amendment routes, whose `:amendmentId` paths would otherwise take "compilation".
  app.use(
    compilationRoutes({
      documents: records.documents,
      participants: records.participants,
      amendments,
      clauses,
      timeZone: deps.processTimeZone,
    }),
  );
  app.use(amendmentRoutes({ documents: records.documents, amendments }));
  app.use(bracketRoutes({ documents: records.documents, negotiation, events, brackets: deps.brackets }));
  app.use(commentRoutes({ documents: records.documents, comments, events, clauses }));
  const { versions, versionService } = deps;
  const documents = records.documents;
  app.use(versionRoutes({ documents, versions, versionService }));
  const { participants } = records;
  const timeZone = deps.processTimeZone;
  app.use(compareRoutes({ documents, versions, versionService, participants, negotiation, timeZone }));
  app.use(
    exportRoutes({
      documents,
      versions: records.versions,
      versionService,
      participants,
      negotiation,
      timeZone,
    }),
  );
  const { maxUploadBytes, uploadLimits, publicVerify, publicVerifyPerMinute, verifyPerMinute, docxLimits } =
    deps;
  app.use(
    verifyRoutes({
      documents,
      versions,
      maxUploadBytes,
      uploadLimits,
      publicVerify,
      publicVerifyPerMinute,
      verifyPerMinute,
      docxLimits,
      slots: deps.verifySlots,
    }),
  );
  app.use('/api', (_request: Request, response: Response) => {
    sendError(response, new HttpError(404, 'not_found', 'No such API route.'));
  });

  if (deps.clientDir && existsSync(join(deps.clientDir, 'index.html'))) {
    app.use(express.static(deps.clientDir, { index: false, maxAge: '1h', setHeaders: clientFileHeaders }));
    app.get(/^\/(?!api\/|collab\/).*/, (_request, response) => {
      response.set('Cache-Control', 'no-cache');
      // The client directory may itself sit below a dot-directory (tests/.artifacts).
      response.sendFile(join(deps.clientDir, 'index.html'), { dotfiles: 'allow' });
    });
  }

  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof HttpError) {
      if (error.status === 403) {
        const user = response.locals.user as { id: string; email: string } | undefined;
        audit.recordThrottled(
          'refused',
          { userId: user?.id, email: user?.email, ip: request.ip },
          request.originalUrl,
          {
            method: request.method,
            why: error.message,
          },
        );
      }
      return sendError(response, error);
    }
    if (error instanceof ClauseLockedError) {
      // A server change refused inside its commit: the clause was agreed (through another instance) meanwhile.
      return sendError(
        response,
        new HttpError(
          409,
          'clause_locked',
          'The clause is agreed and locked. The pen-holder reopens it first.',
        ),
      );
    }
    const { status, type } = error as { status?: number; type?: string };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(response, clientErrorOf(status, type));
    }
    logger.error({ err: error, url: request.originalUrl }, 'request failed');
    sendError(response, new HttpError(500, 'internal', 'Something went wrong on the server.'));
  });

  return app;
}
