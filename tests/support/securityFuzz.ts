import { MessageType, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { clauseParagraphText } from './collabClient';
import { awarenessMessage, syncStep1Message, syncUpdateMessage, updateFrom } from './rawCollab';
import { awarenessEntries, syncStep2Message } from './securityHarness';

/** A small deterministic PRNG (mulberry32): the fuzz run is reproducible from its seed. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256));
  }
}

const bytesOf = (...parts: (number | Uint8Array | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'number' ? [part] : [...part])));

const varUint = (value: number): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
};

/** Ten 0xff bytes: a varint that never ends within 53 bits. */
export const VARINT_OVERFLOW = new Uint8Array(10).fill(0xff);

/** A pool of valid messages against `base` (a mirror of the server's document). */
export function validMessages(base: Y.Doc, rng: Rng): Uint8Array[] {
  const pool: Uint8Array[] = [syncStep1Message(base), syncStep1Message(new Y.Doc()), bytesOf(3)];
  for (let i = 0; i < 12; i++) {
    const text = `{fuzz-${i}-${rng.int(1e6)}}`;
    const update = updateFrom(base, (doc) => clauseParagraphText(doc, rng.int(5)).insert(rng.int(10), text));
    pool.push(syncUpdateMessage(update));
    pool.push(bytesOf(MessageType.Sync, SyncMessageType.Step2, varUint(update.length), update));
    const deletion = updateFrom(base, (doc) =>
      clauseParagraphText(doc, rng.int(5)).delete(rng.int(5), 1 + rng.int(8)),
    );
    pool.push(syncUpdateMessage(deletion));
  }
  const local = new Y.Doc();
  Y.applyUpdate(local, Y.encodeStateAsUpdate(base));
  local.getMap('meta').set('injected', 'by the fuzzer');
  pool.push(syncStep2Message(local, Y.encodeStateVector(base)));
  local.destroy();
  for (let i = 0; i < 6; i++) {
    const state = rng.pick([{}, null, { cursor: { anchor: rng.int(100) } }, { user: { name: 'Forged' } }]);
    pool.push(awarenessMessage([{ clientId: 1 + rng.int(2 ** 31), clock: rng.int(50), state }]));
  }
  return pool;
}

/** The message split as the server reads it: `[type][sub?][length][payload][rest]`, when it has that shape. */
function framed(message: Uint8Array): { head: Uint8Array; payload: Uint8Array } | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.Sync) decoding.readVarUint(decoder);
    else if (type !== MessageType.Awareness) return undefined;
    const head = message.slice(0, decoder.pos);
    return { head, payload: decoding.readVarUint8Array(decoder) };
  } catch {
    return undefined;
  }
}

function awarenessPayloadFuzz(rng: Rng): Uint8Array {
  const entry = (json: string) =>
    bytesOf(
      varUint(rng.int(2 ** 31)),
      varUint(rng.int(9)),
      varUint(json.length),
      new TextEncoder().encode(json),
    );
  const payloads = [
    bytesOf(1, entry('{"cursor":')), // not JSON
    bytesOf(1, entry('[1,2,3]')), // not an object
    bytesOf(1, entry('"text"')),
    bytesOf(1, entry('42')),
    bytesOf(varUint(20_000), entry('{}')), // too many entries
    bytesOf(VARINT_OVERFLOW),
    bytesOf(2, entry('{}')), // fewer entries than announced
    bytesOf(1, entry('{}'), 7), // trailing bytes
    bytesOf(1, entry(`{"big":"${'x'.repeat(17 * 1024)}"}`)), // a state above 16 KiB
    bytesOf(1, varUint(5), varUint(1), VARINT_OVERFLOW),
  ];
  const payload = rng.pick(payloads);
  return bytesOf(MessageType.Awareness, varUint(payload.length), payload);
}

/** Kinds of malformed messages; each fuzz message is one of them (counted per kind). */
export const FUZZ_KINDS = [
  'random bytes',
  'bit flips',
  'truncation',
  'varint overflow',
  'wrong length',
  'top-level type 0..10',
  'sync subtype 0..5',
  'trailing bytes',
  'text frame',
  'awareness payload',
  'oversize frame',
  'valid message',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** One fuzz message of `kind`, built from the valid `pool`; `n` cycles through types and subtypes. */
export function fuzzMessage(
  kind: FuzzKind,
  n: number,
  rng: Rng,
  pool: Uint8Array[],
  maxBytes: number,
): Uint8Array | string {
  const valid = rng.pick(pool);
  switch (kind) {
    case 'random bytes':
      return rng.bytes(rng.int(65));
    case 'bit flips': {
      const flipped = valid.slice();
      for (let i = 0, flips = 1 + rng.int(4); i < flips; i++) {
        const at = rng.int(flipped.length);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << rng.int(8));
      }
      return flipped;
    }
    case 'truncation':
      return valid.slice(0, rng.int(valid.length));
    case 'varint overflow': {
      const at = rng.int(Math.min(valid.length, 4) + 1);
      return bytesOf(valid.slice(0, at), VARINT_OVERFLOW, valid.slice(at));
    }
    case 'wrong length': {
      const parts = framed(valid) ?? framed(pool[3] as Uint8Array);
      if (!parts) throw new Error('no framed message in the pool');
      const lengths = [
        parts.payload.length + 1,
        parts.payload.length + 1000,
        Math.max(0, parts.payload.length - 1),
        0,
        2 ** 31,
        2 ** 53 - 1,
      ];
      return bytesOf(parts.head, varUint(rng.pick(lengths)), parts.payload);
    }
    case 'top-level type 0..10':
      return bytesOf(varUint(n % 11), rng.bytes(rng.int(24)));
    case 'sync subtype 0..5': {
      const payload = rng.next() < 0.5 ? rng.bytes(rng.int(24)) : (framed(valid)?.payload ?? rng.bytes(8));
      return bytesOf(MessageType.Sync, varUint(n % 6), varUint(payload.length), payload);
    }
    case 'trailing bytes':
      return bytesOf(valid, rng.bytes(1 + rng.int(8)));
    case 'text frame':
      return rng.pick([
        '{"type":"sync"}',
        '',
        'hello',
        '\u0000\u0001',
        JSON.stringify({ update: [...valid.slice(0, 8)] }),
      ]);
    case 'awareness payload':
      return awarenessPayloadFuzz(rng);
    case 'oversize frame':
      return bytesOf(valid, new Uint8Array(maxBytes + 1 - valid.length + rng.int(64)));
    case 'valid message':
      return valid;
  }
}

/** What the protocol says must happen to a message: an exact close code, or it depends on the content. */
export interface Expectation {
  /** The close code the server must use; null: it must not close; undefined: it depends. */
  closeCode: number | null | undefined;
  /** Presence-query replies the message itself causes. */
  queryReplies: number;
  /** A well-framed sync update/step 2 whose payload decodes as a Yjs update: it might change the text. */
  mayEdit: boolean;
}

/** Reads `message` the way the y-websocket protocol defines it (independently of the server's code). */
export function expectationOf(message: Uint8Array | string, maxBytes: number): Expectation {
  const result = (closeCode: number | null | undefined, mayEdit = false, queryReplies = 0) => ({
    closeCode,
    mayEdit,
    queryReplies,
  });
  const size = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
  if (size > maxBytes) return result(1009);
  if (typeof message === 'string') return result(4400);
  const decoder = decoding.createDecoder(message);
  try {
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.QueryAwareness)
      return decoding.hasContent(decoder) ? result(4400) : result(null, false, 1);
    if (type !== MessageType.Sync && type !== MessageType.Awareness) return result(4415);
    if (type === MessageType.Awareness) {
      const length = decoding.readVarUint(decoder);
      if (length > decoder.arr.length - decoder.pos) return result(4400);
      decoding.readUint8Array(decoder, length);
      return decoding.hasContent(decoder) ? result(4400) : result(undefined);
    }
    const sub = decoding.readVarUint(decoder);
    if (sub > SyncMessageType.Update) return result(4400);
    const length = decoding.readVarUint(decoder);
    if (length > decoder.arr.length - decoder.pos) return result(4400);
    const payload = decoding.readUint8Array(decoder, length);
    if (decoding.hasContent(decoder)) return result(4400);
    if (sub === SyncMessageType.Step1) return result(undefined);
    try {
      Y.decodeUpdate(payload);
      return result(undefined, true);
    } catch {
      return result(4400);
    }
  } catch {
    return result(4400);
  }
}

/**
 * A raw fuzzing socket. Counts the presence-query replies it receives (an
 * awareness message naming every id in `marker`), so the test can tell when
 * the server has handled everything sent before a query.
 */
export class FuzzSocket {
  closeCode: number | undefined;
  queryReplies = 0;
  private wake: () => void = () => {};

  private constructor(
    readonly ws: WebSocket,
    marker: readonly number[],
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary && data[0] === MessageType.Awareness) {
        const ids = new Set(awarenessEntries([new Uint8Array(data)]).map((entry) => entry.clientId));
        if (marker.every((id) => ids.has(id))) this.queryReplies++;
      }
      this.wake();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  /**
   * Opens a socket, asks for everyone's presence and waits for it (the first
   * "reply"). A socket that announces no presence of its own is sent it on
   * join only after PRESENCE_JOIN_WAIT_MS, unless it asks, as here.
   */
  static async open(url: string, cookie: string, marker: readonly number[]): Promise<FuzzSocket> {
    const ws = new WebSocket(url, { headers: { cookie } });
    // Listen before `open`: the server's first frames may be emitted in the same tick.
    const socket = new FuzzSocket(ws, marker);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(Uint8Array.from([MessageType.QueryAwareness]));
    await socket.until(() => socket.queryReplies >= 1, 'presence on join');
    return socket;
  }

  /** Resolves once `condition` holds (checked whenever something arrives); fails after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fuzz socket: timed out waiting for ${what}`)),
        timeoutMs,
      );
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.wake = () => {};
        resolve();
      };
      this.wake = check;
      check();
    });
  }

  /** Sends `message`, then a presence query; resolves when the server answered the query or closed. */
  async exchange(message: Uint8Array | string, expectedReplies: number): Promise<void> {
    const target = this.queryReplies + expectedReplies + 1;
    this.ws.send(message, { binary: typeof message !== 'string' });
    this.ws.send(Uint8Array.from([MessageType.QueryAwareness]));
    await this.until(
      () => this.closeCode !== undefined || this.queryReplies >= target,
      'the server to answer or close',
    );
  }

  close(): void {
    this.ws.close();
  }
}
