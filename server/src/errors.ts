import type { CloseCode } from '@draftroom/shared';

/** An error that maps to an HTTP response with a JSON `{error, message}` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string) {
    super(400, 'bad_request', message);
  }
}

export class UnauthenticatedError extends HttpError {
  constructor(message = 'Sign in to continue.') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Your role does not allow this.') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'too_many_requests', message, retryAfterSeconds);
  }
}

/** Why the collaboration server refuses or closes a WebSocket connection. */
export class CollabRefusal extends Error {
  constructor(
    readonly closeCode: CloseCode,
    message: string,
  ) {
    super(message);
    this.name = 'CollabRefusal';
  }
}

/** The database refused a write (read-only file, full disk, I/O error). */
export class StorageWriteError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'StorageWriteError';
  }
}

/** A frame received on the instance bus that is too large or cannot be decoded; it is dropped. */
/** A commit claimed Yjs client ids the store records as someone else's (claimed through another instance); nothing was stored. */
export class ClientIdTakenError extends StorageWriteError {
  constructor(readonly clientIds: readonly number[]) {
    super(`client id ${clientIds.join(', ')} belongs to someone else`, null);
    this.name = 'ClientIdTakenError';
  }
}

/** A commit touched clauses agreed in the store (checked inside the commit); nothing was stored. */
export class ClauseLockedError extends Error {
  constructor(readonly clauseIds: readonly string[]) {
    super(`clause ${clauseIds.join(', ')} is agreed and locked`);
    this.name = 'ClauseLockedError';
  }
}

export class BusFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusFrameError';
  }
}

/** A bus message that cannot be published as given (a programming error); it is dropped and logged. */
export class BusMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusMessageError';
  }
}
