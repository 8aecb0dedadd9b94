import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { storedRuns } from '../../server/src/collab/turnEncoding';

/** One client's keystrokes, each its own update, into the same text. */
function keystrokes(clientId: number, text: string): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const ytext = doc.getText('t');
  for (const char of text) ytext.insert(ytext.length, char);
  return updates;
}

const author = (user: string, clauses: string[]) => ({
  userId: user,
  participantId: `p-${user}`,
  touchedClauses: clauses,
});

describe('storedRuns: the rows a turn is stored as', () => {
  it('merges each run of one sender into one row, keeps the order of runs and the union of touched clauses', () => {
    const a = keystrokes(1, 'abc');
    const b = keystrokes(2, 'xy');
    const batch = [
      { sender: 'A', updates: [a[0]!], author: author('a', ['c1']) },
      { sender: 'A', updates: [a[1]!], author: author('a', ['c2', 'c1']) },
      { sender: 'B', updates: [b[0]!, b[1]!], author: author('b', []) },
      { sender: 'A', updates: [a[2]!], author: author('a', ['c3']) },
    ];
    const runs = storedRuns(batch);
    expect(runs.map((run) => run.sender)).toEqual(['A', 'B', 'A']);
    expect(runs.map((run) => run.author.userId)).toEqual(['a', 'b', 'a']);
    expect(runs[0]!.author.touchedClauses).toEqual(['c1', 'c2']);
    expect(runs[2]!.author.touchedClauses).toEqual(['c3']);
    expect(runs.every((run) => run.updates.length === 1)).toBe(true);

    // Replayed in order, the rows give exactly what the individual updates give.
    const fromRows = new Y.Doc();
    for (const run of runs) Y.applyUpdate(fromRows, run.updates[0]);
    const fromUpdates = new Y.Doc();
    for (const change of batch) for (const update of change.updates) Y.applyUpdate(fromUpdates, update);
    expect(fromRows.getText('t').toString()).toBe(fromUpdates.getText('t').toString());
    expect(fromRows.store.pendingStructs).toBeNull();
    expect(Y.encodeStateVector(fromRows)).toEqual(Y.encodeStateVector(fromUpdates));
  });

  it('a burst of 10,000 keystrokes of one sender is one row holding all of them', () => {
    const updates = keystrokes(7, 'x'.repeat(10_000));
    const runs = storedRuns(
      updates.map((update) => ({ sender: 'A', updates: [update], author: author('a', []) })),
    );
    expect(runs).toHaveLength(1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, runs[0]!.updates[0]);
    expect(doc.getText('t').length).toBe(10_000);
  });

  it('stores nothing for a turn without changes', () => {
    expect(storedRuns([])).toEqual([]);
  });
});
