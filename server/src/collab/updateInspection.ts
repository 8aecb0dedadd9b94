import { CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';

export interface DecodedUpdate {
  structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  ds: ReturnType<typeof Y.decodeUpdate>['ds'];
}

/**
 * Decodes a Yjs update completely without touching any document, so a
 * malformed or truncated update is refused before it can half-apply.
 */
export function decodeClientUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return Y.decodeUpdate(update);
  } catch (error) {
    throw new CollabRefusal(CloseCode.MalformedMessage, `undecodable update: ${(error as Error).message}`);
  }
}

/** True when applying the update would change the document: it inserts unknown structs or deletes live ones. */
export function updateChangesDocument(doc: Y.Doc, decoded: DecodedUpdate): boolean {
  const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct.id.clock + struct.length > (stateVector.get(struct.id.client) ?? 0)) return true;
  }
  if (decoded.ds.clients.size === 0) return false;
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of decoded.ds.clients) {
    const known = deleted.clients.get(client) ?? [];
    for (const range of ranges) {
      if (range.len === 0) continue;
      const end = range.clock + range.len;
      const covered = known.some((k) => k.clock <= range.clock && k.clock + k.len >= end);
      if (!covered) return true;
    }
  }
  return false;
}
