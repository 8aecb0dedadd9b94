import type { NegotiationEvent } from '@draftroom/shared';
import type { RoomRegistry } from '../collab/roomRegistry';
import type { NegotiationRepository } from './negotiationStore';

/**
 * Pushes negotiation changes (comments, statuses, brackets, positions) to
 * every open client of the document over its collaboration socket — on this
 * instance and, over the bus, the others — numbered so that everyone applies
 * them in the order they happened (clients hold back an event until those
 * numbered before it arrived, so two publishes may broadcast in either order).
 */
export class DocumentEvents {
  constructor(
    private readonly store: Pick<NegotiationRepository, 'nextEventSeq'>,
    private readonly rooms: RoomRegistry,
  ) {}

  /**
   * Numbers `event` (the document's next event sequence number, allocated in
   * the store) and broadcasts it as a `negotiation` notice. A status change
   * locks or unlocks its clause in the rooms first (at once, before the
   * number is allocated), so an edit that arrives after it finds it applied.
   * Resolves with the number; rejects when the number cannot be allocated
   * (the change itself stays stored; clients see it when they next load the
   * negotiation state).
   */
  async publish(documentId: string, event: NegotiationEvent): Promise<number> {
    if (event.type === 'status') {
      this.rooms.clauseLockChanged(documentId, event.entry.clauseId, event.entry.status === 'agreed');
    }
    const seq = await this.store.nextEventSeq(documentId);
    this.rooms.broadcastNotice(documentId, { kind: 'negotiation', seq, event });
    return seq;
  }
}
