import type { NegotiationEvent } from '@draftroom/shared';
import type { RoomRegistry } from '../collab/roomRegistry';
import type { NegotiationStore } from './negotiationStore';

/**
 * Pushes negotiation changes (comments, statuses, brackets, positions) to
 * every open client of the document over its collaboration socket, numbered
 * so that everyone applies them in the order they happened.
 */
export class DocumentEvents {
  constructor(
    private readonly store: NegotiationStore,
    private readonly rooms: RoomRegistry,
  ) {}

  publish(documentId: string, event: NegotiationEvent): number {
    const seq = this.store.nextEventSeq(documentId);
    const room = this.rooms.get(documentId);
    if (event.type === 'status' && room) {
      if (event.entry.status === 'agreed') room.lockedClauses.add(event.entry.clauseId);
      else room.lockedClauses.delete(event.entry.clauseId);
    }
    room?.broadcastNotice({ kind: 'negotiation', seq, event });
    return seq;
  }
}
