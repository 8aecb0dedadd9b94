import { ID_ATTR, NodeName } from '@draftroom/shared';
import * as Y from 'yjs';
import type { UpdateIndex } from './updateIndex';
import type { ParentOf, ParentResolver } from './updateParents';

/** What an update would do to the document, found before it is applied. */
export interface UpdateEffect {
  /** Clauses whose content or attributes the update changes (inserts, formats or deletes in them, or deletes them or an ancestor). */
  touched: Set<string>;
  /** False when applying the update would change nothing (every item known, every deletion already done). */
  changesDocument: boolean;
}

/** Adds the id of every clause that is `type` or encloses it (all of them, not only the nearest). */
function enclosingClauseIds(type: Y.AbstractType<unknown> | null, into: Set<string>): void {
  let current: Y.AbstractType<unknown> | null = type;
  while (current) {
    if (current instanceof Y.XmlElement && current.nodeName === NodeName.clause) {
      const id = current.getAttribute(ID_ATTR);
      if (typeof id === 'string') into.add(id);
    }
    const parent: unknown = current._item?.parent ?? null;
    current = parent instanceof Y.AbstractType ? parent : null;
  }
}

/** Every clause inside `type` (itself included), for a deletion that removes the whole subtree. */
function clausesWithin(type: Y.AbstractType<unknown>, into: Set<string>): void {
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlFragment)) return;
  if (type instanceof Y.XmlElement && type.nodeName === NodeName.clause) {
    const id = type.getAttribute(ID_ATTR);
    if (typeof id === 'string') into.add(id);
  }
  for (let item = type._start; item !== null; item = item.right) {
    if (!item.deleted && item.content instanceof Y.ContentType) {
      clausesWithin(item.content.type as Y.AbstractType<unknown>, into);
    }
  }
}

/** The string values of every `id` attribute an update writes, by the update item holding the element. */
type IdWrites = Map<Y.Item, string[]>;

function idWritesOf(index: UpdateIndex, parents: ParentResolver): IdWrites {
  const writes: IdWrites = new Map();
  for (const newItem of index.newItems) {
    const parent = parents.parentOfNew(newItem);
    if (parent.kind !== 'update' || parent.key !== ID_ATTR) continue;
    for (const value of newItem.item.content.getContent() as unknown[]) {
      if (typeof value === 'string') writes.set(parent.item, [...(writes.get(parent.item) ?? []), value]);
    }
  }
  return writes;
}

/** Adds every clause that contains a parent (walking up through types the update creates). */
function clausesOfParent(
  parent: ParentOf,
  context: { parents: ParentResolver; idWrites: IdWrites },
  into: Set<string>,
  depth = 0,
): void {
  if (parent.kind === 'document') {
    enclosingClauseIds(parent.type, into);
    return;
  }
  if (parent.kind !== 'update' || depth > 256) return;
  for (const id of context.idWrites.get(parent.item) ?? []) into.add(id);
  clausesOfParent(context.parents.parentOfCreatedType(parent.item, depth), context, into, depth + 1);
}

/**
 * Resolves which clauses an update changes and whether it changes anything,
 * before it is applied, by what each part *does* in the document (issue 11):
 * - each new clock range (a wholly new item, or the new tail of an item whose
 *   start the document has) through the parent Yjs will integrate it into —
 *   text, formatting and attributes inside a clause touch that clause;
 * - each live item a deletion removes, with everything beneath it: deleting a
 *   section, or any element holding a clause, touches every clause inside.
 * Cost: O(new items × depth) plus O(log n + k) per deleted range of k
 * structs; no pass over the whole document (a no-op deletion of already
 * deleted items costs its own ranges only).
 */
export function updateEffect(index: UpdateIndex, parents: ParentResolver): UpdateEffect {
  const touched = new Set<string>();
  const context = { parents, idWrites: idWritesOf(index, parents) };
  for (const newItem of index.newItems) {
    const parent = parents.parentOfNew(newItem);
    clausesOfParent(parent, context, touched);
    // Writing an id value (an impostor taking an agreed clause's id) touches the clause with that id too.
    if (parent.kind !== 'collected' && parent.kind !== 'invalid' && parent.key === ID_ATTR) {
      for (const value of newItem.item.content.getContent() as unknown[]) {
        if (typeof value === 'string') touched.add(value);
      }
    }
  }
  let deletesLive = false;
  for (const [client, ranges] of index.decoded.ds.clients) {
    const structs = index.doc.store.clients.get(client);
    if (!structs) continue;
    for (const range of ranges) {
      const end = Math.min(range.clock + range.len, index.stateOf(client));
      if (range.clock >= end) continue;
      for (let i = Y.findIndexSS(structs, range.clock); i < structs.length; i++) {
        const struct = structs[i] as Y.Item | Y.GC;
        if (struct.id.clock >= end) break;
        if (!(struct instanceof Y.Item) || struct.deleted) continue;
        deletesLive = true;
        const parent: unknown = struct.parent;
        if (parent instanceof Y.AbstractType) enclosingClauseIds(parent, touched);
        if (struct.content instanceof Y.ContentType) {
          clausesWithin(struct.content.type as Y.AbstractType<unknown>, touched);
        }
      }
    }
  }
  return { touched, changesDocument: deletesLive || index.addsStructs };
}
