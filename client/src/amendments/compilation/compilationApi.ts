/**
 * The compilation of amendments: its page's path and filters (kept in the
 * URL), the JSON and the DOCX download with the same filters.
 */
import type { Compilation } from '@draftroom/shared';
import { apiRequest } from '../../api';

/** The filters of a compilation as the URL carries them. */
export interface CompilationQuery {
  /** A section id. */
  section?: string;
  /** A participant code: amendments it tabled or co-sponsored. */
  delegation?: string;
  /** Tabled (undecided) amendments only. */
  open: boolean;
}

const encode = encodeURIComponent;

/** The query string ("?section=…&delegation=…&open=1"), empty without filters. */
export function compilationSearch(query: CompilationQuery): string {
  const params = new URLSearchParams();
  if (query.section) params.set('section', query.section);
  if (query.delegation) params.set('delegation', query.delegation);
  if (query.open) params.set('open', '1');
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The filters a page's query string names (unknown parameters ignored). */
export function compilationQueryFrom(search: string): CompilationQuery {
  const params = new URLSearchParams(search);
  const open = params.get('open');
  return {
    section: params.get('section') || undefined,
    delegation: params.get('delegation') || undefined,
    open: open === '1' || open === 'true',
  };
}

/** `/documents/:id/amendments/compilation` with the filters. */
export function compilationPath(documentId: string, query: CompilationQuery = { open: false }): string {
  return `/documents/${encode(documentId)}/amendments/compilation${compilationSearch(query)}`;
}

/** The document id of a compilation page's path (no trailing slash), or null. */
export function matchCompilationPath(path: string): string | null {
  const match = /^\/documents\/([^/]+)\/amendments\/compilation$/.exec(path);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

const compilationApi = (documentId: string) => `/api/documents/${encode(documentId)}/amendments/compilation`;

export function fetchCompilation(documentId: string, query: CompilationQuery): Promise<Compilation> {
  return apiRequest('GET', `${compilationApi(documentId)}${compilationSearch(query)}`);
}

/** The compilation as a Word file (a download), with the same filters. */
export function compilationDocxUrl(documentId: string, query: CompilationQuery): string {
  return `${compilationApi(documentId)}.docx${compilationSearch(query)}`;
}
