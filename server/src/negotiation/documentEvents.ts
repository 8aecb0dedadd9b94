import type { NegotiationEvent } from '@draftroom/shared';
import type { RoomRegistry } from '../collab/roomRegistry';
import type { NegotiationStore } from './negotiationStore';

/**
 * Pushes negotiation changes (comments, statuses, brackets, positions) to
 * every open client of the document over its collaboration socket — on this
 * instance and, over the bus, the others — numbered so that everyone applies
 * them in the order they happened.
 */
export class DocumentEvents {
  constructor(
    private readonly store: NegotiationStore,
    private readonly rooms: RoomRegistry,
  ) {}

  publish(documentId: string, event: NegotiationEvent): number {
    const seq = this.store.nextEventSeq(documentId);
    if (event.type === 'status') {
      this.rooms.clauseLockChanged(documentId, event.entry.clauseId, event.entry.status === 'agreed');
    }
    this.rooms.broadcastNotice(documentId, { kind: 'negotiation', seq, event });
    return seq;
  }
}
