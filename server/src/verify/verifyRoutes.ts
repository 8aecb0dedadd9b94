/**
 * Verification of received DOCX files.
 *
 * - `POST /api/verify/docx` (signed in): the full verdict
 *   (`DocxVerification`), naming only versions of documents the user may see.
 * - `POST /api/public/verify` (no sign-in; `PUBLIC_VERIFY=0` turns it off):
 *   for an exact match — the text is a named version's (not an automatic
 *   checkpoint's), the footer prints that text's fingerprint, and the file
 *   holds nothing the export never writes — the document's title, the
 *   version's label and date; for anything else `{ match: false }` and nothing more.
 *   Rate-limited per client address (`PUBLIC_VERIFY_PER_MINUTE`) with
 *   express-rate-limit, before the body is read.
 *   `GET /api/public/verify` says whether it is on.
 *
 * Both read the upload within the upload limits (`MAX_UPLOAD_BYTES`, and the
 * zip-bomb bounds `MAX_UPLOAD_*`, `MAX_INFLATE_RATIO`) and the document's
 * (`MAX_VERIFY_PARAGRAPHS`, `MAX_VERIFY_RUNS`, `MAX_VERIFY_XML_DEPTH`): 413 or
 * 422 past them. The signed-in one is rate-limited per user
 * (`VERIFY_PER_MINUTE`). Both share `VERIFY_CONCURRENCY` slots: past them, 503
 * with `Retry-After` (verifySlots.ts).
 */
import type { PublicVerification, PublicVersionFacts } from '@draftroom/shared';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { BadRequestError, HttpError, NotFoundError } from '../errors';
import { DocxRefusal } from '../export/xmlStream';
import { type ZipLimits, ZipRefusal } from '../export/zipEntries';
import { signedInUser } from '../http/context';
import type { AsyncDocumentRepository } from '../store/documents';
import type { VersionRepository } from '../versions/versionStore';
import type { DocxReadLimits } from './docxParagraphs';
import { publicMatches, type ReadDocx, readDocx, verifyReadDocx, versionLookup } from './verification';
import type { VerifySlots } from './verifySlots';

export interface VerifyRouteDeps {
  documents: Pick<AsyncDocumentRepository, 'findAccessible' | 'listAll'>;
  versions: Pick<VersionRepository, 'findByFingerprint' | 'load'>;
  maxUploadBytes: number;
  uploadLimits: ZipLimits;
  /** Whether the public verification answers (`PUBLIC_VERIFY`). */
  publicVerify: boolean;
  /** Public verifications per client address per minute (`PUBLIC_VERIFY_PER_MINUTE`). */
  publicVerifyPerMinute: number;
  /** Verifications per signed-in user per minute (`VERIFY_PER_MINUTE`). */
  verifyPerMinute: number;
  /** Bounds on reading the document's XML (`MAX_VERIFY_PARAGRAPHS`, `MAX_VERIFY_RUNS`, `MAX_VERIFY_XML_DEPTH`). */
  docxLimits: DocxReadLimits;
  /** Verifications at once, both routes together (`VERIFY_CONCURRENCY`). */
  slots: VerifySlots;
}

/**
 * The uploaded file read within the limits; a zip bomb or an implausible document is refused with
 * 413 or 422 and a message saying why.
 */
async function readUpload(
  request: Request,
  limits: ZipLimits,
  docxLimits: DocxReadLimits,
): Promise<ReadDocx> {
  const body: unknown = request.body;
  if (!(body instanceof Buffer) || body.length === 0)
    throw new BadRequestError('Send the DOCX file as the body.');
  try {
    return await readDocx(body, limits, docxLimits);
  } catch (error) {
    if (!(error instanceof ZipRefusal) && !(error instanceof DocxRefusal)) throw error;
    const code = error.status === 413 ? 'payload_too_large' : 'unprocessable';
    throw new HttpError(error.status, code, error.message);
  }
}

/**
 * Answers a refused upload only once its body has arrived (up to `maxBytes`;
 * past that the connection is closed after the answer): browsers and fetch
 * report an answer sent while they are still uploading as a network error,
 * and the refusal would never be read.
 */
function refuseAfterBody(request: Request, maxBytes: number, refuse: () => void): void {
  if (request.readableEnded) {
    refuse();
    return;
  }
  let received = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    refuse();
  };
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) finish();
  });
  request.once('end', finish);
  request.once('error', finish);
}

/** The 429 of a rate limiter, answered once the body has arrived. */
function rateLimited(message: string, maxBytes: number): RequestHandler {
  return (request, _response, next) => {
    const reset = (request as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
    refuseAfterBody(request, maxBytes, () => next(new HttpError(429, 'rate_limited', message, seconds)));
  };
}

/** At most `perMinute` public verifications per client address (IPv6: per /56) and minute. */
function publicLimiter(perMinute: number, maxBytes: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: rateLimited('Too many checks from your address. Wait a minute, then try again.', maxBytes),
  });
}

/** At most `perMinute` verifications per signed-in user and minute (anonymous requests pass on to their 401). */
function userLimiter(perMinute: number, maxBytes: number): RequestHandler {
  const userOf = (response: Response) => response.locals.user as { id: string } | undefined;
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (_request, response) => userOf(response) === undefined,
    keyGenerator: (_request, response) => `user:${userOf(response)?.id ?? ''}`,
    handler: rateLimited('Too many checks. Wait a minute, then try again.', maxBytes),
  });
}

/**
 * The public facts of an exact match of a named version: title, version label, date; nothing for
 * any other outcome (`publicMatches`: nothing is loaded or compared when the text is not the footer's).
 */
async function publicAnswer(read: ReadDocx, deps: VerifyRouteDeps): Promise<PublicVerification> {
  const matches = await publicMatches(
    read,
    versionLookup(deps.versions, async () => true),
  );
  if (matches.length === 0) return { match: false };
  const titles = new Map((await deps.documents.listAll()).map((document) => [document.id, document.title]));
  const versions: PublicVersionFacts[] = matches.map((version) => ({
    title: titles.get(version.documentId) ?? '',
    versionLabel: version.label,
    date: version.createdAt,
  }));
  return { match: true, versions };
}

export function verifyRoutes(deps: VerifyRouteDeps): Router {
  const router = Router();
  const upload = express.raw({ type: () => true, limit: deps.maxUploadBytes });

  const limits = [deps.uploadLimits, deps.docxLimits] as const;
  router.post(
    '/api/verify/docx',
    userLimiter(deps.verifyPerMinute, deps.maxUploadBytes),
    upload,
    async (request, response) => {
      const user = signedInUser(response);
      const visible = async (documentId: string) =>
        (await deps.documents.findAccessible(documentId, user.id)) !== undefined;
      const verdict = await deps.slots.run(async () =>
        verifyReadDocx(await readUpload(request, ...limits), versionLookup(deps.versions, visible)),
      );
      response.json(verdict);
    },
  );

  router.get('/api/public/verify', (_request, response) => {
    response.json({ enabled: deps.publicVerify });
  });

  const turnedOff: RequestHandler = (request, _response, next) => {
    if (deps.publicVerify) return next();
    const refusal = new NotFoundError('Public verification is turned off on this server.');
    refuseAfterBody(request, deps.maxUploadBytes, () => next(refusal));
  };
  router.post(
    '/api/public/verify',
    turnedOff,
    publicLimiter(deps.publicVerifyPerMinute, deps.maxUploadBytes),
    upload,
    async (request, response) => {
      response.json(
        await deps.slots.run(async () => publicAnswer(await readUpload(request, ...limits), deps)),
      );
    },
  );

  return router;
}
