import type { ServerNotice } from '@draftroom/shared';
import type { Logger } from '../logger';
import type { DocumentStorage } from './documentStorage';
import { PresenceClaims } from './presenceClaims';
import { Room, type RoomOptions } from './room';
import { RoomHookSet } from './roomHooks';

/** A room's options, except its hooks: every room of a registry runs the registry's {@link RoomRegistry.hooks}. */
export interface RoomRegistryOptions extends Omit<RoomOptions, 'hooks'> {
  /** How long a room without connections stays loaded before it is compacted and unloaded. */
  unloadDelayMs: number;
}

/** The open documents: one Room (one Y.Doc) per document, loaded on first use, unloaded when idle. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Who owns which awareness client id, shared by every room (the options', or one without retention). */
  readonly presenceClaims: PresenceClaims;
  /** The hooks every room runs; capabilities built after the registry add theirs (`hooks.add`). */
  readonly hooks: RoomHookSet;

  constructor(
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: RoomRegistryOptions,
  ) {
    this.presenceClaims = options.presenceClaims ?? new PresenceClaims(0);
    this.hooks = new RoomHookSet(logger);
  }

  /**
   * The room of a document, opened if it is not: a new room starts loading
   * from storage at once, and every open of a loading document shares that
   * one load (its operations wait in the room's queue meanwhile). A room that
   * broke down (its document could not be loaded) is replaced.
   */
  open(documentId: string): Room {
    this.cancelUnload(documentId);
    let room = this.rooms.get(documentId);
    if (room?.broken) {
      this.forget(room);
      room = undefined;
    }
    if (!room) {
      const started = performance.now();
      room = new Room(documentId, this.storage, this.logger, {
        ...this.options,
        presenceClaims: this.presenceClaims,
        hooks: this.hooks,
      });
      this.rooms.set(documentId, room);
      const opened = room;
      opened.loaded.then(
        () =>
          this.logger.debug({ documentId, ms: Math.round(performance.now() - started) }, 'document loaded'),
        () => this.forget(opened),
      );
    }
    return room;
  }

  /**
   * Sends a notice to every client of the document: this instance's (when
   * the document is open here) and, over the bus, every other instance's.
   */
  broadcastNotice(documentId: string, notice: ServerNotice): void {
    this.rooms.get(documentId)?.broadcastNotice(notice);
    this.options.bus?.publish({ type: 'notice', documentId, notice });
  }

  /**
   * A clause was agreed (locked) or reopened: the document's room here and on
   * every other instance refuses (or accepts again) edits to it.
   */
  clauseLockChanged(documentId: string, clauseId: string, locked: boolean): void {
    const room = this.rooms.get(documentId);
    if (locked) room?.lockedClauses.add(clauseId);
    else room?.lockedClauses.delete(clauseId);
    this.options.bus?.publish({ type: 'locks', documentId, clauseId, locked });
  }

  /**
   * Runs `work` on a document's room with the room to itself (Room.exclusive:
   * loaded, every earlier change stored, nothing else touching the Y.Doc until
   * `work` settles), opening the room for the call if it is not open.
   */
  async withRoom<T>(documentId: string, work: (room: Room) => T | Promise<T>): Promise<T> {
    const room = this.open(documentId);
    try {
      return await room.exclusive(() => work(room));
    } finally {
      this.released(room);
    }
  }

  /** Called when a connection left: schedules unloading once nobody is connected. */
  released(room: Room): void {
    if (room.connections.size > 0) return;
    this.cancelUnload(room.documentId);
    if (this.options.unloadDelayMs === 0) {
      void this.unload(room.documentId);
      return;
    }
    const timer = setTimeout(() => void this.unload(room.documentId), this.options.unloadDelayMs);
    timer.unref();
    this.unloadTimers.set(room.documentId, timer);
  }

  get(documentId: string): Room | undefined {
    return this.rooms.get(documentId);
  }

  get openRooms(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get size(): number {
    return this.rooms.size;
  }

  /**
   * Compacts and forgets a room with no connections, once everything it was
   * asked to do before has run. Every update is already stored. A room that
   * someone joined meanwhile stays.
   */
  async unload(documentId: string): Promise<void> {
    this.cancelUnload(documentId);
    const room = this.rooms.get(documentId);
    if (!room || room.connections.size > 0) return;
    if (room.broken) {
      this.forget(room);
      return;
    }
    try {
      await room.exclusive(async () => {
        if (room.connections.size > 0) return;
        this.hooks.onLastLeft(room);
        await room.compactStored();
      });
    } catch (error) {
      this.logger.error({ err: error, documentId }, 'could not compact the document before unloading');
    }
    if (this.rooms.get(documentId) !== room || room.connections.size > 0) return;
    if (room.queue.isBusy || room.queue.size > 0) {
      // Something arrived meanwhile (a server command, another instance's commit): try again later.
      this.released(room);
      return;
    }
    this.forget(room);
    this.logger.debug({ documentId }, 'document unloaded');
  }

  /**
   * Closes every connection with `code` and unloads every room (shutdown),
   * each compacted first; resolves when all are.
   */
  async closeAll(code: number, reason: string): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    const rooms = [...this.rooms.values()];
    for (const room of rooms) room.closeAll(code, reason);
    await Promise.all(
      rooms.map(async (room) => {
        try {
          if (!room.broken) await room.compact();
        } catch (error) {
          this.logger.error({ err: error, documentId: room.documentId }, 'could not compact on shutdown');
        }
        this.forget(room);
      }),
    );
  }

  private forget(room: Room): void {
    if (this.rooms.get(room.documentId) === room) this.rooms.delete(room.documentId);
    room.destroy();
  }

  private cancelUnload(documentId: string): void {
    const timer = this.unloadTimers.get(documentId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(documentId);
  }
}
