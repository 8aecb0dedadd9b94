import type * as Y from 'yjs';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { RoomRegistry } from '../collab/roomRegistry';
import { readClauses } from '../content/outline';
import { NotFoundError } from '../errors';
import type { ClauseLocks } from '../sharedServices';
import type { NegotiationRepository } from './negotiationStore';

/** Answers whether a clause exists in a document's current text (the open room's, or the stored one). */
export class ClauseDirectory {
  /**
   * @param clauseLocks where an agreed clause is written so that every
   *   commit, on any instance, checks it (PostgreSQL); absent with the
   *   embedded store, whose one instance checks its rooms' locks.
   */
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly storage: DocumentStorage,
    private readonly clauseLocks?: ClauseLocks,
  ) {}

  /**
   * Stores a clause's status with `write` and sets its lock to `locked` (the
   * status is "agreed"), in one transaction where every instance's commits
   * check the lock (PostgreSQL: under the document's head row lock, so two
   * instances changing the status at once leave the lock as the status
   * written last says; `write` is given that transaction's negotiation
   * records). With the embedded store (one instance: its rooms keep the
   * locks) `write` is given `own`. Resolves with what `write` resolves; if it
   * rejects, nothing is stored.
   */
  async storeStatus<T>(
    documentId: string,
    clauseId: string,
    locked: boolean,
    write: (negotiation: Pick<NegotiationRepository, 'setStatus'>) => Promise<T>,
    own: Pick<NegotiationRepository, 'setStatus'>,
  ): Promise<T> {
    if (!this.clauseLocks) return write(own);
    let stored: { value: T } | undefined;
    await this.clauseLocks.lockClause(documentId, clauseId, locked, async (records) => {
      stored = { value: await write(records.negotiation) };
    });
    if (!stored) throw new Error('the clause status was not stored');
    return stored.value;
  }

  clauseIds(documentId: string): Promise<Set<string>> {
    return this.readLive(documentId, (doc) => new Set(readClauses(doc).map((clause) => clause.id)));
  }

  /**
   * Reads a document's current text with `reader`: the open room's Y.Doc
   * (as stored: Room.exclusive), or one loaded from storage for the call (do
   * not keep it). Resolves with what `reader` returns.
   */
  async readLive<T>(documentId: string, reader: (doc: Y.Doc) => T): Promise<T> {
    const open = this.rooms.get(documentId);
    if (open) return open.exclusive(() => reader(open.doc));
    const doc = docFromStoredState(await this.storage.load(documentId));
    try {
      return reader(doc);
    } finally {
      doc.destroy();
    }
  }

  /**
   * Runs `work` with the document's room to itself (Room.exclusive, opening
   * the room if needed) once the clause is known to be there (404 otherwise):
   * a record change that must take effect in order with the edits — agreeing
   * a clause — is then ordered with them: what a client sent before it is
   * applied first, what it sent after it finds it done.
   */
  withClause<T>(documentId: string, clauseId: string, work: () => T | Promise<T>): Promise<T> {
    return this.rooms.withRoom(documentId, (room) => {
      if (!readClauses(room.doc).some((clause) => clause.id === clauseId)) {
        throw new NotFoundError('No such clause in this document.');
      }
      return work();
    });
  }

  /** Throws a 404 when the clause is not in the document. */
  async requireClause(documentId: string, clauseId: string): Promise<void> {
    if (!(await this.clauseIds(documentId)).has(clauseId))
      throw new NotFoundError('No such clause in this document.');
  }
}
