import * as Y from 'yjs';
import type { UpdateIndex } from './updateIndex';

/**
 * "Does this update delete the unit `id`?" over the update's delete set,
 * answered in O(log ranges): the ranges of each client sorted once (a
 * hand-made update may list them in any order; Yjs applies them all).
 */
export class DeletedByUpdate {
  private readonly sorted = new Map<number, { clock: number; end: number }[]>();

  constructor(private readonly index: UpdateIndex) {}

  /** True when the update's delete set covers `id`. */
  has(id: Y.ID): boolean {
    const ranges = this.rangesOf(id.client);
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = ranges[middle] as { clock: number; end: number };
      if (id.clock < range.clock) high = middle - 1;
      else if (id.clock >= range.end) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** True when the item is deleted now or by the update. */
  isDeleted(item: Y.Item): boolean {
    return item.deleted || this.has(item.id);
  }

  private rangesOf(client: number): { clock: number; end: number }[] {
    let ranges = this.sorted.get(client);
    if (!ranges) {
      ranges = (this.index.decoded.ds.clients.get(client) ?? [])
        .map((range) => ({ clock: range.clock, end: range.clock + range.len }))
        .sort((a, b) => a.clock - b.clock);
      this.sorted.set(client, ranges);
    }
    return ranges;
  }
}

/**
 * The live items of the document that the update deletes and `accept`
 * picks, each once, in delete-set order. O(log n + k) per deleted range of
 * k structs, like updateEffect.
 */
export function liveItemsDeleted(index: UpdateIndex, accept: (item: Y.Item) => boolean): Y.Item[] {
  if (index.decoded.ds.clients.size === 0) return [];
  const found = new Set<Y.Item>();
  for (const [client, ranges] of index.decoded.ds.clients) {
    const structs = index.doc.store.clients.get(client);
    if (!structs) continue;
    for (const range of ranges) {
      const end = Math.min(range.clock + range.len, index.stateOf(client));
      if (range.clock >= end) continue;
      for (let i = Y.findIndexSS(structs, range.clock); i < structs.length; i++) {
        const struct = structs[i] as Y.Item | Y.GC;
        if (struct.id.clock >= end) break;
        if (struct instanceof Y.Item && !struct.deleted && accept(struct)) found.add(struct);
      }
    }
  }
  return [...found];
}
