import type { Connection } from './connection';
import type { RoomQueue } from './roomQueue';

/** What RoomMembers uses of its room. */
export interface MembersRoom {
  queue: RoomQueue;
  /** Runs `operation` once every change applied so far is stored (Room.whenStored). */
  whenStored(operation: () => void): void;
  /** Greets a connection that joined: sync step 1 and, in time, everyone's presence. */
  welcome(connection: Connection): void;
}

/**
 * Who is in a room: the connections that joined, and those whose join waits
 * in the room's queue (it loads, or the turn's changes are stored first), so
 * a sign-out, a role change or a breakdown meanwhile reaches them too.
 */
export class RoomMembers {
  /** The connections that joined (the room broadcasts to these). */
  readonly joined = new Set<Connection>();
  /** Connections whose join waits in the queue (enqueueJoin). */
  private readonly arriving = new Set<Connection>();

  constructor(private readonly room: MembersRoom) {}

  /**
   * Queues a connection's join as a room operation (it waits while the room
   * loads or commits); when it runs, the connection joins if it is still open
   * and `admit` allows it.
   */
  enqueueJoin(connection: Connection, admit: () => boolean): void {
    this.arriving.add(connection);
    this.room.queue.run(() => {
      if (connection.isOpen && admit()) this.join(connection);
      else this.arriving.delete(connection);
    });
  }

  /** Every connection of the room: joined, and arriving. */
  get all(): Connection[] {
    return [...this.joined, ...this.arriving];
  }

  /**
   * Adds a connection once the turn's changes are stored, and greets it (a
   * connection closed meanwhile is not added). Call it as a room operation.
   */
  join(connection: Connection): void {
    this.room.whenStored(() => {
      this.arriving.delete(connection);
      if (!connection.isOpen) return;
      this.joined.add(connection);
      this.room.welcome(connection);
    });
  }

  leave(connection: Connection): void {
    this.arriving.delete(connection);
    this.joined.delete(connection);
  }

  /** Closes every connection whose join still waits (the room broke down) and forgets them. */
  closeArriving(code: number, reason: string): void {
    for (const connection of this.arriving) connection.close(code, reason);
    this.arriving.clear();
  }
}
