/**
 * The part of the DocumentStorage contract about Yjs client id owners
 * (document_client_ids): run by describeDocumentStorageContract for every
 * storage, inside its describe block.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { SERVER_CLIENT_OWNER, UNKNOWN_CLIENT_OWNER } from '../../server/src/collab/clientIdOwners';
import { StorageWriteError } from '../../server/src/errors';
import type { StorageFixture } from './documentStorageContract';

const first = { userId: 'user-1', participantId: 'participant-1' };
const second = { userId: 'user-2', participantId: 'participant-2' };

/** One update typing `words` into the text `t` under `clientId`. */
function typedAs(clientId: number, words: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  doc.getText('t').insert(0, words);
  return updates[0] as Uint8Array;
}

/** Registers the client id cases; `fresh` makes the storage under test (disposed by the caller's afterEach). */
export function clientIdOwnershipCases(fresh: () => Promise<StorageFixture>): void {
  it('keeps the owners of client ids, recorded in the commit of the updates that first use them', async () => {
    const { storage, createDocument } = await fresh();
    expect(await storage.loadClientIds('never-stored')).toEqual(new Map());
    const id = await createDocument();
    const other = await createDocument();
    expect(await storage.loadClientIds(id)).toEqual(new Map());
    await storage.appendBatch(
      id,
      [
        { updates: [typedAs(11, 'a')], author: first },
        { updates: [typedAs(22, 'b')], author: second },
      ],
      new Map([
        [11, first.userId],
        [22, second.userId],
      ]),
    );
    const last = (
      await storage.appendUpdates(
        id,
        [typedAs(33, 'c')],
        first,
        undefined,
        new Map([[33, SERVER_CLIENT_OWNER]]),
      )
    ).lastUpdateId;
    // Claiming an id one already owns again changes nothing.
    await storage.appendBatch(
      id,
      [{ updates: [typedAs(11, 'd')], author: first }],
      new Map([[11, first.userId]]),
    );
    const owners = new Map([
      [11, first.userId],
      [22, second.userId],
      [33, SERVER_CLIENT_OWNER],
    ]);
    expect(await storage.loadClientIds(id)).toEqual(owners);
    await storage.compact(id, typedAs(11, 'compacted'), last);
    expect(await storage.loadClientIds(id)).toEqual(owners);
    expect(await storage.loadClientIds(other)).toEqual(new Map());
  });

  it('refuses a commit that claims another owner’s id, storing nothing of it', async () => {
    const { storage, createDocument } = await fresh();
    const id = await createDocument();
    await storage.appendBatch(
      id,
      [{ updates: [typedAs(11, 'a')], author: first }],
      new Map([[11, first.userId]]),
    );
    const before = await storage.load(id);
    const taken = new Map([
      [44, second.userId],
      [11, second.userId],
    ]);
    await expect(
      storage.appendBatch(id, [{ updates: [typedAs(44, 'x')], author: second }], taken),
    ).rejects.toBeInstanceOf(StorageWriteError);
    await expect(
      storage.appendUpdates(id, [typedAs(44, 'x')], second, undefined, taken),
    ).rejects.toBeInstanceOf(StorageWriteError);
    expect(await storage.load(id)).toEqual(before);
    expect(await storage.loadClientIds(id)).toEqual(new Map([[11, first.userId]]));
  });

  it('passes an id of the unknown owner to the first who claims it, and then keeps it theirs', async () => {
    const { storage, createDocument } = await fresh();
    const id = await createDocument();
    await storage.appendBatch(
      id,
      [{ updates: [typedAs(55, 'old')], author: first }],
      new Map([[55, UNKNOWN_CLIENT_OWNER]]),
    );
    await storage.appendBatch(
      id,
      [{ updates: [typedAs(66, 'y')], author: second }],
      new Map([[55, second.userId]]),
    );
    expect((await storage.loadClientIds(id)).get(55)).toBe(second.userId);
    await expect(
      storage.appendBatch(
        id,
        [{ updates: [typedAs(77, 'z')], author: first }],
        new Map([[55, first.userId]]),
      ),
    ).rejects.toBeInstanceOf(StorageWriteError);
    expect((await storage.loadClientIds(id)).get(55)).toBe(second.userId);
  });
}
