import { CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import { checkBracketMarks } from './bracketMarks';
import { type ClientIdOwners, newContentClients } from './clientIdOwners';
import { checkDocumentModel } from './documentModel';
import { checkOriginOrder } from './originOrder';
import { type UpdateEffect, updateEffect } from './touchedClauses';
import { decodeTypingUpdate } from './typingUpdateDecoder';
import { checkUniqueIds } from './uniqueIds';
import { checkUpdateStructure, type UpdateLimits } from './updateBounds';
import { UpdateIndex } from './updateIndex';
import { ParentResolver } from './updateParents';

export interface DecodedUpdate {
  structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  ds: ReturnType<typeof Y.decodeUpdate>['ds'];
}

/**
 * Decodes a Yjs update completely without touching any document, so a
 * malformed or truncated update is refused before it can half-apply (4400).
 * Keystrokes and deletions take a reader of their own (decodeTypingUpdate:
 * the same result as `Y.decodeUpdate`, without its per-update generator).
 */
export function decodeClientUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return decodeTypingUpdate(update) ?? Y.decodeUpdate(update);
  } catch (error) {
    throw new CollabRefusal(CloseCode.MalformedMessage, `undecodable update: ${(error as Error).message}`);
  }
}

/** Who writes an update, for the client id check: the document's owners and the sender's user. */
export interface UpdateWriter {
  owners: ClientIdOwners;
  userId: string;
}

/** What an inspected update does, and the Yjs client ids it would make its sender's. */
export interface InspectedUpdate extends UpdateEffect {
  /** Client ids with new content nobody owned (or owned by UNKNOWN_CLIENT_OWNER): the caller claims them once applied. */
  newClientIds: readonly number[];
}

/**
 * Everything the server checks of a client's update before applying it to
 * the room's Y.Doc, without changing the document:
 * - a read-only role (`canEdit` false) may send only what changes nothing
 *   (4403 otherwise);
 * - new content only under Yjs client ids that are the sender's or nobody's
 *   (`ClientIdOwners.check`: 4400 for another person's or the server's id, or
 *   past the per-user cap);
 * - bounds and integrability (`checkUpdateStructure`: 4400 beyond the limits,
 *   4409 ResyncRequired for missing dependencies);
 * - no item whose right origin is left of its origin (`checkOriginOrder`: 4400);
 * - the document model (`checkDocumentModel`: 4400);
 * - no bracket mark written or taken off (`checkBracketMarks`: 4400; only
 *   the bracket commands write brackets);
 * - no two clauses or sections with one id (`checkUniqueIds`: 4400);
 * - which clauses it changes and whether it changes anything (`updateEffect`).
 * The caller refuses changes to locked clauses (4423), applies the rest and
 * then claims `newClientIds` for the sender (ClientIdOwners.claim).
 * Throws CollabRefusal; returns the effect.
 */
export function inspectClientUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  {
    canEdit,
    role,
    limits,
    writer,
  }: { canEdit: boolean; role: string; limits: UpdateLimits; writer: UpdateWriter },
): InspectedUpdate {
  const index = new UpdateIndex(doc, decodeClientUpdate(update));
  const parents = new ParentResolver(index);
  if (!canEdit) {
    const effect = updateEffect(index, parents);
    if (effect.changesDocument) {
      throw new CollabRefusal(CloseCode.Forbidden, `role ${role} may not change the text`);
    }
    return { ...effect, newClientIds: [] };
  }
  const newClientIds = writer.owners.check(newContentClients(index), writer.userId);
  checkUpdateStructure(index, limits);
  checkOriginOrder(index);
  checkDocumentModel(index, parents);
  checkBracketMarks(index, parents);
  checkUniqueIds(index, parents);
  return { ...updateEffect(index, parents), newClientIds };
}

/** What an update would do to `doc` (touched clauses, whether it changes anything), without the checks. */
export function effectOf(doc: Y.Doc, update: Uint8Array): UpdateEffect {
  const index = new UpdateIndex(doc, decodeClientUpdate(update));
  return updateEffect(index, new ParentResolver(index));
}
