/**
 * A room's agreed (locked) clauses: no update may touch them until the
 * pen-holder reopens them. Filled once when the room loads, from the
 * negotiation records ({@link LockedClauses.load}); changed afterwards as
 * clauses are agreed and reopened (here, over the bus, or found locked by a
 * commit), never read from the database per edit.
 */
export class LockedClauses extends Set<string> {
  /** While the stored locks are being read: the clauses whose lock changed meanwhile. */
  private changedDuringLoad: Set<string> | null = null;

  override add(clauseId: string): this {
    this.changedDuringLoad?.add(clauseId);
    return super.add(clauseId);
  }

  override delete(clauseId: string): boolean {
    this.changedDuringLoad?.add(clauseId);
    return super.delete(clauseId);
  }

  /**
   * Adds the agreed clauses `read` resolves with. A clause locked or
   * reopened while they are being read keeps that newer state (the read may
   * predate it). Rejects with `read`'s error (the locks then stay as they are).
   */
  async load(read: () => Promise<Iterable<string>>): Promise<void> {
    const changed = new Set<string>();
    this.changedDuringLoad = changed;
    try {
      for (const clauseId of await read()) if (!changed.has(clauseId)) super.add(clauseId);
    } finally {
      if (this.changedDuringLoad === changed) this.changedDuringLoad = null;
    }
  }
}
