/** The public verification endpoints: no sign-in needed. */
import type { ApiError, PublicVerification } from '@draftroom/shared';
import { ApiRequestError, readCookie } from '../api';

async function answer<T>(request: () => Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await request();
  } catch {
    throw new ApiRequestError(0, {
      error: 'network',
      message: 'Cannot reach the server. Check your connection.',
    });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new ApiRequestError(response.status, body as Partial<ApiError> | null);
  return body as T;
}

/** Whether this server offers public verification (`PUBLIC_VERIFY`). */
export async function publicVerifyEnabled(): Promise<boolean> {
  const body = await answer<{ enabled: boolean }>(() =>
    fetch('/api/public/verify', { headers: { Accept: 'application/json' }, credentials: 'same-origin' }),
  );
  return body.enabled;
}

/** Sends a DOCX: title, version label and date for an exact match, nothing otherwise. */
export function verifyPublicly(file: Blob): Promise<PublicVerification> {
  const headers = new Headers({ Accept: 'application/json', 'Content-Type': 'application/octet-stream' });
  // A signed-in visitor's browser sends the session cookie too: state-changing requests then need the CSRF token.
  const csrfToken = readCookie('draftroom_csrf');
  if (csrfToken) headers.set('X-CSRF-Token', csrfToken);
  return answer(() =>
    fetch('/api/public/verify', { method: 'POST', credentials: 'same-origin', headers, body: file }),
  );
}
