/**
 * Work on a document's versions, one task at a time per document (in this
 * process): two checkpoints of a document, or a checkpoint and a named
 * version, never read "the newest version" and write after it at once, so
 * each counts its summary against the one stored before it. Documents run
 * independently of each other.
 */
export class DocumentQueue {
  /** Per document: settles when its last queued task has (never rejects). Removed once idle. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once every task queued before for `documentId` has settled.
   * Resolves or rejects as `work` does; a rejection never holds up the tasks
   * queued after it.
   */
  run<T>(documentId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(documentId) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(documentId, tail);
    void tail.then(() => {
      if (this.tails.get(documentId) === tail) this.tails.delete(documentId);
    });
    return result;
  }

  /** Settles (never rejects) once every task queued so far for `documentId` has. */
  settled(documentId: string): Promise<void> {
    return this.tails.get(documentId) ?? Promise.resolve();
  }

  /** Settles (never rejects) once every task queued so far, of any document, has. */
  async drained(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
