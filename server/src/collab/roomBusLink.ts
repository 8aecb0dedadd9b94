import type { ServerNotice } from '@draftroom/shared';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger';
import type { BusSubscription, Delivered, DocumentBus, DocumentMessage } from './bus';
import type { AppendResult } from './documentStorage';
import { encodePresenceEntry, encodePresenceUpdate } from './presence';

/** The origin of awareness changes that came from another instance (not published again). */
export const FROM_BUS = Symbol('from another instance');

/** What the link needs of its room (Room implements it). */
export interface LinkedRoom {
  readonly documentId: string;
  /** Agreed clauses: a `locks` message from another instance changes them. */
  readonly lockedClauses: Set<string>;
  /** The room's presence states: local changes are published, others' applied. */
  readonly awareness: awarenessProtocol.Awareness;
  /** The id of the newest stored update the room's Y.Doc holds with every one before it. */
  readonly storedUpToUpdateId: number;
  /**
   * Applies updates another instance committed (as a room operation) and
   * sends their effect to the room's clients; `lastUpdateId` is then the
   * room's storedUpToUpdateId. Returns false when they did not integrate
   * (something before them is missing): the caller catches up instead.
   */
  applyCommitted(updates: readonly Uint8Array[], lastUpdateId: number): boolean;
  /** Reads what was stored after storedUpToUpdateId and applies it (busy meanwhile). */
  catchUp(why: string): void;
  /** The id of the document's newest stored update, read from the store. */
  latestStoredUpdateId(): Promise<number>;
  /** Sends a notice to the room's own clients only. */
  broadcastLocalNotice(notice: ServerNotice): void;
  /**
   * Runs `operation` as a room operation (after what waits), charged to
   * `source`'s share of the room's queue; false when the queue has no room
   * for it (it is dropped).
   */
  runOperation(operation: () => void, bytes?: number, source?: string): boolean;
  /** Applies presence another instance relayed (RoomPresence.applyRemote). */
  applyRemotePresence(payload: Uint8Array): void;
}

/**
 * One room's link to the other server instances over the bus (issue 15):
 * publishes what this instance committed (each turn's update, with the ids
 * around it) and its clients' presence, and applies what the others publish —
 * those, and the notices and clause locks RoomRegistry publishes for a
 * document whether or not it is open here. Redis pub/sub may drop messages: an update whose
 * `previousUpdateId` is not the newest id the room holds means something was
 * missed, and the room catches up from the store (LinkedRoom.catchUp) — an
 * edit is never lost nor applied twice because of the bus (Yjs ignores what
 * a document holds already). After the bus reconnects (Redis back), every
 * linked room catches up the same way.
 */
export class RoomBusLink {
  private subscription: BusSubscription | null = null;
  private readonly stopResubscribed: () => void;
  private readonly checkTimer: NodeJS.Timeout;
  private checking = false;

  /**
   * @param checkIntervalMs how often the room compares the newest id in the
   *   store with its own (ms): pub/sub delivers at most once, so the last
   *   update of a burst, if lost, is noticed by this check (one indexed row
   *   read), not only at the next update.
   */
  constructor(
    private readonly room: LinkedRoom,
    private readonly bus: DocumentBus,
    private readonly logger: Logger,
    checkIntervalMs: number,
  ) {
    this.stopResubscribed = bus.onResubscribed(() =>
      room.runOperation(() => room.catchUp('the bus reconnected')),
    );
    room.awareness.on('update', this.onAwareness);
    this.checkTimer = setInterval(() => void this.checkStore(), checkIntervalMs);
    this.checkTimer.unref();
  }

  /** Catches up when the store holds a newer update than the room (a lost message). */
  private async checkStore(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const latest = await this.room.latestStoredUpdateId();
      if (latest > this.room.storedUpToUpdateId) {
        this.room.runOperation(() => {
          if (latest > this.room.storedUpToUpdateId)
            this.room.catchUp('the store is ahead of the updates received');
        });
      }
    } catch (error) {
      this.logger.warn(
        { err: error, documentId: this.room.documentId },
        'could not read the newest update id',
      );
    } finally {
      this.checking = false;
    }
  }

  /**
   * Subscribes to the document's channel; resolves once the bus listens (or
   * cannot: Redis down — the room then catches up when it is back), so a
   * room loaded after it misses nothing published meanwhile.
   */
  async listen(): Promise<void> {
    this.subscription = this.bus.subscribeDocument(this.room.documentId, (message) => {
      // Bounded like a client's messages: an instance's share of the queue. A dropped update is
      // caught up by the periodic store check; a dropped lock is still enforced inside the commit.
      const bytes = message.type === 'update' ? (message.update?.byteLength ?? 1) : 64;
      if (!this.room.runOperation(() => this.receive(message), bytes, `instance:${message.origin}`)) {
        this.logger.warn(
          { documentId: this.room.documentId, type: message.type },
          'room busy: bus message dropped',
        );
      }
    });
    await this.subscription.listening;
  }

  /** Publishes a turn or server change this instance committed. */
  committed(result: AppendResult, previousHeld: number, update: Uint8Array): void {
    this.bus.publish({
      type: 'update',
      documentId: this.room.documentId,
      previousUpdateId: result.previousUpdateId ?? previousHeld,
      lastUpdateId: result.lastUpdateId,
      update,
    });
  }

  close(): void {
    clearInterval(this.checkTimer);
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.stopResubscribed();
    this.room.awareness.off('update', this.onAwareness);
  }

  private receive(message: Delivered<DocumentMessage>): void {
    switch (message.type) {
      case 'update':
        this.receiveUpdate(message.previousUpdateId, message.lastUpdateId, message.update);
        return;
      case 'presence':
        this.room.applyRemotePresence(message.payload);
        return;
      case 'notice':
        this.room.broadcastLocalNotice(message.notice);
        return;
      case 'locks':
        if (message.locked) this.room.lockedClauses.add(message.clauseId);
        else this.room.lockedClauses.delete(message.clauseId);
        return;
    }
  }

  /**
   * Applies another instance's committed turn when it follows what the room
   * holds; ignores one the room holds already; otherwise (a message missed,
   * or the bytes not carried) catches up from the store.
   */
  private receiveUpdate(previousUpdateId: number, lastUpdateId: number, update: Uint8Array | null): void {
    const held = this.room.storedUpToUpdateId;
    if (lastUpdateId <= held) return;
    if (previousUpdateId === held && update && this.room.applyCommitted([update], lastUpdateId)) return;
    this.logger.info(
      { documentId: this.room.documentId, held, previousUpdateId, lastUpdateId },
      'missed a committed update: catching up from the store',
    );
    this.room.catchUp('gap in the updates received');
  }

  private readonly onAwareness = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === FROM_BUS) return;
    const changed = [...changes.added, ...changes.updated, ...changes.removed];
    if (changed.length === 0) return;
    // Encoded here, not with encodeAwarenessUpdate: RoomPresence forgets a removed client's meta as it relays.
    const entries = changed.map((clientId) =>
      encodePresenceEntry({
        clientId,
        clock: this.room.awareness.meta.get(clientId)?.clock ?? Date.now(),
        state: (this.room.awareness.getStates().get(clientId) ?? null) as Record<string, unknown> | null,
      }),
    );
    this.bus.publish({
      type: 'presence',
      documentId: this.room.documentId,
      payload: encodePresenceUpdate(entries),
    });
  };
}
