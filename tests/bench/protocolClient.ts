/**
 * A lean y-websocket protocol client for load generation: it speaks the
 * standard protocol (sync step 1 / step 2 / update, awareness) over `ws`
 * exactly like the stock provider, but hands received updates to a callback
 * instead of keeping a replica of the document, so one process can play
 * hundreds of clients.
 */
import type { Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;

export interface ProtocolClientOptions {
  url: string;
  cookie?: string;
  /** The client's own document: its state vector is sent in step 1 and the server's step 1 is answered from it. */
  doc?: Y.Doc;
  /** Every update received (the step-2 answer and each broadcast update). */
  onUpdate?: (update: Uint8Array, at: number) => void;
}

export class ProtocolClient {
  readonly ws: WebSocket;
  readonly doc: Y.Doc;
  /** The server answered our step 1. */
  synced = false;
  /** Closed without us asking (a dropped connection). */
  dropped = false;
  closeCode: number | undefined;
  updatesReceived = 0;
  awarenessReceived = 0;
  private closing = false;
  private awarenessClock = 0;
  private readonly syncedPromise: Promise<void>;

  constructor(private readonly options: ProtocolClientOptions) {
    this.doc = options.doc ?? new Y.Doc();
    this.ws = new WebSocket(options.url, {
      headers: options.cookie ? { cookie: options.cookie } : {},
      perMessageDeflate: false,
    });
    this.syncedPromise = new Promise((resolve, reject) => {
      const onMessage = () => {
        if (this.synced) {
          this.ws.off('message', onMessage);
          resolve();
        }
      };
      this.ws.on('message', (data: Buffer) => this.receive(data));
      this.ws.on('message', onMessage);
      this.ws.once('error', reject);
      this.ws.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)));
    });
    // Handled here so a client nobody awaits cannot crash the run; whenSynced() still rejects.
    this.syncedPromise.catch(() => undefined);
    this.ws.once('open', () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      this.ws.send(encoding.toUint8Array(encoder));
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      if (!this.closing) this.dropped = true;
    });
    this.ws.on('error', () => undefined);
  }

  /** Resolves once the server answered our step 1 (the client holds the whole document). */
  whenSynced(): Promise<void> {
    return this.syncedPromise;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendUpdate(update: Uint8Array): void {
    if (!this.isOpen) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.ws.send(encoding.toUint8Array(encoder));
  }

  /**
   * Sends many updates back to back — one writer typing as fast as it can
   * send: each its own WebSocket message (as `sendUpdate`), written to the
   * TCP socket `batch` messages at a time (corked: one system call for a
   * batch, not one per message; a send loop of 260,000 messages otherwise took
   * the load generator about 3 s, longer than the server took to process them).
   */
  sendUpdates(updates: readonly Uint8Array[], batch = 1000): void {
    const socket = (this.ws as unknown as { _socket: Socket })._socket;
    for (let start = 0; start < updates.length; start += batch) {
      socket.cork();
      for (let i = start; i < Math.min(updates.length, start + batch); i++) this.sendUpdate(updates[i]!);
      socket.uncork();
    }
  }

  /** Sends this client's presence (one awareness entry for its doc's client id). */
  sendPresence(state: Record<string, unknown>): void {
    if (!this.isOpen) return;
    const entry = encoding.createEncoder();
    encoding.writeVarUint(entry, 1);
    encoding.writeVarUint(entry, this.doc.clientID);
    encoding.writeVarUint(entry, ++this.awarenessClock);
    encoding.writeVarString(entry, JSON.stringify(state));
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(entry));
    this.ws.send(encoding.toUint8Array(encoder));
  }

  close(): void {
    this.closing = true;
    this.ws.close();
  }

  /** Drops the connection at once (no closing handshake with a server that may be far behind). */
  terminate(): void {
    this.closing = true;
    this.ws.terminate();
  }

  /** Resolves when the socket is closed (after `close()` or a drop). */
  closed(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  private receive(data: Buffer): void {
    const at = performance.now();
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const messageType = decoding.readVarUint(decoder);
    if (messageType === MESSAGE_AWARENESS) {
      this.awarenessReceived++;
      return;
    }
    if (messageType !== MESSAGE_SYNC) return;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SYNC_STEP1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, SYNC_STEP2);
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
      this.ws.send(encoding.toUint8Array(encoder));
      return;
    }
    const update = decoding.readVarUint8Array(decoder);
    if (syncType === SYNC_STEP2) this.synced = true;
    else this.updatesReceived++;
    this.options.onUpdate?.(update, at);
  }
}

/** Opens `count` clients, `parallel` at a time, each synced before it counts as open. */
export async function openClients(
  count: number,
  make: (index: number) => ProtocolClient,
  parallel = 50,
): Promise<ProtocolClient[]> {
  const clients: ProtocolClient[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => make(start + i));
    clients.push(...batch);
    await Promise.all(batch.map((client) => client.whenSynced()));
  }
  return clients;
}

/** Closes every client and waits for the sockets to close. */
export async function closeClients(clients: readonly ProtocolClient[]): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(clients.map((client) => client.closed()));
}
