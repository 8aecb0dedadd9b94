import * as Y from 'yjs';
import type { NewItem, UpdateIndex } from './updateIndex';

/**
 * Where Yjs will put an update's item, decided as Yjs's `Item.getMissing`
 * and `integrate` do: its explicit parent, or else the parent of its left
 * origin (of its right origin when it has no left one); nothing when either
 * neighbour is garbage-collected (Yjs then turns the item into a GC struct).
 */
export type ParentOf =
  /** A type the document already has (a root type has `_item === null`). */
  | { kind: 'document'; type: Y.AbstractType<unknown>; key: string | null }
  /** A type this update creates: `item`'s content is a Y.ContentType. */
  | { kind: 'update'; item: Y.Item; key: string | null }
  /** A root type the update creates or names by its key. */
  | { kind: 'root'; name: string; key: string | null }
  /** Garbage: the item will hold no content. */
  | { kind: 'collected' }
  /** A parent no Yjs client writes (an item that is not a type, a missing reference). */
  | { kind: 'invalid'; why: string };

const MAX_DEPTH = 256;

/** A root type named by the document or by its key is the same parent. */
function normalised(parent: ParentOf): ParentOf {
  if (parent.kind === 'document' && parent.type._item === null) {
    return { kind: 'root', name: Y.findRootTypeKey(parent.type), key: parent.key };
  }
  return parent;
}

function sameParent(first: ParentOf, second: ParentOf): boolean {
  const a = normalised(first);
  const b = normalised(second);
  if (a.kind === 'collected' || b.kind === 'collected') return a.kind === b.kind;
  if (a.kind === 'invalid' || b.kind === 'invalid') return false;
  if (a.kind !== b.kind || a.key !== b.key) return false;
  if (a.kind === 'document' && b.kind === 'document') return a.type === b.type;
  if (a.kind === 'update' && b.kind === 'update') return a.item === b.item;
  return a.kind === 'root' && b.kind === 'root' && a.name === b.name;
}

/** Resolves parents of an update's items, memoised per item. */
export class ParentResolver {
  private readonly memo = new Map<Y.Item, ParentOf>();
  /** parentOfNew is asked by the model check, the id index and the clause resolution alike. */
  private readonly newMemo = new Map<NewItem, ParentOf>();

  constructor(private readonly index: UpdateIndex) {}

  /**
   * The parent of a (possibly partly known) new item of the update. Yjs takes
   * the parent of a partly known item from what the item declares (its
   * parent, or its declared origin), yet links its new tail after the
   * client's last known unit: when the two disagree the tail would sit in one
   * list while claiming another parent — invalid.
   */
  parentOfNew(newItem: NewItem): ParentOf {
    let parent = this.newMemo.get(newItem);
    if (!parent) {
      parent = this.resolveNew(newItem);
      this.newMemo.set(newItem, parent);
    }
    return parent;
  }

  private resolveNew({ item, offset, origin }: NewItem): ParentOf {
    const declared = this.resolve(item, item.origin, 0);
    if (offset === 0) return declared;
    const linked = origin ? this.neighbour(origin, 0) : undefined;
    if (!linked || !sameParent(declared, linked)) {
      return {
        kind: 'invalid',
        why: 'the new tail of a known item declares another parent than where it is linked',
      };
    }
    return declared;
  }

  private parentOfUpdateItem(item: Y.Item, depth: number): ParentOf {
    const cached = this.memo.get(item);
    if (cached) return cached;
    const parent = this.resolve(item, item.origin, depth + 1);
    this.memo.set(item, parent);
    return parent;
  }

  private resolve(item: Y.Item, origin: Y.ID | null, depth: number): ParentOf {
    if (depth > MAX_DEPTH) return { kind: 'invalid', why: 'items nested too deeply' };
    const parent: unknown = item.parent;
    if (parent instanceof Y.ID) return this.typeAt(parent, item.parentSub, depth);
    // Y.decodeUpdate names a root type by its key.
    if (typeof parent === 'string') return { kind: 'root', name: parent, key: item.parentSub };
    const left = origin ? this.neighbour(origin, depth) : undefined;
    const right = item.rightOrigin ? this.neighbour(item.rightOrigin, depth) : undefined;
    if (left?.kind === 'collected' || right?.kind === 'collected') return { kind: 'collected' };
    return left ?? right ?? { kind: 'invalid', why: 'an item without parent or neighbours' };
  }

  /** The parent an item gets from its neighbour `id` (the neighbour's own parent). */
  private neighbour(id: Y.ID, depth: number): ParentOf | undefined {
    if (this.index.inDocument(id)) {
      const struct = this.index.documentStruct(id);
      if (!(struct instanceof Y.Item)) return { kind: 'collected' };
      const parent: unknown = struct.parent;
      if (!(parent instanceof Y.AbstractType)) return { kind: 'collected' };
      return { kind: 'document', type: parent as Y.AbstractType<unknown>, key: struct.parentSub };
    }
    const struct = this.index.inUpdate(id);
    if (!struct) return undefined;
    if (!(struct instanceof Y.Item)) return { kind: 'collected' };
    return this.parentOfUpdateItem(struct, depth);
  }

  /** The type held by the item `id` (an explicit parent reference). */
  private typeAt(id: Y.ID, key: string | null, depth: number): ParentOf {
    if (this.index.inDocument(id)) {
      const struct = this.index.documentStruct(id);
      if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted)
        return { kind: 'collected' };
      if (!(struct.content instanceof Y.ContentType)) return { kind: 'invalid', why: 'parent is not a type' };
      return { kind: 'document', type: struct.content.type as Y.AbstractType<unknown>, key };
    }
    const struct = this.index.inUpdate(id);
    if (!struct) return { kind: 'invalid', why: 'parent unknown' };
    if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted)
      return { kind: 'collected' };
    if (!(struct.content instanceof Y.ContentType) || struct.id.clock !== id.clock) {
      return { kind: 'invalid', why: 'parent is not a type' };
    }
    if (depth > MAX_DEPTH) return { kind: 'invalid', why: 'items nested too deeply' };
    return { kind: 'update', item: struct, key };
  }

  /** The parent of the type an update item creates (for walking up to its clause). */
  parentOfCreatedType(item: Y.Item, depth: number): ParentOf {
    return this.parentOfUpdateItem(item, depth);
  }
}
