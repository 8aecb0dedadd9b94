import type { IncomingMessage } from 'node:http';

/**
 * True when a request's `Origin` (if any) is the app's own: the configured
 * public origin, or else the origin the request's Host header names.
 * Requests without `Origin` (non-browser clients) are allowed.
 */
export function isAllowedOrigin(request: IncomingMessage, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (publicOrigin) return origin === publicOrigin;
  const host = request.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
