/** The negotiation endpoints of the REST API (statuses, positions, brackets, comment threads, mentions). */
import type {
  Bracket,
  ClauseStatus,
  ClauseStatusEntry,
  CommentThread,
  DelegationPosition,
  NegotiationState,
  NewBracket,
  PositionEntry,
  RangeAnchor,
} from '@draftroom/shared';
import { apiRequest } from '../api';

const documentPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`;
const clausePath = (documentId: string, clauseId: string) =>
  `${documentPath(documentId)}/clauses/${encodeURIComponent(clauseId)}`;
const threadPath = (documentId: string, threadId: string) =>
  `${documentPath(documentId)}/threads/${encodeURIComponent(threadId)}`;

export interface ClauseHistory {
  statuses: ClauseStatusEntry[];
  positions: PositionEntry[];
}

export interface MentionEntry {
  thread: CommentThread;
  unread: boolean;
}

export interface MentionsResponse {
  unread: number;
  mentions: MentionEntry[];
}

export function fetchNegotiationState(documentId: string): Promise<NegotiationState> {
  return apiRequest<NegotiationState>('GET', `${documentPath(documentId)}/negotiation`);
}

export function setClauseStatus(
  documentId: string,
  clauseId: string,
  status: ClauseStatus,
): Promise<ClauseStatusEntry> {
  return apiRequest('PUT', `${clausePath(documentId, clauseId)}/status`, { status });
}

export function fetchClauseHistory(documentId: string, clauseId: string): Promise<ClauseHistory> {
  return apiRequest('GET', `${clausePath(documentId, clauseId)}/history`);
}

export function setPosition(
  documentId: string,
  clauseId: string,
  position: DelegationPosition,
  note: string,
): Promise<PositionEntry> {
  return apiRequest('PUT', `${clausePath(documentId, clauseId)}/position`, { position, note });
}

/** Brackets a passage: the server marks it in the text (which arrives through Yjs) and stores the record. */
export function createBracket(documentId: string, bracket: NewBracket): Promise<Bracket> {
  return apiRequest('POST', `${documentPath(documentId)}/brackets`, bracket);
}

export function proposeAlternative(documentId: string, bracketId: string, text: string): Promise<Bracket> {
  const path = `${documentPath(documentId)}/brackets/${encodeURIComponent(bracketId)}/alternatives`;
  return apiRequest('POST', path, { text });
}

/** Resolves a bracket: the server changes the text (which arrives through Yjs) and stores the resolution. */
export function resolveBracket(
  documentId: string,
  bracketId: string,
  resolution: { keep: number } | { drop: true },
): Promise<Bracket> {
  const path = `${documentPath(documentId)}/brackets/${encodeURIComponent(bracketId)}/resolution`;
  return apiRequest('POST', path, resolution);
}

export function createThread(
  documentId: string,
  thread: { clauseId: string; anchor: RangeAnchor | null; body: string },
): Promise<CommentThread> {
  return apiRequest('POST', `${documentPath(documentId)}/threads`, thread);
}

export function replyToThread(documentId: string, threadId: string, body: string): Promise<CommentThread> {
  return apiRequest('POST', `${threadPath(documentId, threadId)}/comments`, { body });
}

export function editComment(documentId: string, commentId: string, body: string): Promise<CommentThread> {
  return apiRequest('PATCH', `${documentPath(documentId)}/comments/${encodeURIComponent(commentId)}`, {
    body,
  });
}

export function deleteComment(documentId: string, commentId: string): Promise<CommentThread> {
  return apiRequest('DELETE', `${documentPath(documentId)}/comments/${encodeURIComponent(commentId)}`);
}

export function setThreadResolved(
  documentId: string,
  threadId: string,
  resolved: boolean,
): Promise<CommentThread> {
  return apiRequest('POST', `${threadPath(documentId, threadId)}/${resolved ? 'resolve' : 'reopen'}`);
}

export function markThreadRead(documentId: string, threadId: string): Promise<null> {
  return apiRequest('POST', `${threadPath(documentId, threadId)}/read`);
}

export function fetchMentions(): Promise<MentionsResponse> {
  return apiRequest('GET', '/api/me/mentions');
}
