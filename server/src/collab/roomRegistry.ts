import type { Logger } from '../logger';
import type { DocumentStorage } from './documentStorage';
import { PresenceClaims } from './presenceClaims';
import { Room, type RoomOptions } from './room';
import { RoomHookSet } from './roomHooks';

/** A room's options, except its hooks: every room of a registry runs the registry's {@link RoomRegistry.hooks}. */
export interface RoomRegistryOptions extends Omit<RoomOptions, 'hooks'> {
  /** How long a room without connections stays loaded before it is compacted and unloaded. */
  unloadDelayMs: number;
  /** The agreed (locked) clauses of a document, read when it is loaded. */
  lockedClausesOf?: (documentId: string) => Iterable<string>;
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

  /** The room of a document, loading it from storage (synchronously) if it is not open. */
  open(documentId: string): Room {
    this.cancelUnload(documentId);
    let room = this.rooms.get(documentId);
    if (!room) {
      const started = performance.now();
      room = new Room(documentId, this.storage, this.logger, {
        ...this.options,
        presenceClaims: this.presenceClaims,
        hooks: this.hooks,
      });
      for (const clauseId of this.options.lockedClausesOf?.(documentId) ?? [])
        room.lockedClauses.add(clauseId);
      this.rooms.set(documentId, room);
      this.logger.debug({ documentId, ms: Math.round(performance.now() - started) }, 'document loaded');
    }
    return room;
  }

  /** Called when a connection left: schedules unloading once nobody is connected. */
  released(room: Room): void {
    if (room.connections.size > 0) return;
    this.cancelUnload(room.documentId);
    if (this.options.unloadDelayMs === 0) {
      this.unload(room.documentId);
      return;
    }
    const timer = setTimeout(() => this.unload(room.documentId), this.options.unloadDelayMs);
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

  /** Compacts and forgets a room with no connections. Every update is already stored. */
  unload(documentId: string): void {
    this.cancelUnload(documentId);
    const room = this.rooms.get(documentId);
    if (!room || room.connections.size > 0) return;
    room.flushUnstored();
    this.hooks.onLastLeft(room);
    room.compact();
    room.destroy();
    this.rooms.delete(documentId);
    this.logger.debug({ documentId }, 'document unloaded');
  }

  /** Closes every connection with `code` and unloads every room (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const room of this.rooms.values()) {
      room.closeAll(code, reason);
      room.compact();
      room.destroy();
    }
    this.rooms.clear();
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
  }

  private cancelUnload(documentId: string): void {
    const timer = this.unloadTimers.get(documentId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(documentId);
  }
}
