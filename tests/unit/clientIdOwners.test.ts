import { CloseCode } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ClientIdOwners,
  contentClientIdsOf,
  newContentClients,
  SERVER_CLIENT_OWNER,
  UNKNOWN_CLIENT_OWNER,
} from '../../server/src/collab/clientIdOwners';
import { UpdateIndex } from '../../server/src/collab/updateIndex';
import { decodeClientUpdate } from '../../server/src/collab/updateInspection';
import { CollabRefusal } from '../../server/src/errors';
import { handmadeUpdate } from '../support/handmadeUpdate';

const ALICE = 'user-alice';
const BORIS = 'user-boris';

/** A document with `text` typed under `clientId` into the root text `t`. */
function docTypedBy(clientId: number, text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getText('t').insert(0, text);
  return doc;
}

function refusalOf(action: () => unknown): CollabRefusal {
  try {
    action();
  } catch (error) {
    if (error instanceof CollabRefusal) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('ClientIdOwners', () => {
  it('gives an unowned id to the first writer and refuses everyone else, the server’s ids included (4400)', () => {
    const owners = new ClientIdOwners();
    owners.loaded(new Map([[7, SERVER_CLIENT_OWNER]]), new Y.Doc());
    expect(owners.check([1, 2], ALICE)).toEqual([1, 2]);
    owners.claim([1, 2], ALICE);
    expect(owners.check([1, 2], ALICE)).toEqual([]);
    const other = refusalOf(() => owners.check([3, 2], BORIS));
    expect(other.closeCode).toBe(CloseCode.MalformedMessage);
    expect(other.message).toMatch(/client id 2 belongs to another person/);
    expect(refusalOf(() => owners.check([7], ALICE)).message).toMatch(/client id 7 is the server's own/);
    expect(owners.check([3], BORIS)).toEqual([3]);
  });

  it('lets the first writer take an id whose author was unknown, and then only them', () => {
    const owners = new ClientIdOwners();
    owners.loaded(new Map([[5, UNKNOWN_CLIENT_OWNER]]), new Y.Doc());
    expect(owners.check([5], ALICE)).toEqual([5]);
    owners.claim([5], ALICE);
    expect(owners.ownerOf(5)).toBe(ALICE);
    expect(refusalOf(() => owners.check([5], BORIS)).message).toMatch(/belongs to another person/);
  });

  it('caps the ids one person holds: an update that would go past it is refused whole, others are unaffected', () => {
    const owners = new ClientIdOwners(3);
    owners.loaded(new Map([[1, ALICE]]), new Y.Doc());
    expect(refusalOf(() => owners.check([2, 3, 4], ALICE)).message).toMatch(/1 held, at most 3/);
    owners.claim(owners.check([2, 3], ALICE), ALICE);
    expect(refusalOf(() => owners.check([4], ALICE)).closeCode).toBe(CloseCode.MalformedMessage);
    // Writing on under the ids already held is not limited; another person has their own allowance.
    expect(owners.check([1, 2, 3], ALICE)).toEqual([]);
    expect(owners.check([4, 5, 6], BORIS)).toEqual([4, 5, 6]);
    // Taking an unknown id counts too.
    owners.loaded(new Map([[9, UNKNOWN_CLIENT_OWNER]]), new Y.Doc());
    owners.claim([1, 2, 3], ALICE);
    expect(refusalOf(() => owners.check([9], ALICE)).message).toMatch(/at most 3/);
  });

  it('hands each claim to exactly one commit', () => {
    const owners = new ClientIdOwners();
    owners.loaded(new Map(), new Y.Doc());
    owners.claim([1], ALICE);
    owners.claim([2], BORIS);
    const first = owners.store((claims) => claims);
    expect([...(first ?? [])]).toEqual([
      [1, ALICE],
      [2, BORIS],
    ]);
    expect(owners.store((claims) => claims)).toBeUndefined();
    // Claiming an id already one's own records nothing new.
    owners.claim([1], ALICE);
    expect(owners.store((claims) => claims)).toBeUndefined();
  });

  it('after a reload keeps the claims not stored yet, unless storage gave the id to someone else', () => {
    const owners = new ClientIdOwners();
    owners.loaded(new Map(), new Y.Doc());
    owners.claim([1, 2], ALICE);
    owners.loaded(
      new Map([
        [2, BORIS],
        [3, BORIS],
      ]),
      new Y.Doc(),
    );
    expect(owners.ownerOf(1)).toBe(ALICE);
    expect(owners.ownerOf(2)).toBe(BORIS);
    expect(owners.ownerOf(3)).toBe(BORIS);
    expect([...(owners.store((claims) => claims) ?? [])]).toEqual([[1, ALICE]]);
  });

  it('records the room’s own client id as the server’s, and moves the room off an id that is taken', () => {
    const owners = new ClientIdOwners();
    const doc = new Y.Doc();
    const taken = doc.clientID;
    owners.loaded(new Map([[taken, ALICE]]), doc);
    expect(doc.clientID).not.toBe(taken);
    owners.claimServerId();
    expect(owners.ownerOf(doc.clientID)).toBe(SERVER_CLIENT_OWNER);
    expect(refusalOf(() => owners.check([doc.clientID], ALICE)).message).toMatch(/server's own/);

    // An id with content nobody recorded is not the server's to write under either.
    const withContent = docTypedBy(4242, 'typed by someone');
    owners.loaded(new Map(), withContent);
    expect(withContent.clientID).not.toBe(4242);

    // A client claiming the room's current (unused) id moves the room off it.
    const room = new Y.Doc();
    owners.loaded(new Map(), room);
    const before = room.clientID;
    owners.claim([before], BORIS);
    expect(room.clientID).not.toBe(before);
  });
});

describe('the client ids an update writes under', () => {
  it('are those of new items and GC structs: not skips, not deletions, not structs the document has', () => {
    const doc = docTypedBy(100, 'abc');
    const update = handmadeUpdate(
      [
        // Known (clocks 0–2 of 100) and new from clock 3 on.
        { client: 100, clock: 0, structs: [{ content: { string: 'abcd' }, parent: 't' }] },
        { client: 200, clock: 0, structs: [{ gc: 2 }] },
        { client: 300, clock: 0, structs: [{ skip: 4 }] },
      ],
      [{ client: 400, clock: 0, len: 1 }],
    );
    expect(newContentClients(new UpdateIndex(doc, decodeClientUpdate(update))).sort()).toEqual([100, 200]);
    const known = handmadeUpdate([
      { client: 100, clock: 0, structs: [{ content: { string: 'abc' }, parent: 't' }] },
    ]);
    expect(newContentClients(new UpdateIndex(doc, decodeClientUpdate(known)))).toEqual([]);
    expect(contentClientIdsOf(update)).toEqual(new Set([100, 200]));
  });
});
