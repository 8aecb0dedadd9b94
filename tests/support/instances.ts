/**
 * Several collaboration cores ("instances") over one PostgreSQL and one Redis,
 * in the test process: each is a real RoomRegistry with its own connection
 * pool (PgDocumentStorage) and its own RedisBus, as a server process would
 * hold them; clients are Yjs documents speaking the y-websocket protocol to a
 * room over an in-memory socket (the Connection and message handling are the
 * server's own). Used by tests/services/instances*.test.ts.
 */
import { ID_ATTR, MessageType, NodeName, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import { afterEach } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type BusOptions, RedisBus } from '../../server/src/collab/bus';
import { Connection } from '../../server/src/collab/connection';
import { receiveMessage } from '../../server/src/collab/messageReceiver';
import type { Room } from '../../server/src/collab/room';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { CollabRefusal } from '../../server/src/errors';
import { createLogger } from '../../server/src/logger';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { MemorySocket } from './memorySocket';
import { delegateProfile } from './roomClients';

export const instanceLogger = createLogger('silent');

/** One server instance's collaboration core. */
export interface Instance {
  name: string;
  pool: pg.Pool;
  storage: PgDocumentStorage;
  bus: RedisBus;
  rooms: RoomRegistry;
  /** False once killed: it takes no message and sends nothing more. */
  alive: boolean;
}

/** Starts an instance on the database at `databaseUrl` and the Redis at `redisUrl` (channels under `prefix`). */
export async function startInstance(
  name: string,
  databaseUrl: string,
  redisUrl: string,
  prefix: string,
  busOptions: Partial<BusOptions> = {},
): Promise<Instance> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const storage = new PgDocumentStorage(pool);
  const bus = new RedisBus({ url: redisUrl, logger: instanceLogger, channelPrefix: prefix, ...busOptions });
  await bus.ready(10_000);
  const rooms = new RoomRegistry(storage, instanceLogger, {
    compactAfterUpdates: 40,
    unloadDelayMs: 60_000,
    bus,
    storeCheckIntervalMs: 200,
  });
  return { name, pool, storage, bus, rooms, alive: true };
}

/** Shuts an instance down the orderly way: clients closed, rooms compacted, bus and pool closed. */
export async function stopInstance(instance: Instance): Promise<void> {
  if (!instance.alive) return;
  instance.alive = false;
  await instance.rooms.closeAll(1001, 'test over');
  await instance.bus.close();
  await instance.pool.end();
}

/**
 * The instances a test file's tests start: push each one started; after each
 * test every one still alive is stopped ({@link stopInstance}) and the list
 * emptied. Call at the file's top level (it registers an `afterEach`).
 */
export function instancesStoppedAfterEach(): Instance[] {
  const running: Instance[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((instance) => stopInstance(instance)));
  });
  return running;
}

/**
 * Kills an instance the way `kill -9` would: nothing it has not committed is
 * stored, its sockets drop without a close handshake, nothing is compacted.
 */
export async function killInstance(instance: Instance): Promise<void> {
  instance.alive = false;
  const rooms = [...instance.rooms.openRooms];
  for (const room of rooms) {
    for (const connection of room.connections) connection.socket.terminate();
    room.destroy();
  }
  await instance.bus.close();
  await instance.pool.end().catch(() => undefined);
}

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * A delegate's editor: a Y.Doc connected to one instance's room at a time
 * (`connect`), sending its own changes as sync updates and applying what the
 * room sends. Messages travel on later event-loop turns, as over a network.
 */
export class InstanceClient {
  readonly doc = new Y.Doc();
  connection: Connection | null = null;
  room: Room | null = null;
  instance: Instance | null = null;
  /** Close codes this client's sockets were closed with, in order. */
  readonly closes: number[] = [];

  constructor(readonly code: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.send(syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)));
    });
  }

  /** Connects to `documentId` on `instance`: sync step 1 both ways, as the y-websocket provider does. */
  connect(instance: Instance, documentId: string): void {
    const socket = new MemorySocket();
    const connection = new Connection(
      socket,
      delegateProfile(this.code),
      'drafter',
      '127.0.0.1',
      instanceLogger,
    );
    const room = instance.rooms.open(documentId);
    const send = socket.send.bind(socket);
    socket.send = (bytes, done) => {
      send(bytes, done);
      setImmediate(() => {
        if (this.connection === connection && instance.alive) this.receive(bytes);
      });
    };
    socket.on('close', (code) => {
      this.closes.push(code);
      room.leave(connection);
      if (this.connection === connection) this.connection = null;
    });
    this.connection = connection;
    this.room = room;
    this.instance = instance;
    // As collabServer joins a socket: queued, and closed with the room if it breaks down meanwhile.
    room.enqueueJoin(connection, () => true);
    this.send(syncMessage((encoder) => syncProtocol.writeSyncStep1(encoder, this.doc)));
  }

  /** True while connected to a live instance. */
  get connected(): boolean {
    return this.connection?.isOpen === true && this.instance?.alive === true;
  }

  /** Drops the connection (as a network failure would); the doc keeps everything. */
  disconnect(): void {
    this.connection?.socket.terminate();
    this.connection = null;
  }

  private send(message: Uint8Array): void {
    const { connection, room, instance } = this;
    if (!connection || !room || !instance?.alive) return;
    setImmediate(() => {
      if (!connection.isOpen || !instance.alive) return;
      receiveAsSocket(message, connection, room);
    });
  }

  private receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.Sync) return;
    const type = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (type === SyncMessageType.Step1) {
      this.send(syncMessage((encoder) => syncProtocol.writeSyncStep2(encoder, this.doc, payload)));
    } else {
      Y.applyUpdate(this.doc, payload, this);
    }
  }

  /** Every clause's text of the client's document (documentText). */
  text(): string {
    return documentText(this.doc);
  }
}

/** The paragraph each client types into (created on first use). */
const ownTexts = new WeakMap<InstanceClient, Y.XmlText>();

/**
 * Appends `words` to the client's own clause `cl-<code>` (in a section of its
 * own, created on first use): one update, as a keystroke is.
 */
export function typeInto(client: InstanceClient, words: string): void {
  let text = ownTexts.get(client);
  if (!text) {
    const section = new Y.XmlElement(NodeName.section);
    const clause = new Y.XmlElement(NodeName.clause);
    const paragraph = new Y.XmlElement(NodeName.paragraph);
    text = new Y.XmlText('');
    paragraph.insert(0, [text]);
    clause.insert(0, [paragraph]);
    section.insert(0, [clause]);
    client.doc.transact(() => {
      const content = client.doc.getXmlFragment('content');
      content.insert(content.length, [section]);
      section.setAttribute(ID_ATTR, `sec-${client.code.toLowerCase()}`);
      clause.setAttribute(ID_ATTR, clauseIdOf(client));
    });
    ownTexts.set(client, text);
  }
  text.insert(text.length, words);
}

/** The id of the clause `typeInto` types into for `client`. */
export function clauseIdOf(client: InstanceClient): string {
  return `cl-${client.code.toLowerCase()}`;
}

/** Every clause's text of a document, in document order, joined by newlines. */
export function documentText(doc: Y.Doc): string {
  const texts: string[] = [];
  for (const section of doc.getXmlFragment('content').toArray()) {
    if (!(section instanceof Y.XmlElement)) continue;
    for (const clause of section.toArray()) {
      if (!(clause instanceof Y.XmlElement)) continue;
      texts.push(
        clause
          .toArray()
          .map((paragraph) => (paragraph instanceof Y.XmlElement ? paragraph.toArray().join('') : ''))
          .join(''),
      );
    }
  }
  return texts.join('\n');
}

/**
 * Hands `message` to the room as a client's socket would: in the room's
 * queue, and a refusal (CollabRefusal) closes the connection with its code.
 */
export function receiveAsSocket(message: Uint8Array, connection: Connection, room: Room): void {
  room.queue.run(() => {
    try {
      receiveMessage(message, connection, room);
    } catch (error) {
      if (!(error instanceof CollabRefusal)) throw error;
      connection.refuse(error.closeCode, error.message);
    }
  }, message.byteLength);
}
