import * as Y from 'yjs';
import { StorageWriteError } from '../errors';
import type { RecordStores } from '../store/recordStores';
import { type ClientIdClaims, UNKNOWN_CLIENT_OWNER } from './clientIdOwners';

/**
 * Where the collaboration server keeps each document's Yjs state. One contract
 * (tests/integration/documentStorage.contract.test.ts) is run against every
 * implementation.
 */

/** Who sent an update: kept with it so edits stay attributable. */
export interface UpdateAuthor {
  userId: string;
  participantId: string;
  /** The clauses the updates touch, kept for attribution through compaction. */
  touchedClauses?: readonly string[];
}

/** Updates of one author, stored together. */
export interface AuthoredUpdates {
  updates: readonly Uint8Array[];
  author: UpdateAuthor;
}

/**
 * Records that change in the same commit as the text (an accepted amendment,
 * a restored version, a resolved bracket): given the record stores of that
 * commit — PostgreSQL: repositories on the transaction's client; SQLite: the
 * stores inside the asynchronous transaction — it writes through them only.
 * If it rejects, nothing of the commit is stored and its error is rethrown.
 */
export type RecordsAlongside = (records: RecordStores) => Promise<void>;

/** A document's stored state: the last compacted state and the updates appended after it. */
export interface StoredDocumentState {
  /** The compacted state (a Yjs update), or null when the document was never compacted. */
  state: Uint8Array | null;
  /** Updates appended since, oldest first. */
  updates: Uint8Array[];
  /** The id of the newest update that `state` + `updates` include (0 when none). */
  lastUpdateId: number;
}

/**
 * The synchronous form of a storage, as better-sqlite3 (and the memory
 * storage) work: every call completes before it returns. The room speaks the
 * asynchronous {@link DocumentStorage}; `asyncStorage` adapts one to the other.
 */
export interface SyncDocumentStorage {
  /** Loads the stored state of a document; an unknown document loads as empty. */
  load(documentId: string): StoredDocumentState;
  /**
   * The owner of every Yjs client id that has content in the document (a
   * user id, SERVER_CLIENT_OWNER or UNKNOWN_CLIENT_OWNER); empty for an
   * unknown document. Owners are never removed, so read after `load` they
   * cover everything it returned.
   */
  loadClientIds(documentId: string): ClientIdClaims;
  /**
   * Appends updates durably (one commit) and returns the id of the last one.
   * `alongside`, when given, runs inside the same commit (a record that must
   * change together with the text, e.g. an accepted amendment): if it throws,
   * nothing is stored and its error is rethrown as it is. `clientIds`, the
   * client ids these updates are the first to use with their owners, are
   * recorded in the same commit (see `appendBatch`). Throws StorageWriteError
   * when the write fails; nothing is then stored.
   */
  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: () => void,
    clientIds?: ClientIdClaims,
  ): number;
  /**
   * Appends the changes of several authors (one event-loop turn) in one
   * commit, in order, each keeping its author; returns the id of the last
   * update. `clientIds` (client id → owner) are recorded in the same commit:
   * an id already owned by the same owner is left as it is, one owned by
   * UNKNOWN_CLIENT_OWNER passes to the new owner, and one owned by anyone else
   * fails the commit. All or nothing: throws StorageWriteError and stores
   * nothing.
   */
  appendBatch(documentId: string, batch: readonly AuthoredUpdates[], clientIds?: ClientIdClaims): number;
  /** Replaces the state and every update up to `upToUpdateId` by `state`, atomically. */
  compact(documentId: string, state: Uint8Array, upToUpdateId: number): void;
  /** How many updates are appended after the compacted state. */
  countUpdates(documentId: string): number;
}

/** What a commit stored: the ids around it (the document's update ids grow with every commit). */
export interface AppendResult {
  /** The id of the last update stored by this commit. */
  lastUpdateId: number;
  /**
   * The id of the document's newest update before this commit, read inside
   * it — given by a storage that several server instances write to
   * (PostgreSQL), so an instance sees that someone else committed since its
   * own last; absent for a storage only this process writes (SQLite).
   */
  previousUpdateId?: number;
}

/**
 * Where the collaboration server keeps each document's Yjs state, as the room
 * uses it: asynchronous, so a storage over the network (PostgreSQL) fits the
 * same room as the embedded SQLite one. Each method has the meaning of its
 * {@link SyncDocumentStorage} namesake; a failed write rejects with
 * StorageWriteError and stores nothing (`alongside`'s own error is rethrown as
 * it is), a commit touching a clause agreed in the store rejects with
 * ClauseLockedError and stores nothing.
 */
export interface DocumentStorage {
  load(documentId: string): Promise<StoredDocumentState>;
  loadClientIds(documentId: string): Promise<ClientIdClaims>;
  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: RecordsAlongside,
    clientIds?: ClientIdClaims,
  ): Promise<AppendResult>;
  appendBatch(
    documentId: string,
    batch: readonly AuthoredUpdates[],
    clientIds?: ClientIdClaims,
  ): Promise<AppendResult>;
  compact(documentId: string, state: Uint8Array, upToUpdateId: number): Promise<void>;
  countUpdates(documentId: string): Promise<number>;
  /**
   * At least what was stored after update `afterUpdateId` (for an instance
   * catching up with commits it was not told about): the updates after it,
   * and the compacted state too when a compaction folded some of them in
   * (`state` is null otherwise); a storage may answer with more. Applying it to a document that holds everything up to
   * `afterUpdateId` gives the stored document (Yjs ignores what it holds).
   */
  updatesSince(documentId: string, afterUpdateId: number): Promise<StoredDocumentState>;
  /** The id of the document's newest stored update (0: none); cheap, for an instance checking it missed none. */
  latestUpdateId(documentId: string): Promise<number>;
}

/**
 * How a synchronous storage's database runs records alongside the text: one
 * asynchronous transaction (SQLite: sqliteTransaction) and the record stores
 * of that database, and when a write may start without joining another's
 * transaction (SQLite: untilSqliteIdle).
 */
export interface SyncStorageTransactions {
  run<T>(work: () => Promise<T>): Promise<T>;
  records: RecordStores;
  /** Undefined when a write may start now; otherwise resolves when it may. */
  idle(): Promise<void> | undefined;
}

/**
 * The asynchronous interface over a synchronous storage: each call runs to
 * completion at once (a SQLite transaction is never split across event-loop
 * turns) and its result or error is delivered as a settled promise. With
 * `transactions`, writes wait while another asynchronous transaction of the
 * database is open, and a commit with records alongside runs in one of its
 * own (the records first, then the text); without, a commit with records
 * alongside is refused (an Error: this storage keeps no records).
 */
export function asyncStorage(
  storage: SyncDocumentStorage,
  transactions?: SyncStorageTransactions,
): DocumentStorage {
  const idle = () => transactions?.idle();
  return {
    load: async (documentId) => storage.load(documentId),
    loadClientIds: async (documentId) => storage.loadClientIds(documentId),
    appendUpdates: async (documentId, updates, author, alongside, clientIds) => {
      if (!alongside) {
        await idle();
        return { lastUpdateId: storage.appendUpdates(documentId, updates, author, undefined, clientIds) };
      }
      if (!transactions) throw new Error('this storage keeps no records to change alongside the text');
      return transactions.run(async () => {
        await alongside(transactions.records);
        return { lastUpdateId: storage.appendUpdates(documentId, updates, author, undefined, clientIds) };
      });
    },
    appendBatch: async (documentId, batch, clientIds) => {
      const waiting = idle();
      if (waiting) await waiting;
      return { lastUpdateId: storage.appendBatch(documentId, batch, clientIds) };
    },
    compact: async (documentId, state, upToUpdateId) => {
      await idle();
      storage.compact(documentId, state, upToUpdateId);
    },
    countUpdates: async (documentId) => storage.countUpdates(documentId),
    // Only this process writes a synchronous storage, so it never misses a commit: the whole state will do.
    updatesSince: async (documentId) => storage.load(documentId),
    latestUpdateId: async (documentId) => storage.load(documentId).lastUpdateId,
  };
}

/** A storage in memory: for unit tests and tools; loses everything on exit. */
export class MemoryDocumentStorage implements SyncDocumentStorage {
  private readonly documents = new Map<
    string,
    {
      state: Uint8Array | null;
      compactedUpTo: number;
      updates: Map<number, Uint8Array>;
      clientIds: Map<number, string>;
    }
  >();
  private nextUpdateId = 1;

  load(documentId: string): StoredDocumentState {
    const stored = this.documents.get(documentId);
    if (!stored) return { state: null, updates: [], lastUpdateId: 0 };
    const ids = [...stored.updates.keys()];
    return {
      state: stored.state,
      updates: [...stored.updates.values()],
      lastUpdateId: Math.max(stored.compactedUpTo, ...ids),
    };
  }

  loadClientIds(documentId: string): ClientIdClaims {
    return new Map(this.documents.get(documentId)?.clientIds);
  }

  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    _author?: UpdateAuthor,
    alongside?: () => void,
    clientIds?: ClientIdClaims,
  ): number {
    const stored = this.entry(documentId);
    this.refuseTakenClientIds(documentId, stored.clientIds, clientIds);
    alongside?.();
    for (const [clientId, owner] of clientIds ?? []) stored.clientIds.set(clientId, owner);
    let id = 0;
    for (const update of updates) {
      id = this.nextUpdateId++;
      stored.updates.set(id, update.slice());
    }
    return id;
  }

  appendBatch(documentId: string, batch: readonly AuthoredUpdates[], clientIds?: ClientIdClaims): number {
    const stored = this.entry(documentId);
    this.refuseTakenClientIds(documentId, stored.clientIds, clientIds);
    for (const [clientId, owner] of clientIds ?? []) stored.clientIds.set(clientId, owner);
    let id = 0;
    for (const { updates } of batch) if (updates.length > 0) id = this.appendUpdates(documentId, updates);
    return id;
  }

  /** Throws StorageWriteError (before anything is stored) when a claimed id is someone else's. */
  private refuseTakenClientIds(
    documentId: string,
    owners: ReadonlyMap<number, string>,
    claims: ClientIdClaims | undefined,
  ): void {
    for (const [clientId, owner] of claims ?? []) {
      const current = owners.get(clientId);
      if (current === undefined || current === owner || current === UNKNOWN_CLIENT_OWNER) continue;
      throw new StorageWriteError(`client id ${clientId} of document ${documentId} has another owner`, null);
    }
  }

  compact(documentId: string, state: Uint8Array, upToUpdateId: number): void {
    const stored = this.entry(documentId);
    stored.state = state.slice();
    stored.compactedUpTo = Math.max(stored.compactedUpTo, upToUpdateId);
    for (const id of [...stored.updates.keys()]) if (id <= upToUpdateId) stored.updates.delete(id);
  }

  countUpdates(documentId: string): number {
    return this.documents.get(documentId)?.updates.size ?? 0;
  }

  private entry(documentId: string) {
    let stored = this.documents.get(documentId);
    if (!stored) {
      stored = { state: null, compactedUpTo: 0, updates: new Map(), clientIds: new Map() };
      this.documents.set(documentId, stored);
    }
    return stored;
  }
}

/** A Y.Doc holding a stored state: the compacted state and every update after it, in one transaction. */
export function docFromStoredState(stored: StoredDocumentState): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.transact(() => {
    if (stored.state) Y.applyUpdate(doc, stored.state);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  });
  return doc;
}
