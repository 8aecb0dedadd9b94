import type * as Y from 'yjs';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { RoomRegistry } from '../collab/roomRegistry';
import { readClauses } from '../content/outline';
import { NotFoundError } from '../errors';

/** Answers whether a clause exists in a document's current text (the open room's, or the stored one). */
export class ClauseDirectory {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly storage: DocumentStorage,
  ) {}

  clauseIds(documentId: string): Set<string> {
    return this.readLive(documentId, (doc) => new Set(readClauses(doc).map((clause) => clause.id)));
  }

  /**
   * Reads a document's current text with `reader`: the open room's Y.Doc, or
   * one loaded from storage for the call (do not keep it). Returns what
   * `reader` returns.
   */
  readLive<T>(documentId: string, reader: (doc: Y.Doc) => T): T {
    const open = this.rooms.get(documentId);
    if (open) return reader(open.doc);
    const doc = docFromStoredState(this.storage.load(documentId));
    try {
      return reader(doc);
    } finally {
      doc.destroy();
    }
  }

  /** Throws a 404 when the clause is not in the document. */
  requireClause(documentId: string, clauseId: string): void {
    if (!this.clauseIds(documentId).has(clauseId))
      throw new NotFoundError('No such clause in this document.');
  }
}
