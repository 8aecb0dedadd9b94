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
    const open = this.rooms.get(documentId);
    if (open) return new Set(readClauses(open.doc).map((clause) => clause.id));
    const doc = docFromStoredState(this.storage.load(documentId));
    const ids = new Set(readClauses(doc).map((clause) => clause.id));
    doc.destroy();
    return ids;
  }

  /** Throws a 404 when the clause is not in the document. */
  requireClause(documentId: string, clauseId: string): void {
    if (!this.clauseIds(documentId).has(clauseId))
      throw new NotFoundError('No such clause in this document.');
  }
}
