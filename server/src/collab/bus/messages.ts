import type { ServerNotice } from '@draftroom/shared';

/**
 * What one server instance tells the others about a document (on the
 * document's channel) or about a user (on the global channel). The bus adds
 * the publishing instance's id ({@link Delivered.origin}); an instance never
 * receives what it published itself.
 */

/**
 * A committed turn of a document: its updates were stored (ids up to
 * `lastUpdateId`) before this was published. `previousUpdateId` is the id of
 * the document's newest stored update before the commit (0 when there was
 * none): a receiver whose newest known id differs missed something and
 * catches up from the store. `update` is the turn's Yjs update, or null when
 * it was too large for one bus frame: the receiver then reads it from the
 * store, as for a gap.
 */
export interface UpdateMessage {
  type: 'update';
  documentId: string;
  /** Newest stored update id before the commit (0: none); an integer ≥ 0. */
  previousUpdateId: number;
  /** Newest stored update id after the commit; an integer > previousUpdateId. */
  lastUpdateId: number;
  /** The turn's Yjs update (v1 encoding), or null: read ids (previousUpdateId, lastUpdateId] from the store. */
  update: Uint8Array | null;
}

/** A y-protocols awareness update (carets, selections) relayed by one instance. */
export interface PresenceMessage {
  type: 'presence';
  documentId: string;
  /** The awareness update's bytes (y-protocols `encodeAwarenessUpdate`). */
  payload: Uint8Array;
}

/** A notice for every client of the document (a negotiation event, a role change). */
export interface NoticeMessage {
  type: 'notice';
  documentId: string;
  /** Carried as JSON; checked on receipt to be an object with a string `kind`. */
  notice: ServerNotice;
}

/** A clause was locked ("agreed" by the pen-holder) or unlocked. */
export interface LocksMessage {
  type: 'locks';
  documentId: string;
  clauseId: string;
  locked: boolean;
}

/** Why a user's sockets must close on every instance. */
export type AccessChangeKind = 'signed-out' | 'role-changed' | 'role-removed';

/** A user signed out or lost or changed a role: every instance closes or re-checks that user's sockets. */
export interface AccessMessage {
  type: 'access';
  userId: string;
  /** The document whose role changed, or null for all of the user's documents (sign-out). */
  documentId: string | null;
  kind: AccessChangeKind;
}

/** A message carried on a document's channel. */
export type DocumentMessage = UpdateMessage | PresenceMessage | NoticeMessage | LocksMessage;

/** Any message the bus carries. */
export type BusMessage = DocumentMessage | AccessMessage;

/** A message as a subscriber receives it: with the id of the instance that published it. */
export type Delivered<M extends BusMessage> = M & {
  /** The publishing instance's id ({@link DocumentBus.instanceId}). */
  readonly origin: string;
};

/** Receives the messages of one document published by other instances, in the order each one published them. */
export type DocumentHandler = (message: Delivered<DocumentMessage>) => void;

/** Receives access changes published by other instances. */
export type GlobalHandler = (message: Delivered<AccessMessage>) => void;

/** The kinds of access change, in their wire order (the frame stores the index). */
export const ACCESS_CHANGE_KINDS: readonly AccessChangeKind[] = [
  'signed-out',
  'role-changed',
  'role-removed',
];

/** Longest id (document, user, clause, instance) a frame may carry, in UTF-16 code units. */
export const MAX_BUS_ID_LENGTH = 512;
