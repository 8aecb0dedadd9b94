import { CloseCode, MessageType, type ServerNotice } from '@draftroom/shared';
import * as encoding from 'lib0/encoding';
import type * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CollabRefusal, StorageWriteError } from '../errors';
import type { Logger } from '../logger';
import { CompactionPolicy } from './compactionPolicy';
import type { Connection } from './connection';
import { type DocumentStorage, docFromStoredState, type UpdateAuthor } from './documentStorage';
import { emitWithoutIdleAllocations } from './leanDocEvents';
import { DEFAULT_PARKED_UPDATE_LIMITS, type ParkedUpdateLimits, ParkedUpdates } from './parkedUpdates';
import { PresenceClaims } from './presenceClaims';
import { RoomPresence } from './roomPresence';
import { encodeSyncStep1, encodeUpdateMessage } from './syncMessages';
import { ChangeSpan, TurnChanges } from './turnEncoding';
import { AwaitingOwnChanges, DEFAULT_UPDATE_LIMITS, type UpdateLimits } from './updateBounds';
import { inspectClientUpdate } from './updateInspection';

/** Typed hooks other capabilities (versions) attach to a room's life. */
export interface RoomHooks {
  /** After a change was stored and broadcast. */
  onStored?(room: Room): void;
  /** When the last client has left, before the room is compacted and unloaded. */
  onLastLeft?(room: Room): void;
}

export interface RoomOptions {
  compactAfterUpdates: number;
  /**
   * Presence changes are relayed together once per this interval (0: at once),
   * so N editors moving carets cost N messages per interval, not N² per move.
   */
  presenceFlushMs?: number;
  /** Who owns which awareness client id, shared by every room (default: this room's own, no retention). */
  presenceClaims?: PresenceClaims;
  /** What one client update may claim (default DEFAULT_UPDATE_LIMITS). */
  updateLimits?: UpdateLimits;
  /** Bounds on updates waiting for their sender's own earlier changes (default DEFAULT_PARKED_UPDATE_LIMITS). */
  parkedUpdateLimits?: ParkedUpdateLimits;
  hooks?: RoomHooks;
}

/**
 * One open document: its Y.Doc (loaded from storage before anyone syncs), the
 * presence of its clients, and its connections. Every update a client sends is
 * stored durably before it is broadcast to anyone else.
 */
export class Room {
  doc: Y.Doc;
  readonly connections = new Set<Connection>();
  /** Its clients' presence: checked, renumbered and relayed in batches. */
  readonly presence: RoomPresence;
  /** Agreed clauses: no update may touch them until the pen-holder reopens them. */
  readonly lockedClauses = new Set<string>();
  private readonly compaction: CompactionPolicy;
  private lastUpdateId: number;
  /**
   * Client changes applied in this event-loop turn, not yet stored: committed
   * together in one transaction at the end of the turn, then broadcast.
   */
  private turn = new TurnChanges<Connection>();
  /** While a client update is applied: the transactions Yjs reports (see loadDoc). */
  private captured: Y.Transaction[] | undefined;
  private flushScheduled = false;

  constructor(
    readonly documentId: string,
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: RoomOptions,
  ) {
    this.compaction = new CompactionPolicy(options.compactAfterUpdates);
    const loaded = this.loadDoc();
    this.doc = loaded.doc;
    this.lastUpdateId = loaded.lastUpdateId;
    this.presence = new RoomPresence(
      this.connections,
      options.presenceClaims ?? new PresenceClaims(0),
      options.presenceFlushMs ?? 0,
      logger,
    );
  }

  /** The presence states of the room's clients (y-protocols Awareness). */
  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness;
  }

  private loadDoc(): { doc: Y.Doc; lastUpdateId: number } {
    const stored = this.storage.load(this.documentId);
    this.compaction.loaded(stored);
    const doc = docFromStoredState(stored);
    emitWithoutIdleAllocations(doc);
    // No 'update' listener: Yjs would encode every transaction's update again
    // (a quarter of the server's time on a fast writer's trace); a turn is
    // encoded once, from what its transactions changed (TurnChanges).
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
      this.captured?.push(transaction);
    });
    return { doc, lastUpdateId: stored.lastUpdateId };
  }

  join(connection: Connection): void {
    this.flushUnstored();
    this.connections.add(connection);
    connection.send(encodeSyncStep1(this.doc));
    // Everyone's presence follows once the client has said which id is its own (RoomPresence.welcome).
    this.presence.welcome(connection);
  }

  leave(connection: Connection): void {
    this.connections.delete(connection);
    this.presence.leave(connection);
  }

  /** Answers a client's sync step 1 with everything it is missing. */
  answerSyncStep1(stateVector: Uint8Array): Uint8Array {
    // Nobody receives a change before it is stored.
    this.flushUnstored();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
    return encoding.toUint8Array(encoder);
  }

  /**
   * Applies a client's update (sync step 2 or update). Everything is checked
   * before the Y.Doc is touched (inspectClientUpdate): decodable, within the
   * limits, integrable now (no pending structs or deletions), inside the
   * document model, allowed for the sender's role, and not changing an agreed
   * clause (4423). An update that changes nothing is dropped. After applying,
   * the document must hold no pending state; if Yjs kept any (a dependency
   * cycle the checks cannot see), the sender is closed with 4409 and the
   * room keeps only the turn's earlier changes (refuseAfterApply).
   * The changes of one event-loop turn are stored in one transaction at the
   * end of the turn (flushUnstored), and only then broadcast.
   * Invariant: the room's Y.Doc holds only what was checked, and (after the
   * turn's commit) stored and broadcast.
   */
  applyClientUpdate(update: Uint8Array, sender: Connection): void {
    let effect: ReturnType<typeof inspectClientUpdate>;
    try {
      effect = inspectClientUpdate(this.doc, update, {
        canEdit: sender.canEdit,
        role: sender.role,
        limits: this.options.updateLimits ?? DEFAULT_UPDATE_LIMITS,
      });
    } catch (error) {
      if (!(error instanceof AwaitingOwnChanges)) throw error;
      this.park(update, sender);
      return;
    }
    const { touched, changesDocument } = effect;
    if (!changesDocument) return;
    for (const clauseId of touched) {
      if (this.lockedClauses.has(clauseId)) {
        throw new CollabRefusal(CloseCode.ClauseLocked, `clause ${clauseId} is agreed and locked`);
      }
    }
    const transactions = this.integrate(update, sender);
    if (!this.turn.record({ update, author: sender.author(touched), sender }, transactions)) return;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushUnstored());
    }
    sender.parked?.retry((waiting) => this.applyClientUpdate(waiting, sender));
  }

  /**
   * Keeps aside an update that waits for its sender's own earlier changes
   * (ParkedUpdates: outside the Y.Doc, bounded; 4409 past a bound), and the
   * first time asks the client for everything the server lacks (sync step 1,
   * which the provider answers with sync step 2).
   */
  private park(update: Uint8Array, sender: Connection): void {
    sender.parked ??= new ParkedUpdates(this.options.parkedUpdateLimits ?? DEFAULT_PARKED_UPDATE_LIMITS, () =>
      sender.refuse(CloseCode.ResyncRequired, 'the changes this update depends on never arrived'),
    );
    if (!sender.parked.park(update)) return;
    this.flushUnstored();
    sender.send(encodeSyncStep1(this.doc));
  }

  /**
   * Applies a checked update to the room's Y.Doc and returns the transactions
   * Yjs ran for it. When Yjs throws (4400) or keeps pending state (4409), the
   * update is refused (refuseAfterApply).
   */
  private integrate(update: Uint8Array, sender: Connection): Y.Transaction[] {
    const transactions: Y.Transaction[] = [];
    let failure: string | undefined;
    this.captured = transactions;
    try {
      Y.applyUpdate(this.doc, update, sender);
    } catch (error) {
      failure = `update failed to apply: ${(error as Error).message}`;
    } finally {
      this.captured = undefined;
    }
    if (failure !== undefined) this.refuseAfterApply(CloseCode.MalformedMessage, failure);
    if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
      this.refuseAfterApply(CloseCode.ResyncRequired, 'update left changes Yjs cannot integrate');
    }
    return transactions;
  }

  /**
   * Drops what a refused update left in the Y.Doc and refuses it: the
   * document is reloaded from storage, the turn's earlier (valid) changes
   * are applied again in their order — they applied cleanly to the same
   * state before — then stored and broadcast.
   */
  private refuseAfterApply(closeCode: CloseCode, message: string): never {
    const earlier = this.turn;
    this.discardUnstoredChanges(message);
    try {
      for (const change of earlier.replay()) {
        const transactions: Y.Transaction[] = [];
        this.captured = transactions;
        try {
          Y.applyUpdate(this.doc, change.update, change.sender);
        } finally {
          this.captured = undefined;
        }
        if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
          throw new Error('an earlier change of the turn left pending state');
        }
        this.turn.record(change, transactions);
      }
    } catch (error) {
      this.logger.error({ err: error, documentId: this.documentId }, 'could not apply the turn again');
      this.discardUnstoredChanges('the turn could not be applied again');
      for (const sender of earlier.senders()) {
        sender.close(CloseCode.ResyncRequired, 'the server could not keep the update');
      }
    }
    this.flushUnstored();
    throw new CollabRefusal(closeCode, message);
  }

  /**
   * Stores every client change applied since the last flush in one commit
   * (one row per run of one sender's changes), then sends the whole turn as
   * one update, encoded once, to every connection — except the sender when
   * all of it is its own. A sender of part of the turn gets its own edits
   * back too: applying known items is a no-op in Yjs, and one message per
   * client per turn is what keeps fan-out linear when many people type at
   * once. Rows and message are encoded from the Y.Doc (TurnChanges: linear in
   * what the turn carries, however many updates it holds). If the commit
   * fails, nothing is broadcast, the document is reloaded from storage and
   * every sender of the turn is closed with StorageUnavailable (its client
   * keeps the change and sends it again when it reconnects).
   */
  flushUnstored(): void {
    this.flushScheduled = false;
    if (this.turn.isEmpty) return;
    const turn = this.turn;
    this.turn = new TurnChanges();
    const senders = turn.senders();
    const { rows, broadcast } = turn.encode(this.doc);
    try {
      this.lastUpdateId = this.storage.appendBatch(this.documentId, rows);
    } catch (error) {
      this.logger.error(
        { err: error, documentId: this.documentId, changes: turn.size },
        'could not store updates; not broadcast',
      );
      this.discardUnstoredChanges('storage write failed');
      for (const sender of senders) {
        sender.close(CloseCode.StorageUnavailable, 'the server could not store the update');
      }
      return;
    }
    this.compaction.appended(rows.map((row) => row.updates[0]));
    this.broadcast(encodeUpdateMessage(broadcast), senders.size === 1 ? [...senders][0] : undefined);
    this.afterStored();
  }

  /**
   * Makes a change on the server's side (e.g. restoring a version as a new
   * forward change, accepting an amendment): stored, then broadcast to every
   * client. `alongside` runs inside the same storage commit as the text (the
   * record that changes with it); if it or the write fails, neither the text
   * nor the record changes: the room reloads from storage and the error is
   * thrown (`alongside`'s own error as it is, a write failure as a
   * CollabRefusal). Returns false when the change changed nothing (nothing is
   * stored then, and `alongside` does not run).
   */
  applyServerChange(change: (doc: Y.Doc) => void, author: UpdateAuthor, alongside?: () => void): boolean {
    this.flushUnstored();
    const effective = this.serverTransaction(change);
    if (effective.length === 0) return false;
    this.storeServerChange(effective, author, alongside);
    for (const update of effective) this.broadcast(encodeUpdateMessage(update));
    this.afterStored();
    return true;
  }

  /** Runs a server change in one transaction; returns its update (none when it changed nothing). */
  private serverTransaction(change: (doc: Y.Doc) => void): Uint8Array[] {
    const span = new ChangeSpan();
    const transactions: Y.Transaction[] = [];
    this.captured = transactions;
    try {
      this.doc.transact(() => change(this.doc), 'server');
    } finally {
      this.captured = undefined;
    }
    for (const transaction of transactions) span.add(transaction);
    return span.isEmpty ? [] : [span.encode(this.doc)];
  }

  /** The id of the newest stored update (call flushUnstored first to include the turn's changes). */
  get storedUpToUpdateId(): number {
    return this.lastUpdateId;
  }

  private afterStored(): void {
    this.compactIfDue();
    this.options.hooks?.onStored?.(this);
  }

  private storeServerChange(updates: Uint8Array[], author: UpdateAuthor, alongside?: () => void): void {
    try {
      this.lastUpdateId = this.storage.appendUpdates(this.documentId, updates, author, alongside);
      this.compaction.appended(updates);
    } catch (error) {
      if (!(error instanceof StorageWriteError)) {
        this.discardUnstoredChanges('a record written with a server change failed');
        throw error;
      }
      this.logger.error(
        { err: error, documentId: this.documentId },
        'could not store an update; not broadcast',
      );
      this.discardUnstoredChanges('storage write failed');
      throw new CollabRefusal(CloseCode.StorageUnavailable, 'the server could not store the update');
    }
  }

  /**
   * Reloads the document from storage so the in-memory state never holds
   * anything that is not stored (after a failed apply or write). Connected
   * clients never received the discarded change, so nothing diverges.
   */
  private discardUnstoredChanges(why: string): void {
    this.logger.warn({ documentId: this.documentId, why }, 'reloading document from storage');
    const previous = this.doc;
    const loaded = this.loadDoc();
    this.doc = loaded.doc;
    this.lastUpdateId = loaded.lastUpdateId;
    this.turn = new TurnChanges();
    previous.destroy();
  }

  private compactIfDue(): void {
    if (this.compaction.due) this.compact();
  }

  /**
   * Folds the appended updates into one state row (re-encoded from the Y.Doc,
   * not merged update by update). Called when CompactionPolicy says it is due,
   * and when the room unloads.
   */
  compact(): void {
    this.flushUnstored();
    if (this.compaction.pendingUpdates === 0) return;
    try {
      const state = Y.encodeStateAsUpdate(this.doc);
      this.storage.compact(this.documentId, state, this.lastUpdateId);
      this.compaction.compacted(state.byteLength);
    } catch (error) {
      // Compaction is an optimisation: the appended updates are still stored.
      if (!(error instanceof StorageWriteError)) throw error;
      this.logger.error({ err: error, documentId: this.documentId }, 'compaction failed');
    }
  }

  broadcastNotice(notice: ServerNotice): void {
    for (const connection of this.connections) connection.sendNotice(notice);
  }

  broadcast(message: Uint8Array, except?: Connection): void {
    for (const connection of this.connections) if (connection !== except) connection.send(message);
  }

  closeAll(code: number, reason: string): void {
    for (const connection of this.connections) connection.close(code, reason);
  }

  destroy(): void {
    this.flushUnstored();
    this.presence.destroy();
    this.doc.destroy();
  }
}
