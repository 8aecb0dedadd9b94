import * as Y from 'yjs';
import type { DecodedUpdate } from './updateInspection';

export type Struct = DecodedUpdate['structs'][number];

/**
 * The part of an update's item that the document does not have yet. Yjs
 * integrates only the tail of an item whose first clock it already knows
 * (`offset` units in), with the last known unit of the same client as its
 * left origin; a check that skipped such an item would let its tail in
 * unchecked (issue 11, item 2).
 */
export interface NewItem {
  item: Y.Item;
  /** Units of the item the document already has (0: the item is wholly new). */
  offset: number;
  /** The left origin Yjs will integrate the new part with. */
  origin: Y.ID | null;
}

/**
 * An update's structs grouped per client in clock order, with the document's
 * state vector: answers "does the document or this update have id X" in
 * O(log n) without touching the document.
 */
export class UpdateIndex {
  /** The document's clock per client before the update (its state vector). */
  readonly known = new Map<number, number>();
  readonly byClient = new Map<number, Struct[]>();
  readonly newItems: NewItem[] = [];
  /** True when the update carries any clock range (item or GC) the document does not have. */
  readonly addsStructs: boolean = false;

  constructor(
    readonly doc: Y.Doc,
    readonly decoded: DecodedUpdate,
  ) {
    for (const struct of decoded.structs) {
      const client = struct.id.client;
      let list = this.byClient.get(client);
      if (!list) {
        list = [];
        this.byClient.set(client, list);
        this.known.set(client, Y.getState(doc.store, client));
      }
      list.push(struct);
    }
    for (const struct of decoded.structs) {
      if (struct instanceof Y.Skip) continue;
      const offset = Math.max(0, (this.known.get(struct.id.client) ?? 0) - struct.id.clock);
      if (offset >= struct.length) continue;
      this.addsStructs = true;
      if (!(struct instanceof Y.Item)) continue;
      const origin = offset > 0 ? Y.createID(struct.id.client, struct.id.clock + offset - 1) : struct.origin;
      this.newItems.push({ item: struct, offset, origin });
    }
  }

  /** The document's clock for `client` (its structs cover [0, clock)). */
  stateOf(client: number): number {
    return this.known.get(client) ?? Y.getState(this.doc.store, client);
  }

  /** True when the document (before this update) has the unit `id`. */
  inDocument(id: Y.ID): boolean {
    return id.clock < this.stateOf(id.client);
  }

  /** The update's struct (Item, GC or Skip) that contains `id`, if any. */
  inUpdate(id: Y.ID): Struct | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const struct = list[middle] as Struct;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct instanceof Y.Skip ? undefined : struct;
    }
    return undefined;
  }

  /** The document's struct containing `id` (the caller checked `inDocument`). */
  documentStruct(id: Y.ID): Y.Item | Y.GC {
    return Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
  }
}
