import { CloseCode, MessageType, type ServerNotice } from '@draftroom/shared';
import * as encoding from 'lib0/encoding';
import type * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ClauseLockedError, CollabRefusal, StorageWriteError } from '../errors';
import type { Logger } from '../logger';
import type { Connection } from './connection';
import type { DocumentStorage, RecordsAlongside, UpdateAuthor } from './documentStorage';
import { ExclusiveSections } from './exclusiveSections';
import { LockedClauses } from './lockedClauses';
import { DEFAULT_PARKED_UPDATE_LIMITS, parkUpdate } from './parkedUpdates';
import { PresenceClaims } from './presenceClaims';
import { RoomDocument } from './roomDocument';
import { RoomMembers } from './roomMembers';
import type { RoomOptions } from './roomOptions';
import { RoomPresence } from './roomPresence';
import { DEFAULT_ROOM_QUEUE_LIMITS, RoomQueue } from './roomQueue';
import { RoomReplica } from './roomReplica';
import { encodeSyncStep1, encodeUpdateMessage } from './syncMessages';
import { TurnPipeline } from './turnPipeline';
import { AwaitingOwnChanges, DEFAULT_UPDATE_LIMITS } from './updateBounds';
import { inspectClientUpdate } from './updateInspection';

export type { RoomHooks, RoomOptions } from './roomOptions';

/**
 * One open document: its Y.Doc (loaded from storage before anyone syncs), the
 * presence of its clients, and its connections. Every update a client sends is
 * stored durably before it is broadcast to anyone else.
 *
 * Everything that reads or changes the Y.Doc runs through the room's queue
 * (RoomQueue): while the document loads, while a turn is being committed and
 * while a server command runs, client messages, joins and other commands wait
 * and then run in arrival order. So the Y.Doc holds only what was stored
 * plus the current (not yet committed) turn, and storage may be asynchronous.
 */
export class Room {
  /** Who is in the room: joined, and arriving (their join waits in the queue). */
  private readonly membership: RoomMembers;
  /** The connections that joined (the room broadcasts to these). */
  readonly connections: Set<Connection>;
  /** Its clients' presence: checked, renumbered and relayed in batches. */
  readonly presence: RoomPresence;
  /** Agreed clauses: no update may touch them until the pen-holder reopens them (read once, at load). */
  readonly lockedClauses = new LockedClauses();
  /** What runs when: client messages, joins and server commands wait while the room is busy. */
  readonly queue: RoomQueue;
  /** Settles when the document has loaded (rejects when it could not be). */
  readonly loaded: Promise<void>;
  /** The Y.Doc and what it owes the store (loading, commits, compaction, client id owners). */
  private readonly document: RoomDocument;
  /** The changes of the current event-loop turn, their commit and broadcast. */
  private readonly pipeline: TurnPipeline;
  /** `exclusive` work: one at a time, after everything before it is stored. */
  private readonly sections: ExclusiveSections;
  /** Set when the document could not be loaded (or reloaded): the registry replaces the room. */
  private brokenBy: Error | null = null;
  /** Its part in a deployment of several instances (RoomOptions.bus): commits published, others' applied. */
  private readonly replica: RoomReplica;

  constructor(
    readonly documentId: string,
    storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: RoomOptions,
  ) {
    this.document = new RoomDocument(documentId, storage, logger, options.compactAfterUpdates);
    this.queue = new RoomQueue(options.queueLimits ?? DEFAULT_ROOM_QUEUE_LIMITS, logger, true);
    this.membership = new RoomMembers({
      queue: this.queue,
      whenStored: (operation) => this.whenStored(operation),
      welcome: (connection) => {
        connection.send(encodeSyncStep1(this.doc));
        this.presence.welcome(connection);
      },
    });
    this.connections = this.membership.joined;
    this.pipeline = new TurnPipeline(
      {
        documentId,
        queue: this.queue,
        lockedClauses: this.lockedClauses,
        broadcast: (message, except) => this.broadcast(message, except),
        committed: (result, update) => this.replica.committed(result, update),
        afterStored: () => this.afterStored(),
        reload: (why) => this.reload(why),
      },
      this.document,
      logger,
    );
    this.sections = new ExclusiveSections(this.queue, {
      whenStored: (operation) => this.whenStored(operation),
      ended: () => this.pipeline.ended(),
      broken: () => this.brokenBy,
    });
    this.presence = new RoomPresence(
      this.connections,
      options.presenceClaims ?? new PresenceClaims(0),
      options.presenceFlushMs ?? 0,
      logger,
    );
    this.replica = new RoomReplica(
      {
        documentId,
        document: this.document,
        queue: this.queue,
        presence: this.presence,
        lockedClauses: this.lockedClauses,
        broadcast: (message) => this.broadcast(message),
        broadcastLocalNotice: (notice) => this.broadcastNotice(notice),
        reload: (why) => this.reload(why),
        ended: () => this.pipeline.ended(),
      },
      logger,
      options.bus,
      options.storeCheckIntervalMs,
    );
    // Listening first, then loading: nothing another instance commits meanwhile is missed.
    const lockedOf = options.lockedClausesOf;
    this.loaded = this.replica
      .listen()
      .then(() =>
        Promise.all([this.document.load(), lockedOf && this.lockedClauses.load(() => lockedOf(documentId))]),
      )
      .then(
        () => this.queue.release(),
        (error: unknown) => {
          this.breakDown(error);
          throw error;
        },
      );
    // A failed load is reported to whoever awaits it (the registry logs it); never unhandled.
    this.loaded.catch(() => undefined);
  }

  /** The document's Y.Doc. Read it only inside room operations (`exclusive`, hooks): it is absent until loaded. */
  get doc(): Y.Doc {
    return this.document.doc;
  }

  /** Why the room can no longer serve its document (its load or a reload failed), or null. */
  get broken(): Error | null {
    return this.brokenBy;
  }

  /** The presence states of the room's clients (y-protocols Awareness). */
  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness;
  }

  /** Queues a connection's join as a room operation (RoomMembers.enqueueJoin); if the room breaks meanwhile it is closed. */
  enqueueJoin(connection: Connection, admit: () => boolean): void {
    this.membership.enqueueJoin(connection, admit);
  }

  /** Every connection of the room: joined, and those whose join waits (AccessReview reaches them too). */
  get members(): Connection[] {
    return this.membership.all;
  }

  /** Adds a connection once the turn's changes are stored (RoomMembers.join); call it as a room operation. */
  join(connection: Connection): void {
    this.membership.join(connection);
  }

  leave(connection: Connection): void {
    this.membership.leave(connection);
    this.presence.leave(connection);
  }

  /**
   * Answers a client's sync step 1 with everything it is missing (sync step
   * 2), sent to `connection` once the turn's changes are stored: nobody
   * receives a change before it is stored.
   */
  answerSyncStep1(stateVector: Uint8Array, connection: Connection): void {
    this.whenStored(() => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
      connection.send(encoding.toUint8Array(encoder));
    });
  }

  /**
   * Runs `operation` once every change applied so far is stored: at once when
   * the turn is empty, otherwise after the turn's commit (ahead of whatever
   * arrived meanwhile). Call it from a room operation.
   */
  private whenStored(operation: () => void): void {
    if (!this.pipeline.isEmpty) this.flushUnstored();
    this.queue.runFirst(operation);
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
        writer: { owners: this.document.clientIds, userId: sender.user.id },
      });
    } catch (error) {
      if (!(error instanceof AwaitingOwnChanges)) throw error;
      // Kept aside, outside the Y.Doc (bounded: 4409); the first time, the client is asked for what the server lacks.
      if (parkUpdate(sender, update, this.options.parkedUpdateLimits ?? DEFAULT_PARKED_UPDATE_LIMITS))
        this.whenStored(() => sender.send(encodeSyncStep1(this.doc)));
      return;
    }
    const { touched, changesDocument } = effect;
    if (!changesDocument) return;
    for (const clauseId of touched) {
      if (this.lockedClauses.has(clauseId)) {
        throw new CollabRefusal(CloseCode.ClauseLocked, `clause ${clauseId} is agreed and locked`);
      }
    }
    const transactions = this.pipeline.integrate(update, sender);
    if (!this.pipeline.record({ update, author: sender.author(touched), sender }, transactions)) return;
    this.document.clientIds.claim(effect.newClientIds, sender.user.id);
    sender.parked?.retry((waiting) => this.applyClientUpdate(waiting, sender));
  }

  /**
   * Commits the turn's changes now (see TurnPipeline.flush): one commit, then
   * the broadcast. Does nothing while the room is busy.
   */
  flushUnstored(): void {
    this.pipeline.flush();
  }

  /**
   * Runs `work` with the room to itself, once the document is loaded and
   * every change applied before is stored: nothing else touches the Y.Doc
   * until the promise `work` returns settles (client messages wait). Server
   * changes (`applyServerChange`) are made inside it; so are reads that must
   * see exactly the stored text. Resolves with `work`'s result; rejects with
   * its error, or with the load's error when the document could not be
   * loaded.
   */
  exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    return this.sections.run(work);
  }

  /**
   * Makes a change on the server's side (e.g. restoring a version as a new
   * forward change, accepting an amendment): stored, then broadcast to every
   * client. Only inside `exclusive` work. `alongside` runs inside the same
   * storage commit as the text (the record that changes with it); if it or the
   * write fails, neither the text nor the record changes: the room reloads
   * from storage and the promise rejects (`alongside`'s own error as it is, a
   * write failure as a CollabRefusal). Resolves false when the change changed
   * nothing (nothing is stored then, and `alongside` does not run).
   */
  async applyServerChange(
    change: (doc: Y.Doc) => void,
    author: UpdateAuthor,
    alongside?: RecordsAlongside,
  ): Promise<boolean> {
    if (!this.sections.active) throw new Error('applyServerChange outside Room.exclusive');
    const update = this.document.transact(change);
    if (!update) return false;
    await this.storeServerChange(update, author, alongside);
    this.broadcast(encodeUpdateMessage(update));
    await this.afterStored();
    return true;
  }

  /** The id of the newest stored update the Y.Doc holds with every one before it (inside `exclusive` work or a hook: the stored text's). */
  get storedUpToUpdateId(): number {
    return this.document.storedUpToUpdateId;
  }

  private async afterStored(): Promise<void> {
    this.options.hooks?.onStored?.(this);
    if (this.document.compactionDue) await this.document.compact();
  }

  private async storeServerChange(
    update: Uint8Array,
    author: UpdateAuthor,
    alongside?: RecordsAlongside,
  ): Promise<void> {
    try {
      this.replica.committed(await this.document.commitServerChange(update, author, alongside), update);
    } catch (error) {
      if (error instanceof ClauseLockedError)
        for (const clauseId of error.clauseIds) this.lockedClauses.add(clauseId);
      if (!(error instanceof StorageWriteError)) {
        await this.reload('a record written with a server change failed');
        throw error;
      }
      this.logger.error(
        { err: error, documentId: this.documentId },
        'could not store an update; not broadcast',
      );
      await this.reload('storage write failed');
      throw new CollabRefusal(CloseCode.StorageUnavailable, 'the server could not store the update');
    }
  }

  /**
   * Reloads the document from storage so the in-memory state never holds
   * anything that is not stored (after a failed apply or write). Connected
   * clients never received the discarded change, so nothing diverges. The
   * caller keeps the room busy meanwhile. Resolves false when the reload
   * failed too: the room is then broken (every connection closed with
   * StorageUnavailable; the registry replaces it).
   */
  private async reload(why: string): Promise<boolean> {
    this.logger.warn({ documentId: this.documentId, why }, 'reloading document from storage');
    // What the clients were sent: the discarded document without its unsent changes.
    const sent = Y.decodeStateVector(Y.encodeStateVector(this.document.doc));
    this.pipeline.lowerToSent(sent);
    this.pipeline.discard();
    try {
      await this.document.load();
      // What the store holds beyond it — other instances' commits this room had not applied yet, even
      // ones holding the very changes discarded here (their sender went on through another instance) —
      // is sent to the clients, who would never receive it otherwise.
      if (this.replica.linked)
        this.broadcast(
          encodeUpdateMessage(Y.encodeStateAsUpdate(this.document.doc, Y.encodeStateVector(sent))),
        );
      return true;
    } catch (error) {
      this.breakDown(error);
      return false;
    }
  }

  /** The document cannot be served: every connection is closed with StorageUnavailable and nothing more runs. */
  private breakDown(error: unknown): void {
    this.brokenBy = error instanceof Error ? error : new Error(String(error));
    this.logger.error({ err: error, documentId: this.documentId }, 'could not load the document');
    this.queue.clear();
    this.sections.failWaiting(this.brokenBy);
    this.closeAll(CloseCode.StorageUnavailable, 'the server could not load the document');
    this.membership.closeArriving(CloseCode.StorageUnavailable, 'the server could not load the document');
  }

  /**
   * Folds the appended updates into one state row (re-encoded from the Y.Doc,
   * not merged update by update), with the room to itself. Called when
   * CompactionPolicy says it is due, and when the room unloads.
   */
  compact(): Promise<void> {
    return this.exclusive(() => this.document.compact());
  }

  /** Compacts now; only inside `exclusive` work (the Y.Doc is then exactly the stored state). */
  compactStored(): Promise<void> {
    if (!this.sections.active) throw new Error('compactStored outside Room.exclusive');
    return this.document.compact();
  }

  /** Sends a notice to this instance's clients of the document (RoomRegistry.broadcastNotice tells the others). */
  broadcastNotice(notice: ServerNotice): void {
    for (const connection of this.connections) connection.sendNotice(notice);
  }

  broadcast(message: Uint8Array, except?: Connection): void {
    for (const connection of this.connections) if (connection !== except) connection.send(message);
  }

  closeAll(code: number, reason: string): void {
    for (const connection of this.connections) connection.close(code, reason);
  }

  /** Frees the room (after its last commit): nothing waiting runs any more. */
  destroy(): void {
    this.replica.close();
    this.sections.failWaiting(new Error(`document ${this.documentId} was closed`));
    this.queue.clear();
    this.presence.destroy();
    this.document.destroy();
  }
}
