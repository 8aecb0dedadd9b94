import * as Y from 'yjs';

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

/** A document's stored state: the last compacted state and the updates appended after it. */
export interface StoredDocumentState {
  /** The compacted state (a Yjs update), or null when the document was never compacted. */
  state: Uint8Array | null;
  /** Updates appended since, oldest first. */
  updates: Uint8Array[];
  /** The id of the newest update that `state` + `updates` include (0 when none). */
  lastUpdateId: number;
}

export interface DocumentStorage {
  /** Loads the stored state of a document; an unknown document loads as empty. */
  load(documentId: string): StoredDocumentState;
  /**
   * Appends updates durably (one commit) and returns the id of the last one.
   * `alongside`, when given, runs inside the same commit (a record that must
   * change together with the text, e.g. an accepted amendment): if it throws,
   * nothing is stored and its error is rethrown as it is. Throws
   * StorageWriteError when the write fails; nothing is then stored.
   */
  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: () => void,
  ): number;
  /**
   * Appends the changes of several authors (one event-loop turn) in one
   * commit, in order, each keeping its author; returns the id of the last
   * update. All or nothing: throws StorageWriteError and stores nothing.
   */
  appendBatch(documentId: string, batch: readonly AuthoredUpdates[]): number;
  /** Replaces the state and every update up to `upToUpdateId` by `state`, atomically. */
  compact(documentId: string, state: Uint8Array, upToUpdateId: number): void;
  /** How many updates are appended after the compacted state. */
  countUpdates(documentId: string): number;
}

/** A storage in memory: for unit tests and tools; loses everything on exit. */
export class MemoryDocumentStorage implements DocumentStorage {
  private readonly documents = new Map<
    string,
    { state: Uint8Array | null; compactedUpTo: number; updates: Map<number, Uint8Array> }
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

  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    _author?: UpdateAuthor,
    alongside?: () => void,
  ): number {
    alongside?.();
    const stored = this.entry(documentId);
    let id = 0;
    for (const update of updates) {
      id = this.nextUpdateId++;
      stored.updates.set(id, update.slice());
    }
    return id;
  }

  appendBatch(documentId: string, batch: readonly AuthoredUpdates[]): number {
    let id = 0;
    for (const { updates } of batch) if (updates.length > 0) id = this.appendUpdates(documentId, updates);
    return id;
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
      stored = { state: null, compactedUpTo: 0, updates: new Map() };
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
