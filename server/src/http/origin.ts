import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isLoopback } from './clientAddress';

/**
 * The scheme the browser used to reach this server: `https` on a TLS
 * socket; behind a reverse proxy on the same machine (the loopback proxy
 * Express is told to trust), the proxy's `X-Forwarded-Proto`; else `http`.
 */
export function requestScheme(request: IncomingMessage): 'http' | 'https' {
  if ((request.socket as TLSSocket).encrypted) return 'https';
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  if ((first === 'https' || first === 'http') && isLoopback(request.socket.remoteAddress ?? '')) return first;
  return 'http';
}

/**
 * `origin` as a browser writes it in `Origin` (lower-case scheme and host,
 * no default port; `new URL(…).origin`); `PUBLIC_ORIGIN` is normalised so
 * when the configuration is loaded, this repeats it for callers that pass
 * their own value. A value that is no URL is returned unchanged (it then
 * matches nothing a browser sends).
 */
function canonicalOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

/**
 * True when a request's `Origin` (if any) is the app's own: the configured
 * public origin (as browsers write it: `https://Draftroom.example.org:443`
 * is `https://draftroom.example.org`), or else the origin the request itself was addressed to —
 * scheme, host and port all equal (`https://host:port` is not the origin of
 * a plain-HTTP server on that port). Requests without `Origin` (non-browser
 * clients) are allowed; `null` and malformed origins are not.
 */
export function isAllowedOrigin(request: IncomingMessage, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (publicOrigin) return origin === canonicalOrigin(publicOrigin);
  const host = request.headers.host;
  // A host name or address and an optional port, nothing URL parsing could read as a path or credentials.
  if (!host || !/^[\w.-]+(:\d+)?$|^\[[\da-f:.]+\](:\d+)?$/i.test(host)) return false;
  try {
    // URL compares the normalised origins: case, and a default port written out or not.
    return new URL(origin).origin === new URL(`${requestScheme(request)}://${host}`).origin;
  } catch {
    return false;
  }
}
