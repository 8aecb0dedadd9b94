import type { ServerNotice } from '@draftroom/shared';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger';
import type { DocumentBus } from './bus';
import type { AppendResult } from './documentStorage';
import { FROM_BUS, type LinkedRoom, RoomBusLink } from './roomBusLink';
import type { RoomDocument } from './roomDocument';
import type { RoomPresence } from './roomPresence';
import type { RoomQueue } from './roomQueue';
import { encodeUpdateMessage } from './syncMessages';

/** What a RoomReplica uses of its room (each part owned by the room). */
export interface ReplicaParts {
  documentId: string;
  document: RoomDocument;
  queue: RoomQueue;
  presence: RoomPresence;
  lockedClauses: Set<string>;
  /** Sends a message to every client of the room on this instance. */
  broadcast(message: Uint8Array): void;
  broadcastLocalNotice(notice: ServerNotice): void;
  /** Reloads the document from storage (the room is busy meanwhile); false when the room broke down. */
  reload(why: string): Promise<boolean>;
  /** Ends the room's busy spell (TurnPipeline.ended): what waits in the queue runs. */
  ended(): void;
}

/**
 * A room's part in a deployment of several instances (issue 15): it owns the
 * room's RoomBusLink (none when the server is alone), publishes each of the
 * room's commits, applies the commits other instances published, and catches
 * up from the store when one was missed or another instance committed in
 * between (Yjs ignores what the document already holds, so nothing is
 * applied twice).
 */
export class RoomReplica implements LinkedRoom {
  private readonly link: RoomBusLink | undefined;

  /** `storeCheckIntervalMs`: how often the store's newest id is compared with the room's (default 2,000 ms). */
  constructor(
    private readonly room: ReplicaParts,
    private readonly logger: Logger,
    bus: DocumentBus | undefined,
    storeCheckIntervalMs = 2_000,
  ) {
    this.link = bus && new RoomBusLink(this, bus, logger, storeCheckIntervalMs);
  }

  get documentId(): string {
    return this.room.documentId;
  }

  get lockedClauses(): Set<string> {
    return this.room.lockedClauses;
  }

  get awareness(): awarenessProtocol.Awareness {
    return this.room.presence.awareness;
  }

  get storedUpToUpdateId(): number {
    return this.room.document.storedUpToUpdateId;
  }

  /** Whether other instances exist (a bus was given). */
  get linked(): boolean {
    return this.link !== undefined;
  }

  /** Starts listening to the other instances (before the room loads, so no commit is missed); at once when alone. */
  listen(): Promise<void> {
    return this.link?.listen() ?? Promise.resolve();
  }

  close(): void {
    this.link?.close();
  }

  broadcastLocalNotice(notice: ServerNotice): void {
    this.room.broadcastLocalNotice(notice);
  }

  /**
   * After a commit of this room: the Y.Doc holds every stored update up to
   * the commit's last id unless another instance committed in between (the
   * storage said so: `previousUpdateId` is not the id the room held) — then
   * the room catches up from the store once the commit is done. The update is
   * published to the other instances either way.
   */
  committed(result: AppendResult, update: Uint8Array): void {
    this.link?.committed(result, this.room.document.storedUpToUpdateId, update);
    if (!this.room.document.adopt(result)) {
      this.room.queue.runFirst(() => this.catchUp('another instance committed in between'));
    }
  }

  latestStoredUpdateId(): Promise<number> {
    return this.room.document.latestStoredUpdateId();
  }

  runOperation(operation: () => void, bytes = 0, source?: string): boolean {
    return this.room.queue.run(operation, bytes, source);
  }

  applyRemotePresence(payload: Uint8Array): void {
    this.room.presence.applyRemote(payload, FROM_BUS);
  }

  /**
   * Applies updates another instance committed, as one transaction, and sends
   * their effect to every client of this instance (they are stored already).
   * Returns false — and leaves the room to catch up — when they left pending
   * state (an earlier commit is missing).
   */
  applyCommitted(updates: readonly Uint8Array[], lastUpdateId: number): boolean {
    const { effect, integrated } = this.room.document.applyCommitted(updates, lastUpdateId);
    if (effect) this.room.broadcast(encodeUpdateMessage(effect));
    return integrated;
  }

  /**
   * Reads what was stored after the newest update the room holds in order,
   * applies it (applyCommitted; Yjs ignores what the room has already) and
   * sends its effect to the room's clients. The room is busy meanwhile. If
   * what was read does not integrate either, the room reloads from storage.
   */
  catchUp(why: string): void {
    this.room.queue.hold();
    this.room.document
      .storedSince()
      .then(async (stored) => {
        const updates = stored.state ? [stored.state, ...stored.updates] : stored.updates;
        if (!this.applyCommitted(updates, stored.lastUpdateId))
          await this.room.reload(`${why}: catch-up incomplete`);
      })
      .catch((error: unknown) => {
        this.logger.error(
          { err: error, documentId: this.room.documentId, why },
          'could not catch up from the store',
        );
      })
      .finally(() => this.room.ended());
  }
}
