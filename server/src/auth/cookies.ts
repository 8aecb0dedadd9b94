import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'draftroom_session';
export const CSRF_COOKIE = 'draftroom_csrf';

/** Parses a `Cookie` header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const name = part.slice(0, separator).trim();
    const raw = part.slice(separator + 1).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

export function sessionTokenOf(request: IncomingMessage): string | undefined {
  return parseCookies(request.headers.cookie).get(SESSION_COOKIE);
}
