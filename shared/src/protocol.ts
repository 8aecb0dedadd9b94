import type { Role } from './domain';
import type { NegotiationEvent } from './negotiation';

/**
 * The wire protocol between the Draftroom client and the collaboration server.
 *
 * The WebSocket at `/collab/<documentId>` speaks the standard y-websocket
 * protocol (y-protocols sync + awareness), so the stock `y-websocket` provider
 * connects unchanged. Every binary message starts with a varint message type.
 */

/** The URL path prefix of a document's collaboration socket. */
export const COLLAB_PATH_PREFIX = '/collab/';

/**
 * The query parameter naming the user a collaboration socket is opened for
 * (`/collab/<documentId>?as=<userId>`). A browser holds one session cookie for
 * all its tabs: when another tab signs in as someone else, a tab's reconnect
 * would otherwise send its unsent changes under that other person's name. The
 * server closes a socket whose session belongs to another user with 4401
 * before any document byte is exchanged.
 */
export const COLLAB_USER_PARAM = 'as';

/** Top-level message types (the first varint of every binary frame). */
export const MessageType = {
  /** y-protocols sync: step 1, step 2 or update. */
  Sync: 0,
  /** y-protocols awareness update (presence: carets, selections, who is online). */
  Awareness: 1,
  /** y-protocols auth (permission denied); sent by the server only. */
  Auth: 2,
  /** Ask for the current awareness states of every client. */
  QueryAwareness: 3,
  /** A Draftroom notice (JSON payload) sent by the server: refusals, role changes. */
  Notice: 8,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** y-protocols sync sub-message types. */
export const SyncMessageType = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const;

/**
 * WebSocket close codes. 1000–1015 are the standard codes of RFC 6455;
 * 4000–4999 are Draftroom's own.
 */
export const CloseCode = {
  /** The server is shutting down or unloading the document. */
  GoingAway: 1001,
  /** A frame larger than the configured limit (`MAX_MESSAGE_BYTES`). */
  MessageTooBig: 1009,
  /** A binary message that cannot be decoded (truncated, bad varint, bad update). */
  MalformedMessage: 4400,
  /** The session is missing or expired. */
  Unauthenticated: 4401,
  /** The connection tried something its role does not allow. */
  Forbidden: 4403,
  /** The document does not exist (or the user may not know it exists). */
  DocumentNotFound: 4404,
  /** The user's access to the document was removed while connected. */
  AccessRevoked: 4410,
  /** The update changes an agreed (locked) clause; the pen-holder must reopen it first. */
  ClauseLocked: 4423,
  /** A message type the server does not accept from clients. */
  UnknownMessageType: 4415,
  /**
   * The update depends on changes the server does not have (missing items or
   * deletions of unknown items). Nothing was applied; reconnecting resyncs the
   * whole state (sync step 1/2), which carries the missing changes.
   */
  ResyncRequired: 4409,
  /**
   * The connection fell behind: the server had more than `MAX_SEND_BUFFER_BYTES`
   * waiting to be sent to it, or the user's sockets together more than
   * `MAX_USER_SEND_BUFFER_BYTES`, or all sockets more than
   * `MAX_TOTAL_SEND_BUFFER_BYTES`, and stopped queuing. Not final: the client
   * reconnects and resynchronises (sync step 1/2), which carries everything it missed.
   */
  SendBufferFull: 4408,
  /**
   * Too many connections, or a connection sent more messages or bytes than its
   * budget allows, or its user asked for the whole document (sync step 1) or
   * for everyone's presence (joining, QueryAwareness) too often.
   */
  RateLimited: 4429,
  /** The server could not store the update; nothing was broadcast. Reconnect later. */
  StorageUnavailable: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Human-readable explanations for close codes, shown by the client. */
export const closeCodeExplanation: Record<number, string> = {
  [CloseCode.GoingAway]: 'The server is restarting. Reconnecting…',
  [CloseCode.MessageTooBig]: 'A change was too large to send.',
  [CloseCode.MalformedMessage]: 'The server could not read a message from this browser.',
  [CloseCode.Unauthenticated]: 'Your session has expired. Please sign in again.',
  [CloseCode.Forbidden]: 'Your role does not allow this change.',
  [CloseCode.DocumentNotFound]: 'This document does not exist or you have no access to it.',
  [CloseCode.AccessRevoked]: 'Your access to this document was removed.',
  [CloseCode.ClauseLocked]:
    'That clause is agreed and locked. Your change to it was not accepted; the pen-holder must reopen it first.',
  [CloseCode.UnknownMessageType]: 'The server received a message it does not understand.',
  [CloseCode.ResyncRequired]: 'Resynchronising this document with the server…',
  [CloseCode.SendBufferFull]: 'This connection fell behind. Reconnecting and resynchronising…',
  [CloseCode.RateLimited]: 'Too many connections or messages. Please wait a moment.',
  [CloseCode.StorageUnavailable]:
    'The server could not save your last change. It is kept in this browser and will be sent again.',
};

/** Close codes after which reconnecting cannot help. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.Unauthenticated,
  CloseCode.DocumentNotFound,
  CloseCode.AccessRevoked,
]);

/**
 * Close codes that refuse what this browser sent, for a reason that sending
 * it again cannot fix. A reconnect re-sends every change the server lacks (the
 * client's sync step 2), so reconnecting on its own would loop: the same bytes,
 * the same refusal. After one of these the client stops, keeps the changes
 * (Y.Doc and offline copy), tells the user what to change, and reconnects only
 * when the user asks:
 * - 1009 `MessageTooBig`: a frame over the server's `MAX_MESSAGE_BYTES`
 *   (undoing or deleting the large change makes it small again);
 * - 4400 `MalformedMessage`: an undecodable update, one beyond the update
 *   limits, one writing outside the document model, or one writing under a
 *   Yjs client id that is another person's or the server's (or a new id past
 *   the per-person cap);
 * - 4415 `UnknownMessageType`: a message the server never accepts.
 * Not here: 4403 and 4423 (refused for the role or a locked clause, which can
 * change while the user waits: the client retries once), and the transient
 * codes (1001, 4408, 4409, 4429, 4503), after which reconnecting is the cure.
 */
export const UNRESENDABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.MessageTooBig,
  CloseCode.MalformedMessage,
  CloseCode.UnknownMessageType,
]);

/**
 * The server's default largest WebSocket frame (`MAX_MESSAGE_BYTES`). The
 * client keeps what it sends under this unless it learns a smaller limit (a
 * 1009 close).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A notice the server sends as a `MessageType.Notice` frame (JSON after the type varint). */
export type ServerNotice =
  /** The server refused a message and is closing the connection with `closeCode`. */
  | { kind: 'refused'; reason: string; closeCode: CloseCode }
  /** An administrator changed this user's role on the document; the editor follows it live. */
  | { kind: 'role-changed'; role: Role; message: string }
  /** A comment, status, bracket or position changed; `seq` orders events for everyone. */
  | { kind: 'negotiation'; seq: number; event: NegotiationEvent };
