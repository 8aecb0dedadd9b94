import { CloseCode } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState, MemoryDocumentStorage } from '../../server/src/collab/documentStorage';
import { CollabRefusal } from '../../server/src/errors';
import { handmadeUpdate } from '../support/handmadeUpdate';
import {
  endOfTurn,
  joinRoom,
  openTestRoom,
  paragraphTexts,
  syncUpdatesIn,
  typedParagraph,
} from '../support/roomClients';
import { waitFor } from '../support/waitFor';

/** Two clients whose items each wait for the other's. */
const CYCLE = [987_654, 987_655] as const;

/** The texts of a document's paragraphs, sorted (the order concurrent paragraphs land in is Yjs's). */
function paragraphsOf(doc: Y.Doc): string[] {
  return paragraphTexts(doc).sort();
}

describe('an update Yjs cannot integrate, after others in the same turn', () => {
  it('is refused (4409); the turn’s earlier changes are stored and sent once the room reloaded, nothing of the refused one', async () => {
    const storage = new MemoryDocumentStorage();
    const room = await openTestRoom(storage);
    const pen = joinRoom(room, 'EU');
    const reader = joinRoom(room, 'CZ');
    const first = joinRoom(room, 'PL');
    const second = joinRoom(room, 'HU');
    room.applyClientUpdate(typedParagraph('Agreed words', 11), pen.connection);
    await endOfTurn();
    reader.socket.sent.length = 0;
    const storedBefore = storage.countUpdates('doc');

    // One turn: two valid changes of two senders, then two items each
    // waiting for the other (a dependency cycle): they pass the checks, and
    // Yjs keeps both pending.
    room.applyClientUpdate(typedParagraph('Poland ', 21), first.connection);
    room.applyClientUpdate(typedParagraph('Hungary ', 22), second.connection);
    const last = room.doc.store.clients.get(11)?.at(-1) as Y.Item;
    const origin = Y.createID(11, last.id.clock + last.length - 1);
    const refused = handmadeUpdate([
      {
        client: CYCLE[0],
        clock: 0,
        structs: [{ content: { string: 'a' }, origin, rightOrigin: Y.createID(CYCLE[1], 0) }],
      },
      {
        client: CYCLE[1],
        clock: 0,
        structs: [{ content: { string: 'b' }, origin, rightOrigin: Y.createID(CYCLE[0], 0) }],
      },
    ]);
    let error: unknown;
    try {
      room.applyClientUpdate(refused, second.connection);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CollabRefusal);
    expect((error as CollabRefusal).closeCode).toBe(CloseCode.ResyncRequired);

    // Nothing sent with the refusal; once the room has reloaded from storage, the earlier changes are
    // stored and sent, without the refused item.
    expect(syncUpdatesIn(reader.socket.sent)).toHaveLength(0);
    await waitFor(() => storage.countUpdates('doc') === storedBefore + 2, {
      what: 'the earlier changes stored',
    });
    await waitFor(() => syncUpdatesIn(reader.socket.sent).length > 0, { what: 'the earlier changes sent' });
    expect(syncUpdatesIn(reader.socket.sent)).toHaveLength(1);
    const expected = ['Agreed words', 'Hungary ', 'Poland '];
    expect(paragraphsOf(room.doc)).toEqual(expected);
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(paragraphsOf(docFromStoredState(storage.load('doc')))).toEqual(expected);
    const received = new Y.Doc();
    for (const update of storage.load('doc').updates.slice(0, storedBefore)) Y.applyUpdate(received, update);
    for (const update of syncUpdatesIn(reader.socket.sent)) Y.applyUpdate(received, update);
    expect(paragraphsOf(received)).toEqual(expected);
    expect(Y.encodeStateVector(received)).toEqual(Y.encodeStateVector(room.doc));

    // The room goes on: nothing more is stored at the end of the turn.
    await endOfTurn();
    expect(storage.countUpdates('doc')).toBe(storedBefore + 2);
    room.destroy();
  });
});
