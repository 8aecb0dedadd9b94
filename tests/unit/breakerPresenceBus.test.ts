import { describe, expect, it } from 'vitest';
import { LocalBus, LocalBusHub } from '../../server/src/collab/bus';
import { asyncStorage, MemoryDocumentStorage } from '../../server/src/collab/documentStorage';
import { receiveMessage } from '../../server/src/collab/messageReceiver';
import { Room } from '../../server/src/collab/room';
import { awarenessMessage } from '../support/rawCollab';
import { joinRoom, silentLogger } from '../support/roomClients';
import { waitFor } from '../support/waitFor';

/**
 * Adversarial review of the room's link to other instances (roomBusLink.ts):
 * presence removals with presence relayed at once (PRESENCE_FLUSH_MS=0, which
 * the configuration allows and the instances harness uses).
 */
describe('breaker: a presence removal on an instance with a bus and PRESENCE_FLUSH_MS=0', () => {
  it('leaving does not throw, and the other instance stops showing the one who left', async () => {
    const hub = new LocalBusHub();
    const storage = asyncStorage(new MemoryDocumentStorage());
    const rooms = [0, 1].map(
      () =>
        new Room('doc', storage, silentLogger, {
          compactAfterUpdates: 1000,
          presenceFlushMs: 0,
          bus: new LocalBus({ logger: silentLogger, hub }),
        }),
    ) as [Room, Room];
    try {
      await Promise.all(rooms.map((room) => room.loaded));
      const [here, there] = rooms;
      const delegate = joinRoom(here, 'PL');
      receiveMessage(
        awarenessMessage([{ clientId: 4242, clock: 1, state: { cursor: null } }]),
        delegate.connection,
        here,
      );
      await waitFor(() => there.awareness.getStates().has(4242), {
        what: 'the presence on the other instance',
      });

      // The socket closes: collabServer's close handler calls room.leave, then rooms.released.
      expect(() => here.leave(delegate.connection)).not.toThrow();
      await waitFor(() => !there.awareness.getStates().has(4242), {
        timeoutMs: 2_000,
        what: 'the removal on the other instance',
      });
    } finally {
      for (const room of rooms) room.destroy();
    }
  });
});
