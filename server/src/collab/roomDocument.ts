import * as Y from 'yjs';
import { StorageWriteError } from '../errors';
import type { Logger } from '../logger';
import { ClientIdOwners } from './clientIdOwners';
import { CompactionPolicy } from './compactionPolicy';
import {
  type AppendResult,
  type AuthoredUpdates,
  type DocumentStorage,
  docFromStoredState,
  type RecordsAlongside,
  type StoredDocumentState,
  type UpdateAuthor,
} from './documentStorage';
import { emitWithoutIdleAllocations } from './leanDocEvents';
import { ChangeSpan } from './turnEncoding';

/** What applying an update did: the transactions Yjs ran, and whether it failed or left pending state. */
export interface Applied {
  transactions: Y.Transaction[];
  /** Yjs threw while applying (the message), or undefined. */
  failure: string | undefined;
  /** The document holds structs or deletions Yjs could not integrate. */
  pending: boolean;
}

/**
 * One open document's Y.Doc and what it owes the store: the id of the newest
 * stored update it holds with every one before it, when a compaction is due,
 * and who owns each Yjs client id with content in it (ClientIdOwners). It
 * loads, reloads, commits (a turn's rows, a server change), compacts, and
 * applies what other instances committed; the Room decides when (its queue
 * keeps every call here from overlapping another that changes the Y.Doc).
 */
export class RoomDocument {
  private current: Y.Doc | null = null;
  private lastUpdateId = 0;
  /** While an update is applied: the transactions Yjs reports (see `load`). */
  private captured: Y.Transaction[] | undefined;
  private readonly compaction: CompactionPolicy;
  /** Who owns each Yjs client id with content here: loaded with the document, checked for every update. */
  readonly clientIds = new ClientIdOwners();

  constructor(
    readonly documentId: string,
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    compactAfterUpdates: number,
  ) {
    this.compaction = new CompactionPolicy(compactAfterUpdates);
  }

  /** The Y.Doc; absent (throws) until loaded. */
  get doc(): Y.Doc {
    if (!this.current) throw new Error(`document ${this.documentId} is not loaded`);
    return this.current;
  }

  /** The id of the newest stored update the Y.Doc holds together with every one before it. */
  get storedUpToUpdateId(): number {
    return this.lastUpdateId;
  }

  /**
   * Loads (or reloads) the document from the store, replacing the Y.Doc held
   * so far (destroyed). Rejects with the store's error; the old Y.Doc is then
   * kept as it was.
   */
  async load(): Promise<void> {
    const stored = await this.storage.load(this.documentId);
    const owners = await this.storage.loadClientIds(this.documentId);
    this.compaction.loaded(stored);
    const doc = docFromStoredState(stored);
    this.clientIds.loaded(owners, doc);
    emitWithoutIdleAllocations(doc);
    // No 'update' listener: Yjs would encode every transaction's update again
    // (a quarter of the server's time on a fast writer's trace); a turn is
    // encoded once, from what its transactions changed (TurnChanges).
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
      this.captured?.push(transaction);
    });
    this.current?.destroy();
    this.current = doc;
    this.lastUpdateId = stored.lastUpdateId;
  }

  /** Applies `update` with `origin`; reports the transactions Yjs ran and whether it failed or left pending state. */
  apply(update: Uint8Array, origin: unknown): Applied {
    const transactions: Y.Transaction[] = [];
    let failure: string | undefined;
    this.captured = transactions;
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      this.captured = undefined;
    }
    const store = this.doc.store;
    return { transactions, failure, pending: store.pendingStructs !== null || store.pendingDs !== null };
  }

  /** Runs a server change in one transaction; returns its update, or null when it changed nothing. */
  transact(change: (doc: Y.Doc) => void): Uint8Array | null {
    const span = new ChangeSpan();
    const transactions: Y.Transaction[] = [];
    this.captured = transactions;
    try {
      this.doc.transact(() => change(this.doc), 'server');
    } finally {
      this.captured = undefined;
    }
    for (const transaction of transactions) span.add(transaction);
    return span.isEmpty ? null : span.encode(this.doc);
  }

  /** Commits a turn's rows with the client ids they claim (one commit); rejects as DocumentStorage does. */
  async commitTurn(rows: readonly AuthoredUpdates[]): Promise<AppendResult> {
    const result = await this.clientIds.store((claims) =>
      this.storage.appendBatch(this.documentId, rows, claims),
    );
    this.compaction.appended(rows.map((row) => row.updates[0] as Uint8Array));
    return result;
  }

  /** Commits a server change (under the server's own client id) with `alongside` in the same commit. */
  async commitServerChange(
    update: Uint8Array,
    author: UpdateAuthor,
    alongside: RecordsAlongside | undefined,
  ): Promise<AppendResult> {
    this.clientIds.claimServerId();
    const result = await this.clientIds.store((claims) =>
      this.storage.appendUpdates(this.documentId, [update], author, alongside, claims),
    );
    this.compaction.appended([update]);
    return result;
  }

  /**
   * Takes a commit's ids: returns true when the Y.Doc now holds every stored
   * update up to its last id, false when another instance committed in
   * between (the store's `previousUpdateId` is not the id held): the caller
   * catches up.
   */
  adopt(result: AppendResult): boolean {
    if (result.previousUpdateId !== undefined && result.previousUpdateId !== this.lastUpdateId) return false;
    this.lastUpdateId = result.lastUpdateId;
    return true;
  }

  /**
   * Applies updates another instance committed (already stored) as one
   * transaction. Returns their effect as one update (null when they changed
   * nothing here) and whether they integrated; if they did, the Y.Doc holds
   * every stored update up to `lastUpdateId`.
   */
  applyCommitted(
    updates: readonly Uint8Array[],
    lastUpdateId: number,
  ): { effect: Uint8Array | null; integrated: boolean } {
    const transactions: Y.Transaction[] = [];
    this.captured = transactions;
    try {
      this.doc.transact(() => {
        for (const update of updates) Y.applyUpdate(this.doc, update, 'stored elsewhere');
      });
    } finally {
      this.captured = undefined;
    }
    const span = new ChangeSpan();
    for (const transaction of transactions) span.add(transaction);
    const store = this.doc.store;
    const integrated = store.pendingStructs === null && store.pendingDs === null;
    if (integrated) this.lastUpdateId = Math.max(this.lastUpdateId, lastUpdateId);
    if (this.hasUnownedContent(transactions)) this.refreshOwners();
    return { effect: span.isEmpty ? null : span.encode(this.doc), integrated };
  }

  /** True when the transactions gave content to a client id this room knows no owner of. */
  private hasUnownedContent(transactions: readonly Y.Transaction[]): boolean {
    for (const transaction of transactions) {
      for (const [client, clock] of transaction.afterState) {
        if (
          clock > (transaction.beforeState.get(client) ?? 0) &&
          this.clientIds.ownerOf(client) === undefined
        ) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Reads the owners another instance recorded (its commits carry no claims)
   * and merges them (ClientIdOwners.merge). Until it is done, a local claim of
   * such an id fails its commit in the store instead of being refused here.
   */
  private refreshOwners(): void {
    this.storage.loadClientIds(this.documentId).then(
      (stored) => this.clientIds.merge(stored),
      (error: unknown) =>
        this.logger.warn({ err: error, documentId: this.documentId }, 'could not read client id owners'),
    );
  }

  /** What the store holds after the newest update the Y.Doc holds in order (DocumentStorage.updatesSince). */
  storedSince(): Promise<StoredDocumentState> {
    return this.storage.updatesSince(this.documentId, this.lastUpdateId);
  }

  latestStoredUpdateId(): Promise<number> {
    return this.storage.latestUpdateId(this.documentId);
  }

  get compactionDue(): boolean {
    return this.compaction.due;
  }

  /**
   * Folds the appended updates into one state row (re-encoded from the
   * Y.Doc, not merged update by update). Call it only while the Y.Doc holds
   * nothing unstored. A failed write is logged: compaction is an
   * optimisation, the appended updates are still stored.
   */
  async compact(): Promise<void> {
    if (this.compaction.pendingUpdates === 0) return;
    try {
      const state = Y.encodeStateAsUpdate(this.doc);
      await this.storage.compact(this.documentId, state, this.lastUpdateId);
      this.compaction.compacted(state.byteLength);
    } catch (error) {
      if (!(error instanceof StorageWriteError)) throw error;
      this.logger.error({ err: error, documentId: this.documentId }, 'compaction failed');
    }
  }

  destroy(): void {
    this.current?.destroy();
  }
}
