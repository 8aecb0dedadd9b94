import { ID_ATTR, NodeName } from '@draftroom/shared';
import * as Y from 'yjs';
import type { DecodedUpdate } from './updateInspection';

type Struct = DecodedUpdate['structs'][number];

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

/** The document's struct with this id, or undefined when the document does not have it (yet). */
function storedStruct(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | undefined {
  const structs = doc.store.clients.get(id.client);
  const last = structs?.at(-1);
  if (!structs || !last || id.clock >= last.id.clock + last.length) return undefined;
  return Y.getItem(doc.store, id) as Y.Item | Y.GC;
}

/** The clause an existing item belongs to: the item itself when it is a clause element, else its parents'. */
function clauseOfStoredItem(item: Y.Item | Y.GC | undefined): string | undefined {
  if (!(item instanceof Y.Item)) return undefined;
  if (item.content instanceof Y.ContentType) {
    const own = enclosingClauseId(item.content.type as Y.AbstractType<unknown>);
    if (own !== undefined) return own;
  }
  const parent: unknown = item.parent;
  return parent instanceof Y.AbstractType ? enclosingClauseId(parent) : undefined;
}

function idKey(id: Y.ID): string {
  return `${id.client}:${id.clock}`;
}

/**
 * Resolves which clauses an update touches, before it is applied: each
 * inserted item through its parent or its neighbours (origin / right origin)
 * in the document — or through other items of the same update when it is
 * nested in content the update itself creates — and each deleted range
 * through the items it deletes. New clauses created by the update are
 * reported by the id attribute the update gives them.
 */
export function clausesTouchedBy(doc: Y.Doc, decoded: DecodedUpdate): Set<string> {
  const touched = new Set<string>();
  const updateItems = new Map<string, Y.Item>();
  for (const struct of decoded.structs)
    if (struct instanceof Y.Item) updateItems.set(idKey(struct.id), struct);

  const resolveVia = (id: Y.ID | null, depth: number): string | undefined => {
    if (!id) return undefined;
    const stored = storedStruct(doc, id);
    if (stored) return clauseOfStoredItem(stored);
    const pending = updateItems.get(idKey(id));
    return pending ? resolveNewItem(pending, depth + 1) : undefined;
  };

  const resolveNewItem = (item: Y.Item, depth: number): string | undefined => {
    if (depth > 64) return undefined;
    const newClauseId = newClauseIdOf(item, decoded.structs);
    if (newClauseId !== undefined) return newClauseId;
    const parent: unknown = item.parent;
    if (parent instanceof Y.ID) return resolveVia(parent, depth);
    return resolveVia(item.origin, depth) ?? resolveVia(item.rightOrigin, depth);
  };

  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || storedStruct(doc, struct.id)) continue;
    const clauseId = resolveNewItem(struct, 0);
    if (clauseId !== undefined) touched.add(clauseId);
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) {
      for (let clock = range.clock; clock < range.clock + range.len; ) {
        const stored = storedStruct(doc, Y.createID(client, clock));
        if (!stored) break;
        // Every update carries its sender's whole delete set: only deletions of live items touch a clause.
        const clauseId = stored.deleted ? undefined : clauseOfStoredItem(stored);
        if (clauseId !== undefined) touched.add(clauseId);
        clock = stored.id.clock + stored.length;
      }
    }
  }
  return touched;
}

/** When `item` is a clause element created by this update, the id the update gives it. */
function newClauseIdOf(item: Y.Item, structs: readonly Struct[]): string | undefined {
  if (!(item.content instanceof Y.ContentType)) return undefined;
  const type = item.content.type;
  if (!(type instanceof Y.XmlElement) || type.nodeName !== NodeName.clause) return undefined;
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub !== ID_ATTR) continue;
    const parent: unknown = struct.parent;
    if (parent instanceof Y.ID && Y.compareIDs(parent, item.id)) {
      const [value] = struct.content.getContent() as unknown[];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}
