import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { emitWithoutIdleAllocations } from '../../server/src/collab/leanDocEvents';

/** Every event a document emits while some edits are made, in order, with what identifies it. */
function eventsOf(doc: Y.Doc): string[] {
  const seen: string[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) =>
    seen.push(`update ${update.byteLength} ${String(origin)}`),
  );
  doc.on('afterTransaction', (transaction: Y.Transaction) =>
    seen.push(`after ${String(transaction.origin)}`),
  );
  doc.once('afterTransactionCleanup', () => seen.push('cleanup once'));
  const text = doc.getText('t');
  doc.transact(() => text.insert(0, 'Article 1'), 'first');
  doc.transact(() => text.delete(0, 3), 'second');
  return seen;
}

describe('emitWithoutIdleAllocations: a Y.Doc emitting as lib0 does', () => {
  it('calls the same listeners with the same arguments, a once listener once', () => {
    const plain = new Y.Doc();
    plain.clientID = 1;
    const lean = new Y.Doc();
    lean.clientID = 1;
    emitWithoutIdleAllocations(lean);
    const expected = eventsOf(plain);
    expect(expected).toEqual([
      'after first',
      'cleanup once',
      expect.stringMatching(/^update \d+ first$/),
      'after second',
      expect.stringMatching(/^update \d+ second$/),
    ]);
    expect(eventsOf(lean)).toEqual(expected);
  });

  it('a listener added or removed during an emission does not change that emission', () => {
    const doc = new Y.Doc();
    emitWithoutIdleAllocations(doc);
    const calls: string[] = [];
    const late = () => calls.push('late');
    const second = () => calls.push('second');
    doc.on('afterTransaction', () => {
      calls.push('first');
      doc.on('afterTransaction', late);
      doc.off('afterTransaction', second);
    });
    doc.on('afterTransaction', second);
    doc.transact(() => doc.getText('t').insert(0, 'x'));
    expect(calls).toEqual(['first', 'second']);
    doc.transact(() => doc.getText('t').insert(0, 'y'));
    expect(calls).toEqual(['first', 'second', 'first', 'late']);
  });

  it('emits nothing, and throws nothing, when nobody listens; keeps working after destroy', () => {
    const doc = new Y.Doc();
    emitWithoutIdleAllocations(doc);
    doc.transact(() => doc.getText('t').insert(0, 'quiet'));
    expect(doc.getText('t').toString()).toBe('quiet');
    const destroyed: string[] = [];
    doc.on('destroy', () => destroyed.push('destroyed'));
    doc.destroy();
    expect(destroyed).toEqual(['destroyed']);
  });
});
