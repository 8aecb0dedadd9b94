import type { DocumentBus } from './bus';
import type { ParkedUpdateLimits } from './parkedUpdates';
import type { PresenceClaims } from './presenceClaims';
import type { Room } from './room';
import type { RoomQueueLimits } from './roomQueue';
import type { UpdateLimits } from './updateBounds';

/** Typed hooks other capabilities (versions) attach to a room's life. */
export interface RoomHooks {
  /** After a change was stored and broadcast. */
  onStored?(room: Room): void;
  /** When the last client has left, before the room is compacted and unloaded. */
  onLastLeft?(room: Room): void;
}

export interface RoomOptions {
  compactAfterUpdates: number;
  /**
   * Presence changes are relayed together once per this interval (0: at once),
   * so N editors moving carets cost N messages per interval, not N² per move.
   */
  presenceFlushMs?: number;
  /** Who owns which awareness client id, shared by every room (default: this room's own, no retention). */
  presenceClaims?: PresenceClaims;
  /** What one client update may claim (default DEFAULT_UPDATE_LIMITS). */
  updateLimits?: UpdateLimits;
  /** Bounds on updates waiting for their sender's own earlier changes (default DEFAULT_PARKED_UPDATE_LIMITS). */
  parkedUpdateLimits?: ParkedUpdateLimits;
  /** Bounds on what waits while the room is busy (default DEFAULT_ROOM_QUEUE_LIMITS). */
  queueLimits?: RoomQueueLimits;
  /** The other server instances (REDIS_URL): commits, presence, notices and locks go both ways. None: alone. */
  bus?: DocumentBus;
  /** With a bus: how often an open room checks the store for commits whose message it missed (ms, default 2,000). */
  storeCheckIntervalMs?: number;
  hooks?: RoomHooks;
  /**
   * The document's agreed (locked) clauses, read once while the room loads
   * (the negotiation records); the room keeps them up to date afterwards.
   * A rejection fails the load. None: the room starts with no clause locked.
   */
  lockedClausesOf?: (documentId: string) => Promise<Iterable<string>>;
}
