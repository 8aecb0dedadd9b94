import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * How a stored Yjs state (a compacted document state or a version's frozen
 * state) is kept in its BLOB column. Rows written before compression existed
 * are `raw`; new ones are `deflate` (a Yjs state of mostly text shrinks to
 * about 40 %; inflating a 300 KB state takes about a millisecond).
 */
export type StateEncoding = 'raw' | 'deflate';

/** Level 1 for states rewritten at every compaction; higher for versions, written once and kept. */
export type CompressionLevel = 1 | 6;

export function packState(
  state: Uint8Array,
  level: CompressionLevel,
): { bytes: Buffer; encoding: StateEncoding } {
  return { bytes: deflateRawSync(state, { level }), encoding: 'deflate' };
}

export function unpackState(bytes: Buffer, encoding: string): Uint8Array {
  if (encoding === 'raw') return new Uint8Array(bytes);
  if (encoding === 'deflate') return new Uint8Array(inflateRawSync(bytes));
  throw new Error(`unknown state encoding ${encoding}`);
}
