import { CloseCode } from '@draftroom/shared';
import type * as Y from 'yjs';
import { ClauseLockedError, ClientIdTakenError, CollabRefusal } from '../errors';
import type { Logger } from '../logger';
import type { Connection } from './connection';
import type { AppendResult } from './documentStorage';
import type { RoomDocument } from './roomDocument';
import type { RoomQueue } from './roomQueue';
import { encodeUpdateMessage } from './syncMessages';
import { type AppliedChange, TurnChanges, type TurnRow } from './turnEncoding';

/** What the pipeline needs of its room. */
export interface PipelineHost {
  readonly documentId: string;
  readonly queue: RoomQueue;
  readonly lockedClauses: Set<string>;
  broadcast(message: Uint8Array, except?: Connection): void;
  /** A commit's ids: adopted by the document, published to the other instances. */
  committed(result: AppendResult, update: Uint8Array): void;
  /** After a commit was broadcast: hooks and compaction. */
  afterStored(): Promise<void>;
  /** Reloads the document from storage (the room is kept busy by the caller); false when it could not. */
  reload(why: string): Promise<boolean>;
}

/**
 * A room's commit pipeline: the client changes applied in this event-loop
 * turn (TurnChanges), committed together in one transaction at the end of the
 * turn and only then broadcast; the refusal of a turn whose commit failed; and
 * the recovery after an update Yjs could not integrate (reload, apply the
 * turn's earlier changes again). One commit at a time: the room's queue is
 * held busy from the commit's start until it settled.
 */
export class TurnPipeline {
  private turn = new TurnChanges<Connection>();
  /** The turn being committed (until its commit settles). */
  private inFlight: TurnChanges<Connection> | null = null;
  private scheduled = false;

  constructor(
    private readonly host: PipelineHost,
    private readonly document: RoomDocument,
    private readonly logger: Logger,
  ) {}

  /** True when no change waits for a commit. */
  get isEmpty(): boolean {
    return this.turn.isEmpty;
  }

  /** Records an applied change in the turn (false: it changed nothing) and schedules the turn's commit. */
  record(
    change: AppliedChange<Connection>,
    transactions: Parameters<TurnChanges<Connection>['record']>[1],
  ): boolean {
    if (!this.turn.record(change, transactions)) return false;
    this.schedule();
    return true;
  }

  /**
   * Lowers `vector` (client → clock) to where the changes not yet sent to
   * anyone begin — the current turn's and the one being committed — so it
   * describes what the room's clients were sent.
   */
  lowerToSent(vector: Map<number, number>): void {
    this.turn.lowerVector(vector);
    this.inFlight?.lowerVector(vector);
  }

  /** Forgets the turn's changes (the room reloads from storage). */
  discard(): void {
    this.turn = new TurnChanges();
  }

  /** Commits the turn at the end of this event-loop turn (setImmediate), once. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Applies a checked update to the room's Y.Doc and returns the transactions
   * Yjs ran for it. When Yjs throws (4400) or keeps pending state (4409), the
   * update is refused (refuseAfterApply).
   */
  integrate(update: Uint8Array, sender: Connection): Y.Transaction[] {
    const applied = this.document.apply(update, sender);
    if (applied.failure !== undefined) {
      this.refuseAfterApply(CloseCode.MalformedMessage, `update failed to apply: ${applied.failure}`);
    }
    if (applied.pending)
      this.refuseAfterApply(CloseCode.ResyncRequired, 'update left changes Yjs cannot integrate');
    return applied.transactions;
  }

  /**
   * Drops what a refused update left in the Y.Doc and refuses it: the room
   * becomes busy, the document is reloaded from storage, the turn's earlier
   * (valid) changes are applied again in their order — they applied cleanly
   * to the same state before — and committed as a turn; then what waited runs.
   */
  refuseAfterApply(closeCode: CloseCode, message: string): never {
    const earlier = this.turn;
    this.turn = new TurnChanges();
    this.host.queue.hold();
    void this.host.reload(message).then((reloaded) => {
      if (reloaded) this.replay(earlier);
      this.host.queue.release();
    });
    throw new CollabRefusal(closeCode, message);
  }

  /**
   * Applies a refused turn's changes again after a reload — all but those of
   * `skip` — and schedules their commit.
   */
  private replay(earlier: TurnChanges<Connection>, skip: ReadonlySet<Connection> = new Set()): void {
    try {
      for (const change of earlier.replay()) {
        if (skip.has(change.sender) || !change.sender.isOpen) continue;
        const applied = this.document.apply(change.update, change.sender);
        if (applied.failure !== undefined || applied.pending) {
          throw new Error('an earlier change of the turn did not apply again');
        }
        this.turn.record(change, applied.transactions);
      }
      this.schedule();
    } catch (error) {
      this.logger.error({ err: error, documentId: this.host.documentId }, 'could not apply the turn again');
      this.turn = new TurnChanges();
      for (const sender of earlier.senders()) {
        sender.close(CloseCode.ResyncRequired, 'the server could not keep the update');
      }
      this.host.queue.hold();
      void this.host.reload('the turn could not be applied again').then(() => this.host.queue.release());
    }
  }

  /**
   * Stores every client change applied since the last commit in one commit
   * (one row per run of one sender's changes), then sends the whole turn as
   * one update, encoded once, to every connection — except the sender when
   * all of it is its own. A sender of part of the turn gets its own edits
   * back too: applying known items is a no-op in Yjs, and one message per
   * client per turn is what keeps fan-out linear when many people type at
   * once. Rows and message are encoded from the Y.Doc (TurnChanges: linear in
   * what the turn carries, however many updates it holds). The room is busy
   * until the commit settles (what arrives meanwhile waits). If the commit
   * fails, nothing is broadcast, the document is reloaded from storage and
   * every sender of the turn is closed with StorageUnavailable (its client
   * keeps the change and sends it again when it reconnects). Does nothing
   * while the room is busy: the turn is committed once it is not.
   */
  flush(): void {
    this.scheduled = false;
    if (this.turn.isEmpty || this.host.queue.isBusy) return;
    const turn = this.turn;
    this.turn = new TurnChanges();
    const senders = turn.senders();
    const { rows, broadcast } = turn.encode(this.document.doc);
    this.host.queue.hold();
    this.inFlight = turn;
    // The lock is checked again at the commit: a clause agreed after a change was applied, before it was stored.
    const agreed = [...new Set(rows.flatMap((row) => row.author.touchedClauses ?? []))].filter((clauseId) =>
      this.host.lockedClauses.has(clauseId),
    );
    (agreed.length > 0 ? Promise.reject(new ClauseLockedError(agreed)) : this.document.commitTurn(rows))
      .then(
        async (result) => {
          this.host.committed(result, broadcast);
          this.host.broadcast(
            encodeUpdateMessage(broadcast),
            senders.size === 1 ? [...senders][0] : undefined,
          );
          await this.host.afterStored();
        },
        async (error: unknown) => {
          const offenders = this.offendersOf(error, rows);
          if (!offenders) {
            this.refuse(error, senders);
            await this.host.reload('storage write failed');
            return;
          }
          // The store refused some senders' changes (a clause agreed, a client id claimed, through another
          // instance meanwhile): they alone are closed; everyone else's changes are applied again and committed.
          if (await this.host.reload('the store refused part of a turn')) this.replay(turn, offenders);
        },
      )
      .catch((error: unknown) =>
        this.logger.error({ err: error, documentId: this.host.documentId }, 'after a commit'),
      )
      .finally(() => {
        this.inFlight = null;
        this.ended();
      });
  }

  /**
   * A turn's commit failed for the store's own reasons: nothing was stored
   * nor sent, and every sender of the turn is closed with StorageUnavailable
   * (its client keeps its changes and sends them again on reconnecting).
   */
  private refuse(error: unknown, senders: Set<Connection>): void {
    this.logger.error(
      { err: error, documentId: this.host.documentId },
      'could not store updates; not broadcast',
    );
    for (const sender of senders)
      sender.close(CloseCode.StorageUnavailable, 'the server could not store the update');
  }

  /**
   * The senders whose changes made the store refuse the commit, closed here
   * with the refusal's code — or null when the refusal names no one (a
   * write failure). A clause agreed meanwhile (ClauseLockedError, the check
   * inside the commit): the room learns the lock, its touchers get 4423. A
   * client id someone else claimed meanwhile (ClientIdTakenError): its
   * claimant here gets 4400.
   */
  private offendersOf(error: unknown, rows: readonly TurnRow<Connection>[]): Set<Connection> | null {
    const offenders = new Set<Connection>();
    if (error instanceof ClauseLockedError) {
      for (const clauseId of error.clauseIds) this.host.lockedClauses.add(clauseId);
      for (const row of rows) {
        if (row.author.touchedClauses?.some((clauseId) => error.clauseIds.includes(clauseId)))
          offenders.add(row.sender);
      }
      this.logger.info(
        { documentId: this.host.documentId, clauses: error.clauseIds },
        'turn touched a clause agreed meanwhile',
      );
      for (const sender of offenders) sender.close(CloseCode.ClauseLocked, 'the clause is agreed and locked');
    } else if (error instanceof ClientIdTakenError) {
      const claimants = new Set(error.clientIds.map((clientId) => this.document.clientIds.ownerOf(clientId)));
      for (const row of rows) if (claimants.has(row.sender.user.id)) offenders.add(row.sender);
      this.logger.warn(
        { documentId: this.host.documentId, clientIds: error.clientIds },
        'turn wrote under a client id claimed elsewhere',
      );
      for (const sender of offenders) {
        sender.refuse(
          CloseCode.MalformedMessage,
          'Yjs client id belongs to another person: write under your own',
        );
      }
    } else {
      return null;
    }
    return offenders.size > 0 ? offenders : null;
  }

  /** Ends a commit's busy section: what waited runs (and may start the next turn). */
  ended(): void {
    this.host.queue.release();
    if (!this.turn.isEmpty) this.schedule();
  }
}
