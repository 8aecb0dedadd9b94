import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { CSRF_COOKIE, parseCookies, sessionTokenOf } from '../auth/cookies';
import { csrfTokenFor } from '../auth/sessionService';
import { ForbiddenError } from '../errors';
import { isAllowedOrigin } from './origin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Security headers; the CSP allows exactly the app's own scripts, styles, service worker and WebSocket. */
export function securityHeaders(publicOrigin: string) {
  const socketOrigin = publicOrigin.replace(/^http/, 'ws');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': socketOrigin ? ["'self'", socketOrigin] : ["'self'"],
        // The service worker (/sw.js) that lets the app open offline.
        'worker-src': ["'self'"],
        'upgrade-insecure-requests': publicOrigin.startsWith('https:') ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}

function checkStateChangingRequest(request: Request, publicOrigin: string): void {
  if (!isAllowedOrigin(request, publicOrigin)) throw new ForbiddenError('Cross-site request refused.');
  const sessionToken = sessionTokenOf(request);
  if (!sessionToken) return;
  const expected = csrfTokenFor(sessionToken);
  const sent = request.get('x-csrf-token');
  const cookie = parseCookies(request.headers.cookie).get(CSRF_COOKIE);
  if (sent !== expected || cookie !== expected) {
    throw new ForbiddenError('Missing or wrong CSRF token. Reload the page and try again.');
  }
}

/**
 * Cross-site request forgery protection for state-changing requests: the
 * request's Origin must be the app's, and a signed-in request must echo the
 * CSRF cookie's value in `X-CSRF-Token` (double submit, bound to the session).
 */
export function csrfProtection(publicOrigin: string) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (!SAFE_METHODS.has(request.method)) checkStateChangingRequest(request, publicOrigin);
    next();
  };
}
