import { CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import type { Struct, UpdateIndex } from './updateIndex';

/**
 * Refuses (4400) an update item whose right origin lies to the left of its
 * left origin in the same run of one client's text — units r…o consecutive
 * in the list in clock order, r at or before o. No Yjs client writes such an
 * item (a right origin is always to the right), and Yjs places it by where
 * its replica happens to have split that run (Item.getMissing splits the
 * struct of the right origin after taking the left one, leaving the left
 * one cut short): the server and each receiver would put the text at
 * different places, and their documents would differ for good. The tail of
 * a partly known item counts with the origin Yjs links it to (the client's
 * last known unit): an update whose first clocks another connection already
 * wrote under the same client id can become such an item there.
 * Cost: O(new items + structs of the runs walked), each run walked once.
 */
export function checkOriginOrder(index: UpdateIndex): void {
  const reach = new Map<Struct, number>();
  for (const { item, origin } of index.newItems) {
    const right = item.rightOrigin;
    if (!origin || !right || origin.client !== right.client || right.clock > origin.clock) continue;
    const start = structAt(index, right);
    if (start && origin.clock < runEnd(index, start, reach)) {
      throw new CollabRefusal(
        CloseCode.MalformedMessage,
        `item ${item.id.client}:${item.id.clock} has its right origin left of its origin`,
      );
    }
  }
}

/** The struct holding `id`: the document's, or else the update's. */
function structAt(index: UpdateIndex, id: Y.ID): Struct | undefined {
  return index.inDocument(id) ? index.documentStruct(id) : index.inUpdate(id);
}

/**
 * The clock just past the run that starts with `start`: the structs of its
 * client that follow one another both in the list and in clocks (in the
 * document, or linked by the update after the client's last known unit).
 */
function runEnd(index: UpdateIndex, start: Struct, reach: Map<Struct, number>): number {
  const walked = new Set<Struct>();
  let current: Struct | undefined = start;
  let end = start.id.clock;
  while (current && !walked.has(current)) {
    const known = reach.get(current);
    if (known !== undefined) {
      end = known;
      break;
    }
    walked.add(current);
    end = current.id.clock + current.length;
    current = following(index, current, end);
  }
  for (const struct of walked) reach.set(struct, end);
  return end;
}

/** The struct that continues `struct`'s run at clock `end`, if any. */
function following(index: UpdateIndex, struct: Struct, end: number): Struct | undefined {
  if (!(struct instanceof Y.Item)) return undefined;
  const client = struct.id.client;
  const next = Y.createID(client, end);
  if (!index.inDocument(next)) {
    // An update item linked after the client's last unit: a partly known tail, or one whose origin is that unit.
    const linked = index.inUpdate(next);
    if (!(linked instanceof Y.Item)) return undefined;
    const origin = linked.id.clock < end ? Y.createID(client, end - 1) : linked.origin;
    return origin && origin.client === client && origin.clock === end - 1 ? linked : undefined;
  }
  const right = struct.right;
  return right && right.id.client === client && right.id.clock === end ? right : undefined;
}
