/**
 * The pages of versions: a version read-only, a comparison, the print view
 * and the verify page. Paths are built and matched here; the app's router
 * asks `matchVersionsRoute` before its own "not found".
 */
import { CURRENT_TEXT } from '@draftroom/shared';

export type VersionsRoute =
  | { name: 'version'; documentId: string; versionId: string }
  | { name: 'compare'; documentId: string }
  | { name: 'print'; documentId: string }
  | { name: 'verify' };

const encode = encodeURIComponent;
const documentBase = (documentId: string) => `/documents/${encode(documentId)}`;

export function versionPath(documentId: string, versionId: string): string {
  return `${documentBase(documentId)}/versions/${encode(versionId)}`;
}

/** The comparison of two sides (a version id or `current`). */
export function comparePath(documentId: string, from: string, to: string = CURRENT_TEXT): string {
  return `${documentBase(documentId)}/compare?${new URLSearchParams({ from, to })}`;
}

export function printPath(documentId: string, version: string = CURRENT_TEXT): string {
  return `${documentBase(documentId)}/print?${new URLSearchParams({ version })}`;
}

export const VERIFY_PATH = '/verify';

function decoded(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The versions page a path names, or null. `path` has no trailing slash. */
export function matchVersionsRoute(path: string): VersionsRoute | null {
  if (path === VERIFY_PATH) return { name: 'verify' };
  const version = /^\/documents\/([^/]+)\/versions\/([^/]+)$/.exec(path);
  if (version?.[1] && version[2]) {
    const documentId = decoded(version[1]);
    const versionId = decoded(version[2]);
    return documentId && versionId ? { name: 'version', documentId, versionId } : null;
  }
  const page = /^\/documents\/([^/]+)\/(compare|print)$/.exec(path);
  if (page?.[1] && page[2]) {
    const documentId = decoded(page[1]);
    if (!documentId) return null;
    return page[2] === 'compare' ? { name: 'compare', documentId } : { name: 'print', documentId };
  }
  return null;
}

const VERSIONS_ROUTE_NAMES: ReadonlySet<string> = new Set(['version', 'compare', 'print', 'verify']);

export function isVersionsRoute(route: { name: string }): route is VersionsRoute {
  return VERSIONS_ROUTE_NAMES.has(route.name);
}
