/** The versions, compare, export and verify endpoints of the REST API. */
import {
  type ApiError,
  type CompareResult,
  CURRENT_TEXT,
  type DocxVerification,
  type FingerprintVerification,
  type Meeting,
  type VersionDetail,
  type VersionSummary,
} from '@draftroom/shared';
import { ApiRequestError, apiRequest, readCookie } from '../api';

const documentApi = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`;
const versionApi = (documentId: string, versionId: string) =>
  `${documentApi(documentId)}/versions/${encodeURIComponent(versionId)}`;

export interface NewVersion {
  label: string;
  note: string;
  meetingId: string | null;
}

export function fetchMeetings(documentId: string): Promise<Meeting[]> {
  return apiRequest('GET', `${documentApi(documentId)}/meetings`);
}

/** Newest first, named versions and automatic checkpoints. */
export function fetchVersions(documentId: string): Promise<VersionSummary[]> {
  return apiRequest('GET', `${documentApi(documentId)}/versions`);
}

export function saveVersion(documentId: string, input: NewVersion): Promise<VersionSummary> {
  return apiRequest('POST', `${documentApi(documentId)}/versions`, input);
}

export function fetchVersion(documentId: string, versionId: string): Promise<VersionDetail> {
  return apiRequest('GET', versionApi(documentId, versionId));
}

/** Replaces the live text with the version's, as a new forward change (pen-holder only). */
export function restoreVersion(documentId: string, versionId: string): Promise<null> {
  return apiRequest('POST', `${versionApi(documentId, versionId)}/restore`);
}

/** A side of a comparison: a version id or `current`. */
export type CompareSide = string;

export function fetchComparison(
  documentId: string,
  from: CompareSide,
  to: CompareSide,
): Promise<CompareResult> {
  const query = new URLSearchParams({ from, to });
  return apiRequest('GET', `${documentApi(documentId)}/compare?${query}`);
}

/** How the redline DOCX marks changes: Word tracked changes, or underline and strike-through. */
export type RedlineForm = 'tracked' | 'formatted';

/** The redline DOCX of a comparison (a download). */
export function redlineDocxUrl(
  documentId: string,
  from: CompareSide,
  to: CompareSide = CURRENT_TEXT,
  changedOnly = false,
  form: RedlineForm = 'formatted',
): string {
  const query = new URLSearchParams({ from, to, form });
  if (changedOnly) query.set('changedOnly', '1');
  return `${documentApi(documentId)}/compare.docx?${query}`;
}

/** A version as a DOCX to circulate, its fingerprint in the footer (a download). */
export function versionDocxUrl(documentId: string, versionId: string): string {
  return `${versionApi(documentId, versionId)}/export.docx`;
}

export function verifyFingerprint(fingerprint: string): Promise<FingerprintVerification> {
  return apiRequest('GET', `/api/verify/${encodeURIComponent(fingerprint)}`);
}

/**
 * Sends a DOCX's bytes for the verdict on its text: which version it is, or
 * which version its footer claims and how its text differs, or none.
 */
export async function verifyDocx(file: Blob): Promise<DocxVerification> {
  const headers = new Headers({ Accept: 'application/json', 'Content-Type': 'application/octet-stream' });
  const csrfToken = readCookie('draftroom_csrf');
  if (csrfToken) headers.set('X-CSRF-Token', csrfToken);
  let response: Response;
  try {
    response = await fetch('/api/verify/docx', {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: file,
    });
  } catch {
    throw new ApiRequestError(0, {
      error: 'network',
      message: 'Cannot reach the server. Check your connection.',
    });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new ApiRequestError(response.status, body as Partial<ApiError> | null);
  return body as DocxVerification;
}
