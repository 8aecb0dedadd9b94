import type {
  Bracket,
  ClauseStatusEntry,
  CommentThread,
  NegotiationState,
  NewBracket,
  PositionEntry,
  RangeAnchor,
} from '@draftroom/shared';
import { hashPassword } from '../../server/src/auth/passwords';
import { encodeOutline } from '../../server/src/content/outline';
import type { SignedIn, TestServer } from './testServer';

/** An HTTP answer: the status and the parsed JSON body (null when there is none). */
export interface ApiResult<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  /** Send the X-CSRF-Token header (default true); a string is sent instead of the right token. */
  csrf?: boolean | string;
  /** Send this exact string as the body instead of JSON-encoding `body`. */
  rawBody?: string;
}

/** The negotiation and comment API as one signed-in user sees it. */
export class NegotiationApi {
  constructor(
    private readonly server: TestServer,
    readonly who: SignedIn,
    readonly documentId: string,
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { cookie: this.who.cookie };
    if (typeof options.csrf === 'string') headers['x-csrf-token'] = options.csrf;
    else if (options.csrf !== false) headers['x-csrf-token'] = this.who.csrfToken;
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.server.url}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private doc(path: string): string {
    return `/api/documents/${this.documentId}${path}`;
  }

  state(): Promise<ApiResult<NegotiationState>> {
    return this.request('GET', this.doc('/negotiation'));
  }

  history(clauseId: string) {
    return this.request<{ statuses: ClauseStatusEntry[]; positions: PositionEntry[] }>(
      'GET',
      this.doc(`/clauses/${clauseId}/history`),
    );
  }

  newThread(
    input: { clauseId: string; body: string; anchor?: RangeAnchor | null },
    options?: RequestOptions,
  ) {
    return this.request<CommentThread>('POST', this.doc('/threads'), input, options);
  }

  reply(threadId: string, body: string) {
    return this.request<CommentThread>('POST', this.doc(`/threads/${threadId}/comments`), { body });
  }

  editComment(commentId: string, body: string) {
    return this.request<CommentThread>('PATCH', this.doc(`/comments/${commentId}`), { body });
  }

  deleteComment(commentId: string) {
    return this.request<CommentThread>('DELETE', this.doc(`/comments/${commentId}`));
  }

  resolve(threadId: string) {
    return this.request<CommentThread>('POST', this.doc(`/threads/${threadId}/resolve`));
  }

  reopen(threadId: string) {
    return this.request<CommentThread>('POST', this.doc(`/threads/${threadId}/reopen`));
  }

  markRead(threadId: string) {
    return this.request<null>('POST', this.doc(`/threads/${threadId}/read`));
  }

  setStatus(clauseId: string, status: string) {
    return this.request<ClauseStatusEntry>('PUT', this.doc(`/clauses/${clauseId}/status`), { status });
  }

  setPosition(clauseId: string, input: Record<string, unknown>) {
    return this.request<PositionEntry>('PUT', this.doc(`/clauses/${clauseId}/position`), input);
  }

  /** Brackets a passage (a server command: the text and the record change together). */
  newBracket(input: NewBracket | Record<string, unknown>, options?: RequestOptions) {
    return this.request<Bracket>('POST', this.doc('/brackets'), input, options);
  }

  addAlternative(bracketId: string, text: string) {
    return this.request<Bracket>('POST', this.doc(`/brackets/${bracketId}/alternatives`), { text });
  }

  resolveBracket(bracketId: string, resolution: { keep: number } | { drop: true } | Record<string, unknown>) {
    return this.request<Bracket>('POST', this.doc(`/brackets/${bracketId}/resolution`), resolution);
  }

  mentions() {
    return this.request<{ unread: number; mentions: { thread: CommentThread; unread: boolean }[] }>(
      'GET',
      '/api/me/mentions',
    );
  }
}

/** Signs `email` in and returns its API on the document (the seeded Action Plan by default). */
export async function apiAs(server: TestServer, email: string, documentId = server.actionPlanId()) {
  return new NegotiationApi(server, await server.signIn(email), documentId);
}

let outsiders = 0;

/** A signed-in user of a participant that takes part in no process: no access to any document. */
export async function signInOutsider(server: TestServer): Promise<SignedIn> {
  const { repositories } = server.server;
  const n = ++outsiders;
  const participant = repositories.participants.create({
    code: `ZZ${n}`,
    name: `Outside State ${n}`,
    kind: 'state',
    color: '#123456',
  });
  const email = `outsider${n}@zz.example`;
  repositories.users.create({
    email,
    name: `Olaf Outsider ${n}`,
    participantId: participant.id,
    passwordHash: await hashPassword('outsider-password-1'),
    isAdmin: false,
  });
  return server.signIn(email, 'outsider-password-1');
}

/** A fresh bracket id matching `br-[a-f0-9]{6,32}`. */
export function bracketId(): string {
  return `br-${Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}${Date.now().toString(16)}`;
}

/** Creates another document in the Action Plan's process (same participants and roles); returns its id. */
export function createSecondDocument(server: TestServer, title = 'Second draft'): string {
  const { documents } = server.server.repositories;
  const processId = documents.findProcessId(server.actionPlanId());
  if (!processId) throw new Error('no process');
  const outline = {
    preamble: { heading: title, paragraphs: ['A short preamble.'] },
    sections: [{ title: 'Only section', clauses: ['First clause of the second draft.', 'Second clause.'] }],
  };
  return documents.create(processId, title, encodeOutline(outline));
}
