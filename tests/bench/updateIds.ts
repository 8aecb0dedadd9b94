/**
 * Which inserted characters an update carries, as (client, clock, length)
 * ranges — the key that ties a receipt to its send, on one clock. A fast
 * path reads the header of the common one-struct string update; anything
 * else (merged updates from several writers) goes through Y.parseUpdateMeta.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

export interface InsertedRange {
  client: number;
  clock: number;
  length: number;
}

const CONTENT_STRING = 4;
const HAS_ORIGIN = 0b1000_0000;
const HAS_RIGHT_ORIGIN = 0b0100_0000;
const HAS_PARENT_SUB = 0b0010_0000;

/** One struct holding a string insert, nothing else: the update a single keystroke produces. */
function singleStringStruct(update: Uint8Array): InsertedRange | undefined {
  const decoder = decoding.createDecoder(update);
  if (decoding.readVarUint(decoder) !== 1) return undefined;
  if (decoding.readVarUint(decoder) !== 1) return undefined;
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  const info = decoding.readUint8(decoder);
  if ((info & 0b1_1111) !== CONTENT_STRING) return undefined;
  if (info & HAS_ORIGIN) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
  }
  if (info & HAS_RIGHT_ORIGIN) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
  }
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
    // Parent: a root type's name, or the id of the parent item.
    if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder);
    else {
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
    }
    if (info & HAS_PARENT_SUB) decoding.readVarString(decoder);
  }
  const text = decoding.readVarString(decoder);
  return { client, clock, length: text.length };
}

export function insertedRanges(update: Uint8Array): InsertedRange[] {
  // No structs at all (a deletion only): nothing inserted.
  if (update[0] === 0) return [];
  const single = singleStringStruct(update);
  if (single) return [single];
  const { from, to } = Y.parseUpdateMeta(update);
  const ranges: InsertedRange[] = [];
  for (const [client, end] of to) {
    const start = from.get(client) ?? 0;
    if (end > start) ranges.push({ client, clock: start, length: end - start });
  }
  return ranges;
}
