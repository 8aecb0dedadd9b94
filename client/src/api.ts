/**
 * The one place that talks to the Draftroom REST API. Every request is
 * same-origin JSON; state-changing requests carry the CSRF token from the
 * `draftroom_csrf` cookie.
 */
import type {
  ApiError,
  DocumentDetail,
  DocumentSummary,
  MeResponse,
  SessionResponse,
  UserProfile,
} from '@draftroom/shared';

const CSRF_COOKIE = 'draftroom_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

/** A non-2xx answer from the API, with the server's error body when it sent one. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;
  /** The whole error body as sent (some answers carry more than `ApiError`, e.g. an amendment conflict). */
  readonly body: Record<string, unknown> | null;

  constructor(status: number, body: Partial<ApiError> | null) {
    super(body?.message ?? defaultMessageFor(status));
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = body?.error ?? `http_${status}`;
    this.retryAfterSeconds = body?.retryAfterSeconds;
    this.body = body as Record<string, unknown> | null;
  }
}

function defaultMessageFor(status: number): string {
  if (status === 401) return 'Please sign in.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `The request failed (${status}).`;
}

/** Reads a cookie visible to scripts; `undefined` when it is not set. */
export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    const raw = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

function requestHeaders(method: string): Headers {
  const headers = new Headers({ Accept: 'application/json', 'Content-Type': 'application/json' });
  if (method !== 'GET' && method !== 'HEAD') {
    const csrfToken = readCookie(CSRF_COOKIE);
    if (csrfToken) headers.set(CSRF_HEADER, csrfToken);
  }
  return headers;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Asks the user to sign in again, in place, when the session has ended.
 * Resolves true once they did (the request can be sent again), false when
 * they did not (signed out, or nobody was signed in).
 */
export type SignInAgain = () => Promise<boolean>;

let signInAgain: SignInAgain | null = null;

/** Installed by the auth provider: a 401 then waits for an in-place sign-in instead of failing. */
export function setSignInAgainHandler(handler: SignInAgain | null): void {
  signInAgain = handler;
}

export interface RequestOptions {
  /**
   * On 401 (session ended), ask the user to sign in again and repeat the
   * request once they did (default). A 401 means the server did nothing, so
   * repeating is safe. Off for the sign-in and session requests themselves.
   */
  signInAgainOn401?: boolean;
}

/** Sends a request to the API and returns the parsed JSON body (or `null` for 204). */
export async function apiRequest<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  for (;;) {
    try {
      return await sendRequest<T>(method, path, body);
    } catch (error) {
      const renew = options.signInAgainOn401 !== false && isUnauthenticated(error) && signInAgain;
      if (!renew || !(await renew())) throw error;
    }
  }
}

async function sendRequest<T>(method: string, path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, {
      error: 'network',
      message: 'Cannot reach the server. Check your connection.',
    });
  }
  const data = await readJson(response);
  if (!response.ok) {
    const errorBody = data && typeof data === 'object' ? (data as Partial<ApiError>) : null;
    throw new ApiRequestError(response.status, errorBody);
  }
  return data as T;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 401;
}

const SESSION_REQUEST: RequestOptions = { signInAgainOn401: false };

export async function signIn(email: string, password: string): Promise<UserProfile> {
  const response = await apiRequest<MeResponse>('POST', '/api/session', { email, password }, SESSION_REQUEST);
  return response.user;
}

export async function signOut(): Promise<void> {
  await apiRequest<null>('DELETE', '/api/session', undefined, SESSION_REQUEST);
}

/**
 * The signed-in user, or `null` when there is no valid session. Asks `GET /api/session`, which answers a
 * signed-out browser with 200 and `user: null` (a 401 would show as an error in the browser's console).
 */
export async function fetchCurrentUser(): Promise<UserProfile | null> {
  try {
    const response = await apiRequest<SessionResponse>('GET', '/api/session', undefined, SESSION_REQUEST);
    return response.user;
  } catch (error) {
    if (isUnauthenticated(error)) return null;
    throw error;
  }
}

/** Whether this browser's session is still valid: `unknown` when the server cannot be asked. */
export async function checkSession(): Promise<'valid' | 'expired' | 'unknown'> {
  try {
    return (await fetchCurrentUser()) ? 'valid' : 'expired';
  } catch {
    return 'unknown';
  }
}

export function listDocuments(): Promise<DocumentSummary[]> {
  return apiRequest<DocumentSummary[]>('GET', '/api/documents');
}

export function getDocument(documentId: string): Promise<DocumentDetail> {
  return apiRequest<DocumentDetail>('GET', `/api/documents/${encodeURIComponent(documentId)}`);
}
