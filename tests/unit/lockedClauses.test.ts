import { describe, expect, it } from 'vitest';
import { LockedClauses } from '../../server/src/collab/lockedClauses';

/** A read of the stored agreed clauses that resolves when the test says so. */
function pendingRead(): { read: () => Promise<Iterable<string>>; resolve: (ids: string[]) => void } {
  let resolve: (ids: string[]) => void = () => undefined;
  const result = new Promise<string[]>((settle) => {
    resolve = settle;
  });
  return { read: () => result, resolve };
}

describe('LockedClauses: the agreed clauses a room reads once as it loads', () => {
  it('holds the clauses the read resolves with', async () => {
    const locks = new LockedClauses();
    await locks.load(async () => ['cl-1', 'cl-2']);
    expect([...locks].sort()).toEqual(['cl-1', 'cl-2']);
  });

  it('keeps a lock changed while the read was under way: the change is newer than what was read', async () => {
    const locks = new LockedClauses();
    const { read, resolve } = pendingRead();
    const loading = locks.load(read);
    locks.delete('cl-reopened'); // reopened (over the bus) after the read began
    locks.add('cl-agreed'); // agreed meanwhile, not yet in what the read returns
    resolve(['cl-reopened', 'cl-kept']);
    await loading;
    expect([...locks].sort()).toEqual(['cl-agreed', 'cl-kept']);
    // After the load, changes apply as they come, and a clause reopened then is open.
    locks.delete('cl-kept');
    locks.add('cl-reopened');
    expect([...locks].sort()).toEqual(['cl-agreed', 'cl-reopened']);
  });

  it('rejects with the read error and keeps the locks it had', async () => {
    const locks = new LockedClauses();
    locks.add('cl-1');
    await expect(
      locks.load(async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect([...locks]).toEqual(['cl-1']);
    await locks.load(async () => ['cl-2']);
    expect([...locks].sort()).toEqual(['cl-1', 'cl-2']);
  });
});
