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

/** The clause id of a type, or of the nearest clause around it; undefined outside clauses. */
function enclosingClauseId(type: Y.AbstractType<unknown> | null): string | undefined {
  let current: Y.AbstractType<unknown> | null = type;
  while (current) {
    if (current instanceof Y.XmlElement && current.nodeName === NodeName.clause) {
      const id = current.getAttribute(ID_ATTR);
      return typeof id === 'string' ? id : undefined;
    }
    const parent: unknown = current._item?.parent ?? null;
    current = parent instanceof Y.AbstractType ? parent : null;
  }
  return undefined;
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

/** When `item` (of the update) creates a clause element, the id attribute the update gives it. */
function newClauseIdOf(item: Y.Item, index: UpdateIndex): string | undefined {
  if (!(item.content instanceof Y.ContentType)) return undefined;
  const type = item.content.type;
  if (!(type instanceof Y.XmlElement) || type.nodeName !== NodeName.clause) return undefined;
  for (const struct of index.decoded.structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub !== ID_ATTR) continue;
    const parent: unknown = struct.parent;
    if (parent instanceof Y.ID && Y.compareIDs(parent, item.id)) {
      const [value] = struct.content.getContent() as unknown[];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}

/** The clause that contains a parent (walking up through types the update creates). */
function clauseOfParent(
  parent: ParentOf,
  index: UpdateIndex,
  parents: ParentResolver,
  depth = 0,
): string | undefined {
  if (parent.kind === 'document') return enclosingClauseId(parent.type);
  if (parent.kind !== 'update' || depth > 256) return undefined;
  const created = newClauseIdOf(parent.item, index);
  if (created !== undefined) return created;
  return clauseOfParent(parents.parentOfCreatedType(parent.item, depth), index, parents, depth + 1);
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
  for (const newItem of index.newItems) {
    const clauseId = clauseOfParent(parents.parentOfNew(newItem), index, parents);
    if (clauseId !== undefined) touched.add(clauseId);
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
        const around = parent instanceof Y.AbstractType ? enclosingClauseId(parent) : undefined;
        if (around !== undefined) touched.add(around);
        if (struct.content instanceof Y.ContentType) {
          clausesWithin(struct.content.type as Y.AbstractType<unknown>, touched);
        }
      }
    }
  }
  return { touched, changesDocument: deletesLive || index.addsStructs };
}
