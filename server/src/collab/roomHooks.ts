import type { Logger } from '../logger';
import type { Room, RoomHooks } from './room';

/**
 * The hooks of every room of a registry: capabilities built after the
 * registry (versions' automatic checkpoints, amendments falling with their
 * clause) add theirs here, so the registry depends on none of them and
 * server.ts builds everything in one direction (storage → rooms → the
 * capabilities that use rooms → their hooks added to the rooms).
 *
 * Each room calls `onStored` after a change was stored and broadcast, and the
 * registry calls `onLastLeft` when the last client left, before the room is
 * compacted and unloaded. The hooks added run in the order they were added;
 * one that throws is logged and does not keep the others from running, nor
 * reach the room's commit path (the change is already stored and broadcast).
 */
export class RoomHookSet implements Required<RoomHooks> {
  /** Replaced, never changed in place, so a hook may add or remove hooks while they run. */
  private added: readonly RoomHooks[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds a capability's hooks to every room, open or opened later; returns a function that removes them. */
  add(hooks: RoomHooks): () => void {
    this.added = [...this.added, hooks];
    return () => {
      this.added = this.added.filter((other) => other !== hooks);
    };
  }

  onStored(room: Room): void {
    for (const hooks of this.added) this.run('stored', room, () => hooks.onStored?.(room));
  }

  onLastLeft(room: Room): void {
    for (const hooks of this.added) this.run('last-left', room, () => hooks.onLastLeft?.(room));
  }

  private run(hook: string, room: Room, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error({ err: error, documentId: room.documentId, hook }, 'a room hook failed');
    }
  }
}
