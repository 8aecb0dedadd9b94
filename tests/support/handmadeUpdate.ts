/**
 * Hand-made Yjs updates (update format v1), written byte by byte the way a
 * hostile client could, without a Y.Doc deciding what is sensible: any
 * client id, clock, origin, parent, length and delete set. The layout follows
 * Yjs 13's `writeClientsStructs`, `Item.write`, `GC.write` and
 * `writeDeleteSet` (UpdateEncoderV1).
 */
import * as encoding from 'lib0/encoding';
import type * as Y from 'yjs';

/** Content and struct reference numbers of Yjs (`contentRefs`, `structGCRefNumber`, `structSkipRefNumber`). */
const REF = {
  gc: 0,
  deleted: 1,
  binary: 3,
  string: 4,
  embed: 5,
  format: 6,
  type: 7,
  any: 8,
  skip: 10,
} as const;
/** Type reference numbers of ContentType (`typeRefs`). */
const TYPE_REF = { map: 1, text: 2, xmlElement: 3, xmlFragment: 4, xmlText: 6 } as const;

export type HandmadeContent =
  | { string: string }
  | { deleted: number }
  | { element: string }
  | { xmlText: true }
  | { map: true }
  | { any: unknown[] }
  | { format: string; value: unknown }
  | { embed: unknown }
  | { binary: Uint8Array };

export type HandmadeStruct =
  | { gc: number }
  | { skip: number }
  | {
      content: HandmadeContent;
      origin?: Y.ID;
      rightOrigin?: Y.ID;
      /** A root type's key, or the id of the item holding the parent type (only without origins). */
      parent?: string | Y.ID;
      parentSub?: string;
    };

export interface HandmadeClientStructs {
  client: number;
  clock: number;
  structs: HandmadeStruct[];
}

export interface HandmadeDeletion {
  client: number;
  clock: number;
  len: number;
}

function writeId(encoder: encoding.Encoder, id: Y.ID): void {
  encoding.writeVarUint(encoder, id.client);
  encoding.writeVarUint(encoder, id.clock);
}

function contentRef(content: HandmadeContent): number {
  if ('string' in content) return REF.string;
  if ('deleted' in content) return REF.deleted;
  if ('any' in content) return REF.any;
  if ('format' in content) return REF.format;
  if ('embed' in content) return REF.embed;
  if ('binary' in content) return REF.binary;
  return REF.type;
}

function writeContent(encoder: encoding.Encoder, content: HandmadeContent): void {
  if ('string' in content) encoding.writeVarString(encoder, content.string);
  else if ('deleted' in content) encoding.writeVarUint(encoder, content.deleted);
  else if ('any' in content) {
    encoding.writeVarUint(encoder, content.any.length);
    for (const value of content.any) encoding.writeAny(encoder, value as never);
  } else if ('format' in content) {
    encoding.writeVarString(encoder, content.format);
    encoding.writeVarString(encoder, JSON.stringify(content.value));
  } else if ('embed' in content) encoding.writeVarString(encoder, JSON.stringify(content.embed));
  else if ('binary' in content) encoding.writeVarUint8Array(encoder, content.binary);
  else if ('element' in content) {
    encoding.writeVarUint(encoder, TYPE_REF.xmlElement);
    encoding.writeVarString(encoder, content.element);
  } else if ('xmlText' in content) encoding.writeVarUint(encoder, TYPE_REF.xmlText);
  else encoding.writeVarUint(encoder, TYPE_REF.map);
}

function writeStruct(encoder: encoding.Encoder, struct: HandmadeStruct): void {
  if ('gc' in struct) {
    encoding.writeUint8(encoder, REF.gc);
    encoding.writeVarUint(encoder, struct.gc);
    return;
  }
  if ('skip' in struct) {
    encoding.writeUint8(encoder, REF.skip);
    encoding.writeVarUint(encoder, struct.skip);
    return;
  }
  const info =
    contentRef(struct.content) |
    (struct.origin ? 0x80 : 0) |
    (struct.rightOrigin ? 0x40 : 0) |
    (struct.parentSub !== undefined ? 0x20 : 0);
  encoding.writeUint8(encoder, info);
  if (struct.origin) writeId(encoder, struct.origin);
  if (struct.rightOrigin) writeId(encoder, struct.rightOrigin);
  if (!struct.origin && !struct.rightOrigin) {
    if (typeof struct.parent === 'string' || struct.parent === undefined) {
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, struct.parent ?? 'content');
    } else {
      encoding.writeVarUint(encoder, 0);
      writeId(encoder, struct.parent);
    }
    if (struct.parentSub !== undefined) encoding.writeVarString(encoder, struct.parentSub);
  }
  writeContent(encoder, struct.content);
}

/** Encodes structs (per client, from `clock` on) and a delete set as one v1 update. */
export function handmadeUpdate(
  clients: HandmadeClientStructs[],
  deletions: HandmadeDeletion[] = [],
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clients.length);
  for (const { client, clock, structs } of clients) {
    encoding.writeVarUint(encoder, structs.length);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    for (const struct of structs) writeStruct(encoder, struct);
  }
  const byClient = new Map<number, HandmadeDeletion[]>();
  for (const deletion of deletions)
    byClient.set(deletion.client, [...(byClient.get(deletion.client) ?? []), deletion]);
  encoding.writeVarUint(encoder, byClient.size);
  for (const [client, ranges] of byClient) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock);
      encoding.writeVarUint(encoder, range.len);
    }
  }
  return encoding.toUint8Array(encoder);
}
