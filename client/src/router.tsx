/**
 * A tiny History-API router: the current path as React state, `navigate()`,
 * and a `<Link>` that navigates without reloading the page.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';
import { matchCompilationPath } from './amendments/compilation/compilationApi';
import { matchVersionsRoute, type VersionsRoute } from './versions/routes';

const NAVIGATION_EVENT = 'draftroom:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATION_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATION_EVENT, onChange);
  };
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/** The current path and query string, e.g. `/documents/abc?e2e`. Re-renders on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const queryStart = location.indexOf('?');
  if (queryStart < 0) return { pathname: location, search: '' };
  return { pathname: location.slice(0, queryStart), search: location.slice(queryStart) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATION_EVENT));
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return (
    event.button === 0 &&
    !event.metaKey &&
    !event.ctrlKey &&
    !event.shiftKey &&
    !event.altKey &&
    !event.defaultPrevented
  );
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link (opens in a new tab with Ctrl/⌘-click) that navigates in place on a plain click. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (!isPlainLeftClick(event)) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

export type Route =
  | { name: 'documents' }
  | { name: 'signin' }
  | { name: 'document'; documentId: string }
  | { name: 'dashboard'; documentId: string }
  | { name: 'admin' }
  | { name: 'public-verify' }
  | { name: 'amendment-compilation'; documentId: string }
  | VersionsRoute
  | { name: 'not-found' };

/** Maps a path to one of the app's pages. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'documents' };
  if (path === '/signin') return { name: 'signin' };
  if (path === '/admin') return { name: 'admin' };
  if (path === PUBLIC_VERIFY_PATH) return { name: 'public-verify' };
  const dashboardMatch = /^\/documents\/([^/]+)\/dashboard$/.exec(path);
  if (dashboardMatch?.[1]) {
    try {
      return { name: 'dashboard', documentId: decodeURIComponent(dashboardMatch[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  const compilationDocument = matchCompilationPath(path);
  if (compilationDocument) return { name: 'amendment-compilation', documentId: compilationDocument };
  const versionsRoute = matchVersionsRoute(path);
  if (versionsRoute) return versionsRoute;
  const documentMatch = /^\/documents\/([^/]+)$/.exec(path);
  if (documentMatch?.[1]) {
    try {
      return { name: 'document', documentId: decodeURIComponent(documentMatch[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  return { name: 'not-found' };
}

/** The verification page for people without an account (no sign-in). */
export const PUBLIC_VERIFY_PATH = '/verify/public';

export function documentPath(documentId: string): string {
  return `/documents/${encodeURIComponent(documentId)}`;
}

/** The sign-in page URL that returns to `returnTo` afterwards. */
export function signInPath(returnTo?: string): string {
  if (!returnTo || returnTo === '/' || returnTo.startsWith('/signin')) return '/signin';
  return `/signin?next=${encodeURIComponent(returnTo)}`;
}

/** The page to open after signing in: the `next` query parameter when it is a safe local path. */
export function returnPathFrom(search: string): string {
  const next = new URLSearchParams(search).get('next');
  const isLocalPath = next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\');
  return isLocalPath && next ? next : '/';
}
