import type { Socket } from 'node:net';
import { MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { SyncDocumentStorage } from '../../server/src/collab/documentStorage';
import { contentOf } from './collabClient';
import { waitFor } from './waitFor';

/** The outcome of a WebSocket upgrade the server refused with a plain HTTP response. */
export interface RefusedUpgrade {
  status: number;
  body: string;
  /** Whether the socket ever opened (it must not). */
  opened: boolean;
  /** WebSocket messages received (there must be none). */
  messages: number;
}

/** Attempts an upgrade that is expected to be refused; resolves with the HTTP status and body. */
export function attemptRefusedUpgrade(url: string, headers: Record<string, string>): Promise<RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let opened = false;
    let messages = 0;
    ws.on('open', () => {
      opened = true;
      ws.terminate();
      reject(new Error(`upgrade to ${url} was accepted`));
    });
    ws.on('message', () => {
      messages++;
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, opened, messages }));
    });
  });
}

/**
 * A raw `ws` client on a collaboration socket: records every frame it receives
 * and the close code, and mirrors the document (sync step 2 and updates) into
 * `doc` without ever sending anything it is not told to.
 */
export interface RawCollabSocket {
  ws: WebSocket;
  /** Every binary frame received, in order. */
  messages: Uint8Array[];
  /** Every sync step-2 / update payload received, in order. */
  syncUpdates: Uint8Array[];
  /** The document as this socket saw it (only after `requestFullState`). */
  doc: Y.Doc;
  /** The close code once closed. */
  closeCode: number | undefined;
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(data: Uint8Array | string): void;
  /** Sends sync step 1 with an empty state vector: the server answers with the whole document. */
  requestFullState(): Promise<void>;
  close(): void;
}

export function openRawSocket(
  wsUrl: string,
  documentId: string,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<RawCollabSocket> {
  const ws = new WebSocket(`${wsUrl}/collab/${documentId}`, { headers: { cookie, ...headers } });
  const doc = new Y.Doc();
  let resolveClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => {
    resolveClosed = resolve;
  });
  const socket: RawCollabSocket = {
    ws,
    messages: [],
    syncUpdates: [],
    doc,
    closeCode: undefined,
    closed,
    send(data) {
      ws.send(data, { binary: typeof data !== 'string' });
    },
    async requestFullState() {
      const before = socket.syncUpdates.length;
      socket.send(syncStep1Message(new Y.Doc()));
      await waitFor(() => socket.syncUpdates.length > before, { what: 'sync step 2 on raw socket' });
    },
    close() {
      ws.close();
      doc.destroy();
    },
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const bytes = new Uint8Array(data);
    socket.messages.push(bytes);
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== MessageType.Sync) return;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SyncMessageType.Step2 || syncType === SyncMessageType.Update) {
      const update = decoding.readVarUint8Array(decoder);
      socket.syncUpdates.push(update);
      Y.applyUpdate(doc, update);
    }
  });
  ws.on('close', (code: number) => {
    socket.closeCode = code;
    resolveClosed(code);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with ${response.statusCode}`)),
    );
  });
}

/** `[Sync, Step1, stateVector]` for `doc`. */
export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** `[Sync, Update, update]`. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness message with hand-written entries `[clientId, clock, stateJson]`. */
export function awarenessMessage(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const payload = encoding.createEncoder();
  encoding.writeVarUint(payload, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(payload, entry.clientId);
    encoding.writeVarUint(payload, entry.clock);
    encoding.writeVarString(payload, JSON.stringify(entry.state));
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(payload));
  return encoding.toUint8Array(encoder);
}

/** The incremental update `change` produces on a copy of `base` (a Y.Doc mirroring the server). */
export function updateFrom(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  const updates: Uint8Array[] = [];
  copy.on('update', (update: Uint8Array) => updates.push(update));
  change(copy);
  copy.destroy();
  return Y.mergeUpdates(updates);
}

/** A Y.Doc holding what `storage` has stored for `documentId` (state, then updates). */
export function loadStoredDoc(storage: SyncDocumentStorage, documentId: string): Y.Doc {
  const stored = storage.load(documentId);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.state) Y.applyUpdate(doc, stored.state);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** The stored document's content and its full re-encoded state, for "unchanged" checks. */
export function storedSnapshot(
  storage: SyncDocumentStorage,
  documentId: string,
): { content: string; state: string } {
  const doc = loadStoredDoc(storage, documentId);
  const snapshot = {
    content: contentOf(doc),
    state: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64'),
  };
  doc.destroy();
  return snapshot;
}

/** A small deterministic PRNG (mulberry32), for reproducible "random" bytes. */
export function seededBytes(seed: number, length: number): Uint8Array {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/**
 * The TCP socket under a `ws` socket, client or server side (to freeze it like
 * a stopped process or a reader that does not read, or to count its bytes).
 */
export function tcpOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** Stops reading the socket: nothing received is processed (pings go unanswered), writes still go out. */
export function pauseReading(ws: WebSocket): void {
  tcpOf(ws).pause();
}

/** Reads the socket again after `pauseReading`. */
export function resumeReading(ws: WebSocket): void {
  tcpOf(ws).resume();
}
