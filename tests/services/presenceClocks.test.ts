/**
 * Presence relayed between instances whose clocks differ. Each instance
 * stamps presence entries with its own clock (PresenceClaims.nextClock), and
 * a join renumbers every state it sends the newcomer — remote ones too — with
 * that instance's clock. An entry the owning instance stamped with a lower
 * clock (a host behind, or stamped before the join) must still be applied:
 * a caret moved on A shows on B, whatever B's clock says.
 */

import * as decoding from 'lib0/decoding';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisBus } from '../../server/src/collab/bus';
import { PresenceClaims } from '../../server/src/collab/presenceClaims';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { migratePostgres } from '../../server/src/store/postgres/migrations';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { type Instance, InstanceClient, instanceLogger, stopInstance } from '../support/instances';
import { awarenessMessage } from '../support/rawCollab';
import { createDatabase } from '../support/services/postgres';
import { waitFor } from '../support/waitFor';

let databaseUrl: string;
const running: Instance[] = [];

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), `presence_clocks_${process.pid}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migratePostgres(pool);
  await pool.end();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((instance) => stopInstance(instance)));
});

/** An instance whose clock is `skewMs` ahead of this host's, on this file's channels. */
async function instanceWithClock(name: string, skewMs: number): Promise<Instance> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const bus = new RedisBus({
    url: inject('redisUrl'),
    logger: instanceLogger,
    channelPrefix: `presence-clocks-${process.pid}`,
  });
  await bus.ready(10_000);
  const rooms = new RoomRegistry(new PgDocumentStorage(pool), instanceLogger, {
    compactAfterUpdates: 40,
    unloadDelayMs: 60_000,
    bus,
    presenceClaims: new PresenceClaims(0, () => Date.now() + skewMs),
  });
  const instance = { name, pool, storage: new PgDocumentStorage(pool), bus, rooms, alive: true };
  running.push(instance);
  return instance;
}

/** PL's client announces `state` on A (as its provider's awareness message would). */
function announce(
  instance: Instance,
  documentId: string,
  client: InstanceClient,
  clock: number,
  state: object,
) {
  const room = instance.rooms.get(documentId);
  const connection = client.connection;
  if (!room || !connection) throw new Error('not connected');
  const decoder = decoding.createDecoder(awarenessMessage([{ clientId: client.doc.clientID, clock, state }]));
  decoding.readVarUint(decoder); // the message type
  const payload = decoding.readVarUint8Array(decoder);
  room.queue.run(() => room.presence.receive(connection, payload));
}

describe('presence between instances with different clocks', () => {
  it('a caret moved on A shows on B after a join on B renumbered it with B’s clock, a minute ahead', async () => {
    const a = await instanceWithClock('A', 0);
    const b = await instanceWithClock('B', 60_000);
    const documentId = 'doc-presence-clocks';
    const onB = new InstanceClient('HU');
    onB.connect(b, documentId);
    await waitFor(() => b.rooms.get(documentId)?.connections.size === 1, { what: 'B open' });
    const onA = new InstanceClient('PL');
    onA.connect(a, documentId);
    await waitFor(() => a.rooms.get(documentId)?.connections.size === 1, { what: 'A open' });
    const cursorOnB = () =>
      (
        b.rooms.get(documentId)?.awareness.getStates().get(onA.doc.clientID) as
          | { cursor?: number }
          | undefined
      )?.cursor;

    announce(a, documentId, onA, 1, { cursor: 1 });
    await waitFor(() => cursorOnB() === 1, { what: 'the first caret on B' });
    // Someone joins on B: B sends them every state, PL's too, renumbered with B's clock.
    const joining = new InstanceClient('CZ');
    joining.connect(b, documentId);
    await waitFor(() => b.rooms.get(documentId)?.connections.size === 2, { what: 'the join on B' });
    const roomB = b.rooms.get(documentId);
    const connection = joining.connection;
    if (!roomB || !connection) throw new Error('setup');
    await roomB.queue.run(() => roomB.presence.sendAllTo(connection));
    expect(roomB.awareness.meta.get(onA.doc.clientID)?.clock).toBeGreaterThan(Date.now() + 30_000);

    announce(a, documentId, onA, 2, { cursor: 2 });
    await waitFor(() => cursorOnB() === 2, { what: 'the moved caret on B' });
    // Further moves keep arriving.
    announce(a, documentId, onA, 3, { cursor: 3 });
    await waitFor(() => cursorOnB() === 3, { what: 'the caret moved again on B' });
  });
});
