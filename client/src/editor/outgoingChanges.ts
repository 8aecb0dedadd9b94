/**
 * Keeps what this browser sends to the collaboration server under the
 * server's frame limit (`MAX_MESSAGE_BYTES`): a frame over it is closed with
 * 1009, and since a reconnect re-sends every change the server lacks (sync
 * step 2), an oversized change would otherwise be sent, refused and sent again
 * for ever.
 *
 * - A live update over the limit is not sent: the connection stops and the
 *   change stays in the Y.Doc (and the offline copy).
 * - The answer to the server's sync step 1 is built here: when it is over the
 *   limit, the content that only the undo history still holds (an undone or
 *   deleted paste: Yjs keeps it so that redo can bring it back) is released
 *   if that makes it fit; otherwise nothing is sent and the connection stops.
 * - A 1009 from the server teaches the limit: it is below the largest message
 *   sent on that socket (the server may be configured lower than the default).
 *
 * The server's state vector (from its sync step 1, then advanced with each
 * message sent) tells how much is waiting to be sent while disconnected; the
 * paste guard counts it.
 */
import { CloseCode, DEFAULT_MAX_MESSAGE_BYTES, MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** Bytes a sync message adds around its update: message type, sync type and length varints. */
const MESSAGE_OVERHEAD = 12;

/** The server never accepts less than this (`MAX_MESSAGE_BYTES` minimum); a 1009 on smaller messages came from elsewhere. */
const SMALLEST_SERVER_LIMIT = 1024;

export interface TooLarge {
  /** Size of what would have to be sent. */
  bytes: number;
  /** The largest frame the server is known to accept. */
  limit: number;
  /** False when `limit` is only a bound learned from a 1009 (the server's own limit is lower, by how much is unknown). */
  limitKnown: boolean;
  /** True when the server closed with 1009; false when this browser held the change back itself. */
  refusedByServer: boolean;
}

export class OutgoingChanges {
  private limit: number;
  /** False once the limit was learned from a 1009 (an upper bound, not the server's figure). */
  private limitKnown = true;
  /** What the server is known to have (encoded state vector), or null before the first sync. */
  private serverState: Uint8Array | null = null;
  /** This socket answered the server's sync step 1: every change since was sent as it happened. */
  private inSync = false;
  private largestSent = 0;
  private held = false;
  private readonly undoManagers = new Set<Y.UndoManager>();
  private readonly listeners = new Set<(tooLarge: TooLarge) => void>();

  constructor(
    private readonly provider: WebsocketProvider,
    limit: number = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    this.limit = limit;
    this.guardUpdates();
    this.answerSyncStep1();
    provider.on('connection-close', this.onClose);
  }

  /** The largest frame the server is known to accept. */
  get frameLimit(): number {
    return this.limit;
  }

  /** Bytes of changes not yet sent (0 while connected and in sync). */
  unsentBytes(): number {
    if (this.inSync && this.provider.wsconnected) return 0;
    if (!this.serverState) return 0; // never synced: unknown, the offline copy may equal the server's
    return Y.encodeStateAsUpdate(this.provider.doc, this.serverState).length;
  }

  /** Called with the size and limit whenever a change cannot be sent because it is too large. */
  onTooLarge(listener: (tooLarge: TooLarge) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The editor's undo manager: its history is what may hold undone content back from being released. */
  registerUndoManager(undoManager: Y.UndoManager): () => void {
    this.undoManagers.add(undoManager);
    return () => this.undoManagers.delete(undoManager);
  }

  /**
   * Connects again after a stop the user dealt with. `releaseDeletedContent`:
   * first let go of deleted content the undo history keeps (after a refusal
   * that is not about size, an undone change must not be sent again).
   */
  resume({ releaseDeletedContent: release = false } = {}): void {
    if (release) releaseDeletedContent(this.provider.doc, this.undoManagers);
    this.held = false;
    this.provider.connect();
  }

  destroy(): void {
    this.provider.off('connection-close', this.onClose);
    this.listeners.clear();
    this.undoManagers.clear();
  }

  private readonly onClose = (event: CloseEvent | null) => {
    this.inSync = false;
    if (event?.code === CloseCode.MessageTooBig) {
      // Only a message over the server's smallest possible limit can have caused it (else: size unknown, 0).
      const culprit = this.largestSent > SMALLEST_SERVER_LIMIT ? this.largestSent : 0;
      if (culprit > 0 && culprit - 1 < this.limit) {
        this.limit = culprit - 1;
        this.limitKnown = false;
      }
      this.emit({
        bytes: culprit,
        limit: this.limit,
        limitKnown: this.limitKnown,
        refusedByServer: true,
      });
    }
    this.largestSent = 0;
  };

  private emit(tooLarge: TooLarge): void {
    for (const listener of this.listeners) listener(tooLarge);
  }

  /** Holds a change back: the connection stops, the change stays in this browser. */
  private holdBack(bytes: number): void {
    if (this.held) return;
    this.held = true;
    this.inSync = false;
    this.provider.disconnect();
    this.emit({ bytes, limit: this.limit, limitKnown: this.limitKnown, refusedByServer: false });
  }

  private sent(bytes: number): void {
    this.largestSent = Math.max(this.largestSent, bytes);
    if (this.inSync) this.serverState = Y.encodeStateVector(this.provider.doc);
  }

  /** Wraps the provider's update handler: an update over the limit is held back instead of sent. */
  private guardUpdates(): void {
    const { provider } = this;
    const send = provider._updateHandler;
    provider.doc.off('update', send);
    provider._updateHandler = (update: Uint8Array, origin: unknown) => {
      if (origin === provider) {
        // From the server: it has it.
        if (this.inSync) this.serverState = Y.encodeStateVector(provider.doc);
        return;
      }
      if (!provider.wsconnected || this.held) return; // kept in the Y.Doc; the next sync step 2 carries it
      const bytes = update.length + MESSAGE_OVERHEAD;
      if (bytes > this.limit) {
        this.holdBack(bytes);
        return;
      }
      send(update, origin);
      this.sent(bytes);
    };
    provider.doc.on('update', provider._updateHandler);
  }

  /** Answers the server's sync step 1 within the limit, or not at all. */
  private answerSyncStep1(): void {
    const { provider } = this;
    const original = provider.messageHandlers[MessageType.Sync];
    if (!original) throw new Error('y-websocket has no sync message handler');
    provider.messageHandlers[MessageType.Sync] = (encoder, decoder, target, emitSynced, messageType) => {
      const peek = decoding.clone(decoder);
      if (decoding.readVarUint(peek) !== SyncMessageType.Step1) {
        original(encoder, decoder, target, emitSynced, messageType);
        return;
      }
      const serverState = decoding.readVarUint8Array(peek);
      const update = this.updateFor(serverState);
      const bytes = update.length + MESSAGE_OVERHEAD;
      if (bytes > this.limit) {
        // Not from inside the socket's message handler.
        queueMicrotask(() => this.holdBack(bytes));
        return;
      }
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, SyncMessageType.Step2);
      encoding.writeVarUint8Array(encoder, update);
      this.inSync = true;
      this.sent(bytes);
    };
  }

  /** What the server lacks; content only the undo history holds is released when that makes it fit. */
  private updateFor(serverState: Uint8Array): Uint8Array {
    const { doc } = this.provider;
    const update = Y.encodeStateAsUpdate(doc, serverState);
    if (update.length + MESSAGE_OVERHEAD <= this.limit) return update;
    if (sizeWithoutDeletedContent(doc, serverState) + MESSAGE_OVERHEAD > this.limit) return update;
    releaseDeletedContent(doc, this.undoManagers);
    return Y.encodeStateAsUpdate(doc, serverState);
  }
}

/** The size of what the server lacks if every deleted item's content were garbage-collected. */
function sizeWithoutDeletedContent(doc: Y.Doc, serverState: Uint8Array): number {
  const copy = new Y.Doc({ gc: true });
  try {
    // One transaction: everything deleted in it is collected at its end (nothing keeps it in the copy).
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    return Y.encodeStateAsUpdate(copy, serverState).length;
  } finally {
    copy.destroy();
  }
}

/**
 * Lets Yjs collect deleted content that only the undo history kept (for redo,
 * or for undoing a deletion): the history is cleared, then every deleted item
 * nothing keeps is collected as at the end of a transaction. What is sent for
 * it afterwards is its length, not its text.
 */
export function releaseDeletedContent(doc: Y.Doc, undoManagers: Iterable<Y.UndoManager>): void {
  for (const undoManager of undoManagers) undoManager.clear();
  Y.tryGc(Y.createDeleteSetFromStructStore(doc.store), doc.store, doc.gcFilter);
}
