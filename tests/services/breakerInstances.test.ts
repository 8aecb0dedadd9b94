import { CloseCode } from '@draftroom/shared';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { type BusMessage, type Delivered, RedisBus } from '../../server/src/collab/bus';
import { docFromStoredState } from '../../server/src/collab/documentStorage';
import { DEFAULT_ROOM_QUEUE_LIMITS } from '../../server/src/collab/roomQueue';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { handmadeUpdate } from '../support/handmadeUpdate';
import {
  documentText,
  type Instance,
  InstanceClient,
  instanceLogger,
  instancesStoppedAfterEach,
  receiveAsSocket,
  typeInto,
} from '../support/instances';
import { awarenessMessage, syncUpdateMessage } from '../support/rawCollab';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { waitFor } from '../support/waitFor';

/**
 * Adversarial review of the multi-instance core (issue 15): two collaboration
 * cores over one PostgreSQL and one Redis, a hostile delegate on one of them.
 */

const database = migratedDatabase('breaker_instances');
const running = instancesStoppedAfterEach();
let testNumber = 0;

/**
 * An instance as tests/support/instances.ts starts one, but whose periodic
 * store check is far apart (so only what the test does makes it catch up),
 * and whose inbound bus messages pass `drop` first.
 */
async function instance(
  name: string,
  prefix: string,
  drop: (message: Delivered<BusMessage>) => boolean = () => false,
  compactAfterUpdates = 1000,
): Promise<Instance> {
  // Named, so a test can tell this instance's sessions apart in PostgreSQL (pg_stat_activity, triggers).
  const pool = new pg.Pool({
    connectionString: database.url(),
    max: 4,
    application_name: `${prefix}-${name}`,
  });
  const storage = new PgDocumentStorage(pool);
  const bus = new RedisBus({
    url: inject('redisUrl'),
    logger: instanceLogger,
    channelPrefix: prefix,
    dropInbound: drop,
  });
  await bus.ready(10_000);
  const rooms = new RoomRegistry(storage, instanceLogger, {
    compactAfterUpdates,
    unloadDelayMs: 60_000,
    bus,
    storeCheckIntervalMs: 600_000,
    // The server's default (PRESENCE_FLUSH_MS); with 0, see breakerPresenceBus.test.ts.
    presenceFlushMs: 50,
  });
  const started = { name, pool, storage, bus, rooms, alive: true };
  running.push(started);
  return started;
}

/** Sends `message` on `client`'s connection, as its socket would (a room operation; refusals close it). */
function sendMessage(client: InstanceClient, message: Uint8Array): void {
  const { connection, room } = client;
  if (!connection || !room) throw new Error('not connected');
  receiveAsSocket(message, connection, room);
}

/** Sends `update` on `client`'s connection as a sync update. */
function sendRaw(client: InstanceClient, update: Uint8Array): void {
  sendMessage(client, syncUpdateMessage(update));
}

/** Two items of new clients, each waiting for the other (Yjs keeps both pending): refused with 4409 after a reload. */
function dependencyCycle(origin: Y.ID): Uint8Array {
  const [first, second] = [917_001, 917_002];
  return handmadeUpdate([
    {
      client: first,
      clock: 0,
      structs: [{ content: { string: 'a' }, origin, rightOrigin: Y.createID(second, 0) }],
    },
    {
      client: second,
      clock: 0,
      structs: [{ content: { string: 'b' }, origin, rightOrigin: Y.createID(first, 0) }],
    },
  ]);
}

/** The id of the last unit `client` wrote in `doc`. */
function lastUnitOf(doc: Y.Doc, client: number): Y.ID {
  const last = doc.store.clients.get(client)?.at(-1);
  if (!last) throw new Error(`nothing of client ${client}`);
  return Y.createID(client, last.id.clock + last.length - 1);
}

async function storedText(storage: PgDocumentStorage, documentId: string): Promise<string> {
  return documentText(docFromStoredState(await storage.load(documentId)));
}

describe('breaker: a room that reloads from the shared store', () => {
  it('sends its clients what another instance committed and the reload brought in (else they never see it)', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    let dropUpdates = false;
    const a = await instance('a', prefix, (message) => dropUpdates && message.type === 'update');
    const b = await instance('b', prefix);
    const documentId = `doc-reload-${testNumber}`;
    const watcher = new InstanceClient('PL');
    const writer = new InstanceClient('HU');
    const hostile = new InstanceClient('XX');
    watcher.connect(a, documentId);
    hostile.connect(a, documentId);
    writer.connect(b, documentId);
    typeInto(watcher, 'base;');
    typeInto(writer, 'w0;');
    await waitFor(() => watcher.text().includes('w0;') && writer.text().includes('base;'), {
      what: 'both instances serving both clients',
    });

    // B commits an edit whose bus message A loses (pub/sub delivers at most once).
    dropUpdates = true;
    const dropsBefore = a.bus.stats().simulatedDrops;
    typeInto(writer, 'missed;');
    await waitFor(async () => (await storedText(b.storage, documentId)).includes('missed;'), {
      what: 'the edit stored by B',
    });
    await waitFor(() => a.bus.stats().simulatedDrops > dropsBefore, {
      what: 'its message lost on the way to A',
    });
    dropUpdates = false;

    // A hostile delegate on A sends an update Yjs cannot integrate: A refuses it and reloads from the store.
    const roomA = a.rooms.get(documentId);
    if (!roomA) throw new Error('no room on A');
    sendRaw(hostile, dependencyCycle(lastUnitOf(roomA.doc, watcher.doc.clientID)));
    await waitFor(() => hostile.closes.includes(CloseCode.ResyncRequired), {
      what: 'the hostile update refused',
    });
    await waitFor(() => documentText(roomA.doc).includes('missed;'), { what: 'A reloaded (with B’s edit)' });

    // B goes on typing; A applies it and relays it.
    typeInto(writer, 'after;');
    await waitFor(() => documentText(roomA.doc).includes('after;'), { what: 'B’s next edit applied on A' });
    const stored = await storedText(b.storage, documentId);
    expect(writer.text()).toBe(stored);
    // The watcher on A must come to hold what is stored. It never does: it was never sent 'missed;', so
    // 'after;' (typed after it) stays pending in its document, and so does everything B types there from now on.
    await waitFor(() => watcher.text() === stored, {
      timeoutMs: 5_000,
      what: 'the watcher on A converged',
    }).catch(() => undefined);
    expect({ text: watcher.text(), pending: watcher.doc.store.pendingStructs !== null }).toEqual({
      text: stored,
      pending: false,
    });
  });
});

/** The user id the room's presence shows for awareness client `clientId` (undefined: none shown). */
function shownUser(instance: Instance, documentId: string, clientId: number): string | undefined {
  const state = instance.rooms.get(documentId)?.awareness.getStates().get(clientId) as
    | { user?: { userId?: string } }
    | undefined;
  return state?.user?.userId;
}

describe('breaker: presence across instances', () => {
  it('a delegate on B cannot take over, then remove, the presence id of a delegate connected to A', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    const a = await instance('a', prefix);
    const b = await instance('b', prefix);
    const documentId = `doc-presence-${testNumber}`;
    const victim = new InstanceClient('PL');
    const hostile = new InstanceClient('XX');
    const marker = new InstanceClient('CZ');
    victim.connect(a, documentId);
    hostile.connect(b, documentId);
    marker.connect(b, documentId);
    const VICTIM_ID = 424_242;
    const MARKER_ID = 515_151;
    sendMessage(victim, awarenessMessage([{ clientId: VICTIM_ID, clock: 1, state: { cursor: 'victim' } }]));
    await waitFor(
      () =>
        shownUser(a, documentId, VICTIM_ID) === 'user-PL' &&
        shownUser(b, documentId, VICTIM_ID) === 'user-PL',
      {
        what: 'the victim’s presence on both instances',
      },
    );

    /** Publishes a presence change from B and waits until A has applied it: what B published before is applied too. */
    let markerClock = 0;
    const flushBtoA = async () => {
      markerClock++;
      sendMessage(
        marker,
        awarenessMessage([{ clientId: MARKER_ID, clock: markerClock, state: { n: markerClock } }]),
      );
      await waitFor(
        () =>
          (a.rooms.get(documentId)?.awareness.getStates().get(MARKER_ID) as { n?: number } | undefined)?.n ===
          markerClock,
        { what: `marker ${markerClock} on A` },
      );
    };

    // The hostile delegate on B announces the victim's id as its own.
    sendMessage(
      hostile,
      awarenessMessage([{ clientId: VICTIM_ID, clock: 1, state: { cursor: 'hijacked' } }]),
    );
    await flushBtoA();
    expect.soft(shownUser(a, documentId, VICTIM_ID)).toBe('user-PL');
    expect.soft(shownUser(b, documentId, VICTIM_ID)).toBe('user-PL');

    // It leaves: its removal must not remove the victim, still connected to A.
    hostile.disconnect();
    await flushBtoA();
    expect(victim.connected).toBe(true);
    expect(shownUser(a, documentId, VICTIM_ID)).toBe('user-PL');
  });
});

/** An administrative connection to the test database (to stall and break it the way an outage would). */
async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url() });
  await client.connect();
  return client;
}

describe('breaker: a room that cannot reload after a failed commit', () => {
  it('closes the sockets whose join was waiting (4503) instead of leaving them open on the broken room', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    const a = await instance('a', prefix);
    const documentId = `doc-broken-${testNumber}`;
    const admin = await adminClient();
    const locker = await adminClient();
    try {
      const writer = new InstanceClient('PL');
      writer.connect(a, documentId);
      typeInto(writer, 'one;');
      await waitFor(async () => (await storedText(a.storage, documentId)).includes('one;'), {
        what: 'one; stored',
      });
      const room = a.rooms.get(documentId);
      if (!room) throw new Error('no room');

      // PostgreSQL stalls: another transaction holds the document's head row, so the next commit waits.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM document_heads WHERE document_id = $1 FOR UPDATE', [documentId]);
      typeInto(writer, 'two;');
      await waitFor(() => room.queue.isBusy, { what: 'the commit of two; in flight' });
      // Someone opens the document meanwhile: their join waits in the room's queue.
      const late = new InstanceClient('CZ');
      late.connect(a, documentId);
      expect(room.queue.size).toBeGreaterThan(0);

      // Then the commit fails, and so does the reload after it (the store cannot be read).
      await admin.query(
        "CREATE OR REPLACE FUNCTION breaker_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'write refused'; END $$ LANGUAGE plpgsql",
      );
      await admin.query(
        `CREATE TRIGGER breaker_refuse_${testNumber} BEFORE INSERT ON document_updates FOR EACH ROW
         WHEN (NEW.document_id = '${documentId}') EXECUTE FUNCTION breaker_refuse()`,
      );
      await admin.query(
        "INSERT INTO document_states (document_id, state, state_encoding, last_update_id) VALUES ($1, '\\x00', 'unreadable', 1)",
        [documentId],
      );
      await locker.query('ROLLBACK');
      await waitFor(() => writer.closes.includes(CloseCode.StorageUnavailable), {
        what: 'the writer refused (4503)',
      });
      await waitFor(() => room.broken !== null, { what: 'the room broken down' });

      // Every socket of the broken room is closed with 4503 — including the one whose join was waiting.
      await waitFor(() => late.closes.length > 0, { timeoutMs: 3_000, what: 'the late socket closed' }).catch(
        () => undefined,
      );
      expect.soft(late.closes).toEqual([CloseCode.StorageUnavailable]);

      // The store comes back. The late socket is still open, was never sent the document, and what it
      // types goes to the broken (by then destroyed) room: never stored, and it never hears from the room
      // that replaced it — a split brain its client cannot see.
      await admin.query(`DROP TRIGGER breaker_refuse_${testNumber} ON document_updates`);
      await admin.query('DELETE FROM document_states WHERE document_id = $1', [documentId]);
      const fresh = new InstanceClient('HU');
      fresh.connect(a, documentId);
      typeInto(fresh, 'fresh;');
      await waitFor(async () => (await storedText(a.storage, documentId)).includes('fresh;'), {
        what: 'fresh; stored',
      });
      if (late.connected) {
        typeInto(late, 'late;');
        await waitFor(async () => (await storedText(a.storage, documentId)).includes('late;'), {
          timeoutMs: 3_000,
          what: 'late; stored',
        }).catch(() => undefined);
        await waitFor(() => late.text().includes('fresh;'), {
          timeoutMs: 3_000,
          what: 'fresh; on the late socket',
        }).catch(() => undefined);
        expect.soft(late.text()).toContain('fresh;');
        expect.soft(await storedText(a.storage, documentId)).toContain('late;');
      }
    } finally {
      await locker.end();
      await admin.query(`DROP TRIGGER IF EXISTS breaker_refuse_${testNumber} ON document_updates`);
      await admin.query('DELETE FROM document_states WHERE document_id = $1', [documentId]);
      await admin.end();
    }
  });
});

describe('breaker: what other instances publish while a room is busy', () => {
  it('waits within the room queue’s bounds (RoomQueueLimits), like a client’s messages', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    const a = await instance('a', prefix);
    const b = await instance('b', prefix);
    const documentId = `doc-flood-${testNumber}`;
    const locker = await adminClient();
    try {
      const writer = new InstanceClient('PL');
      const talker = new InstanceClient('HU');
      writer.connect(a, documentId);
      talker.connect(b, documentId);
      typeInto(writer, 'base;');
      await waitFor(() => talker.text().includes('base;'), { what: 'both instances serving the document' });
      const room = a.rooms.get(documentId);
      if (!room) throw new Error('no room on A');

      // PostgreSQL stalls A's next commit (a transaction holds the head row): A's room is busy meanwhile.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM document_heads WHERE document_id = $1 FOR UPDATE', [documentId]);
      typeInto(writer, 'stalled;');
      await waitFor(() => room.queue.isBusy, { what: 'A’s commit in flight' });

      // A delegate on B moves its caret: every presence change reaches A over the bus and waits in A's room.
      const limit = DEFAULT_ROOM_QUEUE_LIMITS.maxOperations;
      const deliveredBefore = a.bus.stats().delivered;
      let sent = 0;
      while (sent < limit + 1_000) {
        for (let n = 0; n < 500; n++) {
          sent++;
          sendMessage(
            talker,
            awarenessMessage([{ clientId: 616_161, clock: sent, state: { cursor: sent } }]),
          );
        }
        const target = deliveredBefore + sent;
        await waitFor(() => a.bus.stats().delivered >= target, {
          what: `${sent} presence messages delivered to A`,
        });
      }
      expect(room.queue.size).toBeLessThanOrEqual(limit);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});

describe('breaker: Yjs client ids claimed on another instance', () => {
  it('a delegate on A writing under the client id of a delegate on B is refused alone (4400); a co-typer is not closed', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    let dropUpdates = false;
    const a = await instance('a', prefix, (message) => dropUpdates && message.type === 'update');
    const b = await instance('b', prefix);
    const documentId = `doc-clientid-${testNumber}`;
    const locker = await adminClient();
    try {
      const honest = new InstanceClient('CZ');
      const hostile = new InstanceClient('XX');
      const victim = new InstanceClient('PL');
      honest.connect(a, documentId);
      hostile.connect(a, documentId);
      victim.connect(b, documentId);
      typeInto(honest, 'honest;');
      await waitFor(() => victim.text().includes('honest;'), { what: 'both instances serving the document' });

      // The victim, on B, types under its own Yjs client id (its owner recorded by B's commit); A misses it.
      dropUpdates = true;
      typeInto(victim, 'victim;');
      await waitFor(async () => (await storedText(b.storage, documentId)).includes('victim;'), {
        what: 'the victim’s words stored',
      });
      dropUpdates = false;
      // A reads owners after applying content of an id it knows no owner of (RoomDocument.refreshOwners):
      // that read is slow now (PostgreSQL busy with the owners table).
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE document_client_ids IN ACCESS EXCLUSIVE MODE');
      typeInto(victim, 'again;');
      await waitFor(() => hostile.text().includes('again;') && honest.text().includes('victim;'), {
        what: 'A caught up with the victim’s words',
      });

      // In one turn on A: the honest delegate types, and the hostile one continues the victim's text under
      // the victim's client id.
      const forged = new Y.Doc();
      Y.applyUpdate(forged, Y.encodeStateAsUpdate(hostile.doc));
      forged.clientID = victim.doc.clientID;
      const updates: Uint8Array[] = [];
      forged.on('update', (update: Uint8Array) => updates.push(update));
      const victimText = forged
        .getXmlFragment('content')
        .toArray()
        .flatMap((section) => (section as Y.XmlElement).toArray())
        .map((clause) => ((clause as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText)
        .find((text) => text.toString().includes('victim;'));
      if (!victimText) throw new Error('no victim text');
      victimText.insert(victimText.length, 'forged;');
      typeInto(honest, 'more;');
      sendRaw(hostile, updates[0] as Uint8Array);
      await waitFor(() => hostile.closes.length > 0 || a.rooms.get(documentId)?.queue.isBusy, {
        what: 'the forged update refused, or A’s commit of the turn in flight',
      });
      await locker.query('ROLLBACK');

      await waitFor(() => hostile.closes.length > 0, { what: 'the hostile delegate refused' });
      expect.soft(hostile.closes).toEqual([CloseCode.MalformedMessage]);
      await waitFor(async () => (await storedText(a.storage, documentId)).includes('more;'), {
        timeoutMs: 3_000,
        what: 'the honest delegate’s words stored',
      }).catch(() => undefined);
      expect(honest.closes).toEqual([]);
      expect(await storedText(a.storage, documentId)).not.toContain('forged;');
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});

describe('breaker: a delegate switching instances while a commit is stalled', () => {
  it('their words typed before and after the switch are stored once each; every replica converges', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    const a = await instance('a', prefix);
    const b = await instance('b', prefix);
    const documentId = `doc-switch-${testNumber}`;
    const locker = await adminClient();
    try {
      const mover = new InstanceClient('PL');
      const onA = new InstanceClient('HU');
      const onB = new InstanceClient('CZ');
      mover.connect(a, documentId);
      onA.connect(a, documentId);
      onB.connect(b, documentId);
      typeInto(mover, 'before;');
      await waitFor(() => onB.text().includes('before;'), { what: 'both instances serving the document' });
      const roomA = a.rooms.get(documentId);
      if (!roomA) throw new Error('no room on A');

      // PostgreSQL stalls every commit of the document; the mover types on A, its connection drops, and
      // it goes on typing through B.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM document_heads WHERE document_id = $1 FOR UPDATE', [documentId]);
      typeInto(mover, 'during;');
      await waitFor(() => roomA.queue.isBusy, { what: 'A’s commit of during; in flight' });
      mover.disconnect();
      mover.connect(b, documentId);
      typeInto(mover, 'after;');
      typeInto(onA, 'onA;');
      typeInto(onB, 'onB;');
      await locker.query('ROLLBACK');

      const expected = ['before;', 'during;', 'after;', 'onA;', 'onB;'];
      const stored = await waitFor(
        async () => {
          const text = await storedText(a.storage, documentId);
          return expected.every((token) => text.includes(token)) ? text : undefined;
        },
        { what: 'every token stored' },
      );
      for (const token of expected) expect(stored.split(token)).toHaveLength(2);
      await waitFor(() => [mover, onA, onB].every((client) => client.text() === stored), {
        what: 'every replica holding the stored document',
      });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});

describe('breaker: catching up through a compacted store while typing', () => {
  it('A misses every commit of B while B compacts; A’s own clients type meanwhile; all converge, each token once', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    let dropUpdates = false;
    const a = await instance('a', prefix, (message) => dropUpdates && message.type === 'update');
    const b = await instance('b', prefix, () => false, 4);
    const documentId = `doc-compacted-${testNumber}`;
    const onA = new InstanceClient('PL');
    const onB = new InstanceClient('HU');
    onA.connect(a, documentId);
    onB.connect(b, documentId);
    typeInto(onA, 'a-start;');
    typeInto(onB, 'b-start;');
    await waitFor(() => onA.text().includes('b-start;') && onB.text().includes('a-start;'), {
      what: 'both instances serving the document',
    });

    dropUpdates = true;
    const typed: string[] = ['a-start;', 'b-start;'];
    for (let n = 0; n < 30; n++) {
      const held = b.rooms.get(documentId)?.storedUpToUpdateId ?? 0;
      typeInto(onB, `b${n};`);
      typeInto(onA, `a${n};`);
      typed.push(`b${n};`, `a${n};`);
      await waitFor(() => (b.rooms.get(documentId)?.storedUpToUpdateId ?? 0) > held, {
        what: `b${n}; stored`,
      });
    }
    const compactions = await a.pool.query<{ last_update_id: string }>(
      'SELECT last_update_id FROM document_states WHERE document_id = $1',
      [documentId],
    );
    expect(Number(compactions.rows[0]?.last_update_id ?? 0)).toBeGreaterThan(0);
    dropUpdates = false;
    typeInto(onB, 'b-end;');
    typed.push('b-end;');

    const stored = await waitFor(
      async () => {
        const text = await storedText(a.storage, documentId);
        if (!typed.every((token) => text.includes(token))) return undefined;
        return onA.text() === text && onB.text() === text ? text : undefined;
      },
      { timeoutMs: 20_000, what: 'every token stored and on both clients' },
    );
    for (const token of typed) expect(stored.split(token)).toHaveLength(2);
  });
});

describe('breaker: a reload after a failed commit, when a delegate’s words reached the store through another instance', () => {
  it('the clients of the reloading instance are sent those words too (not only what followed them)', async () => {
    const prefix = `breaker-${process.pid}-${++testNumber}`;
    const a = await instance('a', prefix);
    const b = await instance('b', prefix);
    const documentId = `doc-moved-${testNumber}`;
    const admin = await adminClient();
    const held: pg.PoolClient[] = [];
    try {
      const watcher = new InstanceClient('HU');
      const mover = new InstanceClient('PL');
      watcher.connect(a, documentId);
      mover.connect(a, documentId);
      typeInto(mover, 'x0;');
      await waitFor(
        async () =>
          (await storedText(a.storage, documentId)).includes('x0;') && watcher.text().includes('x0;'),
        {
          what: 'x0; stored and on the watcher',
        },
      );
      const roomA = a.rooms.get(documentId);
      if (!roomA) throw new Error('no room on A');

      // A's connections to PostgreSQL are all taken: the commit of the mover's next words waits for one.
      for (let n = 0; n < 4; n++) held.push(await a.pool.connect());
      typeInto(mover, 'moved;');
      await waitFor(() => roomA.queue.isBusy, { what: 'A’s commit of moved; waiting' });

      // The mover's connection to A drops; it reconnects through B, which stores moved; and what it types next.
      mover.disconnect();
      mover.connect(b, documentId);
      typeInto(mover, 'next;');
      await waitFor(async () => (await storedText(b.storage, documentId)).includes('moved;next;'), {
        what: 'moved;next; stored through B',
      });

      // A's commit then fails (its writes are refused): A reloads from the store.
      await admin.query(
        "CREATE OR REPLACE FUNCTION breaker_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'write refused'; END $$ LANGUAGE plpgsql",
      );
      await admin.query(
        `CREATE TRIGGER breaker_refuse_${testNumber} BEFORE INSERT ON document_updates FOR EACH ROW
         WHEN (current_setting('application_name') = '${prefix}-a') EXECUTE FUNCTION breaker_refuse()`,
      );
      for (const client of held.splice(0)) client.release();
      await waitFor(() => documentText(roomA.doc).includes('moved;next;') && !roomA.queue.isBusy, {
        what: 'A reloaded',
      });

      const stored = await storedText(b.storage, documentId);
      await waitFor(() => watcher.text() === stored, {
        timeoutMs: 5_000,
        what: 'the watcher converged',
      }).catch(() => undefined);
      expect({ text: watcher.text(), pending: watcher.doc.store.pendingStructs !== null }).toEqual({
        text: stored,
        pending: false,
      });
    } finally {
      for (const client of held.splice(0)) client.release();
      await admin.query(`DROP TRIGGER IF EXISTS breaker_refuse_${testNumber} ON document_updates`);
      await admin.end();
    }
  });
});
