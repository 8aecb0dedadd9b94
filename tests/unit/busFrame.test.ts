import { describe, expect, it } from 'vitest';
import { type BusMessage, checkMessage, decodeFrame, encodeFrame } from '../../server/src/collab/bus';
import { BusFrameError, BusMessageError } from '../../server/src/errors';

/**
 * The bus frame: every message type survives encoding, the Yjs bytes are
 * carried as they are, and whatever is not exactly a frame of the format
 * (truncated, padded, oversized, random) is refused with BusFrameError and
 * nothing else.
 */

const CAP = 64 * 1024;

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const samples: BusMessage[] = [
  { type: 'update', documentId: 'doc-1', previousUpdateId: 41, lastUpdateId: 42, update: bytes(300) },
  { type: 'update', documentId: 'doc-1', previousUpdateId: 0, lastUpdateId: 2 ** 40, update: null },
  { type: 'presence', documentId: 'doc-1', payload: bytes(80, 7) },
  {
    type: 'notice',
    documentId: 'doc-1',
    notice: { kind: 'role-changed', role: 'observer', message: 'Your role is now observer — “read only”.' },
  },
  { type: 'locks', documentId: 'doc-1', clauseId: 'clause-3', locked: true },
  { type: 'locks', documentId: 'doc-1', clauseId: 'clause-3', locked: false },
  { type: 'access', userId: 'user-9', documentId: null, kind: 'signed-out' },
  { type: 'access', userId: 'user-9', documentId: 'doc-2', kind: 'role-removed' },
  { type: 'access', userId: 'user-9', documentId: 'doc-2', kind: 'role-changed' },
];

describe('bus frames', () => {
  it('carry every message type and the origin exactly', () => {
    for (const message of samples) {
      const decoded = decodeFrame(encodeFrame('instance-a', message), CAP);
      expect(decoded).toEqual({ ...message, origin: 'instance-a' });
    }
  });

  it('carry Yjs bytes as they are: an update frame is its bytes plus a few dozen', () => {
    const update = bytes(100_000);
    const frame = encodeFrame('instance-a', {
      type: 'update',
      documentId: 'doc-1',
      previousUpdateId: 1,
      lastUpdateId: 2,
      update,
    });
    expect(frame.length).toBeLessThan(update.length + 40);
  });

  it('decode into copies that do not share the received buffer', () => {
    const frame = encodeFrame('instance-a', samples[0]!);
    const decoded = decodeFrame(frame, CAP);
    frame.fill(0);
    expect(decoded).toEqual({ ...samples[0], origin: 'instance-a' });
  });

  it('refuse every truncation and any byte after the last field', () => {
    for (const message of samples) {
      const frame = encodeFrame('instance-a', message);
      for (let length = 0; length < frame.length; length++)
        expect(() => decodeFrame(frame.subarray(0, length), CAP)).toThrow(BusFrameError);
      const padded = new Uint8Array(frame.length + 1);
      padded.set(frame);
      expect(() => decodeFrame(padded, CAP)).toThrow(/after the last field/);
    }
  });

  it('refuse a frame over the cap, another version, an unknown type, a flag that is not 0 or 1', () => {
    const frame = encodeFrame('instance-a', samples[0]!);
    expect(() => decodeFrame(frame, frame.length - 1)).toThrow(/exceeds the cap/);
    expect(decodeFrame(frame, frame.length).type).toBe('update');
    expect(() => decodeFrame(Uint8Array.of(2, ...frame.subarray(1)), CAP)).toThrow(/version/);
    expect(() => decodeFrame(Uint8Array.of(1, 9, ...frame.subarray(2)), CAP)).toThrow(/unknown message type/);
    const locks = encodeFrame('instance-a', samples[4]!);
    locks[locks.length - 1] = 2;
    expect(() => decodeFrame(locks, CAP)).toThrow(/flag/);
    const access = encodeFrame('instance-a', samples[6]!);
    access[access.length - 1] = 3;
    expect(() => decodeFrame(access, CAP)).toThrow(/access change kind/);
  });

  it('refuse fields out of range: bad UTF-8, an empty id, a notice that is not an object with a kind, ids out of order', () => {
    const badUtf8 = Uint8Array.of(1, 4, 1, 0xff, 1, 0x61, 1, 0x62, 1);
    expect(() => decodeFrame(badUtf8, CAP)).toThrow(/UTF-8/);
    const emptyOrigin = encodeFrame('', samples[4]!);
    expect(() => decodeFrame(emptyOrigin, CAP)).toThrow(/origin/);
    for (const notice of [[1, 2], 'text', null, { role: 'observer' }])
      expect(() =>
        decodeFrame(encodeFrame('a', { type: 'notice', documentId: 'd', notice: notice as never }), CAP),
      ).toThrow(/notice/);
    const backwards = encodeFrame('a', {
      type: 'update',
      documentId: 'd',
      previousUpdateId: 5,
      lastUpdateId: 5,
      update: null,
    });
    expect(() => decodeFrame(backwards, CAP)).toThrow(/lastUpdateId/);
  });

  it('turn random bytes into BusFrameError and nothing else', () => {
    let decoded = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const garbage = bytes(1 + (seed % 97), seed);
      if (seed % 3 === 0) garbage[0] = 1;
      if (seed % 6 === 0) garbage[1] = 1 + (seed % 5);
      try {
        decodeFrame(garbage, CAP);
        decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(BusFrameError);
      }
    }
    expect(decoded).toBeLessThan(3000);
  });
});

describe('checkMessage (before publishing)', () => {
  it('accepts the samples', () => {
    for (const message of samples) expect(() => checkMessage(message)).not.toThrow();
  });

  it('refuses what a receiver would refuse, with BusMessageError', () => {
    const invalid: unknown[] = [
      { type: 'update', documentId: '', previousUpdateId: 0, lastUpdateId: 1, update: null },
      { type: 'update', documentId: 'd', previousUpdateId: -1, lastUpdateId: 1, update: null },
      { type: 'update', documentId: 'd', previousUpdateId: 3, lastUpdateId: 2, update: null },
      { type: 'update', documentId: 'd', previousUpdateId: 0, lastUpdateId: 1.5, update: null },
      { type: 'locks', documentId: 'd', clauseId: 'x'.repeat(513), locked: true },
      { type: 'notice', documentId: 'd', notice: { seq: 1 } },
      { type: 'access', userId: 'u', documentId: null, kind: 'promoted' },
    ];
    for (const message of invalid) expect(() => checkMessage(message as BusMessage)).toThrow(BusMessageError);
  });
});
