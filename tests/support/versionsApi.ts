import type {
  CompareResult,
  DocxVerification,
  FingerprintVerification,
  VersionDetail,
  VersionSummary,
} from '@draftroom/shared';
import { type ApiResult, NegotiationApi } from './negotiationApi';
import type { SignedIn, TestServer } from './testServer';

/** A binary answer (DOCX downloads). */
export interface Download {
  status: number;
  contentType: string;
  disposition: string;
  bytes: Buffer;
}

/**
 * fetch, tried once more when a pooled keep-alive socket turns out to have been closed by a server
 * that was restarted since (the request then never reached the new server, so sending it again is safe).
 */
export async function fetchAcrossRestarts(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    return fetch(url, init);
  }
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The versions, compare, export and verify API as one signed-in user sees it. */
export class VersionsApi {
  readonly api: NegotiationApi;

  constructor(
    private readonly server: TestServer,
    readonly who: SignedIn,
    readonly documentId: string,
  ) {
    this.api = new NegotiationApi(server, who, documentId);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { cookie: this.who.cookie, 'x-csrf-token': this.who.csrfToken };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchAcrossRestarts(`${this.server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private doc(path: string): string {
    return `/api/documents/${this.documentId}${path}`;
  }

  /** The same user on another document. */
  on(documentId: string): VersionsApi {
    return new VersionsApi(this.server, this.who, documentId);
  }

  list(): Promise<ApiResult<VersionSummary[]>> {
    return this.request('GET', this.doc('/versions'));
  }

  save(input: Record<string, unknown>): Promise<ApiResult<VersionSummary>> {
    return this.request('POST', this.doc('/versions'), input);
  }

  /** Saves a named version and fails unless it was created. */
  async saveOk(label: string, extra: Record<string, unknown> = {}): Promise<VersionSummary> {
    const result = await this.save({ label, ...extra });
    if (result.status !== 201) throw new Error(`saving "${label}" answered ${result.status}`);
    return result.body;
  }

  get(versionId: string): Promise<ApiResult<VersionDetail>> {
    return this.request('GET', this.doc(`/versions/${versionId}`));
  }

  restore(versionId: string): Promise<ApiResult<null>> {
    return this.request('POST', this.doc(`/versions/${versionId}/restore`));
  }

  meetings(): Promise<ApiResult<{ id: string; title: string; place: string }[]>> {
    return this.request('GET', this.doc('/meetings'));
  }

  compare(query: Record<string, string>): Promise<ApiResult<CompareResult>> {
    return this.request('GET', this.doc(`/compare?${new URLSearchParams(query)}`));
  }

  verifyFingerprint(fingerprint: string): Promise<ApiResult<FingerprintVerification>> {
    return this.request('GET', `/api/verify/${fingerprint}`);
  }

  async download(path: string): Promise<Download> {
    const response = await fetchAcrossRestarts(`${this.server.url}${path}`, {
      headers: { cookie: this.who.cookie },
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      disposition: response.headers.get('content-disposition') ?? '',
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  exportVersion(versionId: string): Promise<Download> {
    return this.download(this.doc(`/versions/${versionId}/export.docx`));
  }

  redline(query: Record<string, string>): Promise<Download> {
    return this.download(this.doc(`/compare.docx?${new URLSearchParams(query)}`));
  }

  /** `POST /api/verify/docx`: the verdict on a received DOCX. */
  async verifyDocx(bytes: Uint8Array, csrf = true): Promise<ApiResult<DocxVerification>> {
    const headers: Record<string, string> = { cookie: this.who.cookie, 'content-type': DOCX_TYPE };
    if (csrf) headers['x-csrf-token'] = this.who.csrfToken;
    const response = await fetchAcrossRestarts(`${this.server.url}/api/verify/docx`, {
      method: 'POST',
      headers,
      body: new Uint8Array(bytes),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : null) as DocxVerification,
    };
  }
}

/** Signs `email` in and returns its versions API on the document (the seeded Action Plan by default). */
export async function versionsAs(
  server: TestServer,
  email: string,
  documentId = server.actionPlanId(),
): Promise<VersionsApi> {
  return new VersionsApi(server, await server.signIn(email), documentId);
}

/** Fails with the status and body unless the answer has the expected status; returns the body. */
export function expectStatus<T>(result: ApiResult<T>, status: number): T {
  if (result.status !== status)
    throw new Error(`expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}
