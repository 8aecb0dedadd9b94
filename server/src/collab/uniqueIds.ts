import { CloseCode, ID_ATTR } from '@draftroom/shared';
import { readYSections } from '@draftroom/shared/yClauses';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import { DeletedByUpdate } from './deletedByUpdate';
import type { UpdateIndex } from './updateIndex';
import type { ParentResolver } from './updateParents';

/** An element an update gives an id: one the document has, or one the update creates (its item). */
type Target = Y.XmlElement | Y.Item;

interface IdWrites {
  /** Id value → the elements that would carry it. */
  claims: Map<string, Set<Target>>;
  /** Elements of the document whose current id the update replaces. */
  replaced: Set<Y.XmlElement>;
}

/**
 * True when the new attribute item takes over the element's current value:
 * it follows that value's item, as Yjs's setAttribute writes it. A hand-made
 * item placed elsewhere may lose against it, so the old id would stay.
 */
function replacesCurrent(element: Y.XmlElement, item: Y.Item): boolean {
  const current = element._map.get(ID_ATTR);
  return current !== undefined && item.origin !== null && Y.compareIDs(item.origin, current.lastId);
}

/** The `id` values an update writes, per element; undefined when it writes none (every keystroke). */
function idWritesOf(
  index: UpdateIndex,
  parents: ParentResolver,
  byUpdate: () => DeletedByUpdate,
): IdWrites | undefined {
  let writes: IdWrites | undefined;
  for (const newItem of index.newItems) {
    const { item } = newItem;
    if (!(item.content instanceof Y.ContentAny) || byUpdate().has(item.id)) continue;
    const parent = parents.parentOfNew(newItem);
    if ((parent.kind !== 'document' && parent.kind !== 'update') || parent.key !== ID_ATTR) continue;
    const values = item.content.getContent();
    const value = values[values.length - 1];
    if (typeof value !== 'string' || value === '') continue;
    let target: Target;
    if (parent.kind === 'document') {
      if (!(parent.type instanceof Y.XmlElement) || parent.type._item?.deleted) continue;
      target = parent.type;
    } else {
      if (byUpdate().has(parent.item.id)) continue;
      target = parent.item;
    }
    writes ??= { claims: new Map(), replaced: new Set() };
    const claimants = writes.claims.get(value) ?? new Set<Target>();
    claimants.add(target);
    writes.claims.set(value, claimants);
    if (target instanceof Y.XmlElement && replacesCurrent(target, item)) writes.replaced.add(target);
  }
  return writes;
}

/**
 * Refuses (4400) a client update that would leave two clause or section
 * elements with the same `id` (one namespace for both): a clause pasted or
 * inserted with an id the document already has, two new clauses with one id,
 * an existing clause given another's id. Comments, locks, amendments and
 * brackets name clauses by id; with two, accepting an amendment would write
 * into the first and a lock would name both. A move (the element deleted and
 * a copy with its id inserted in the same update) keeps its id; ids the
 * update does not write are not compared, so a document that already holds
 * a duplicate stays editable.
 * Cost: nothing for an update that writes no `id` attribute (typing,
 * deleting, formatting); otherwise one pass over the sections and clauses.
 */
export function checkUniqueIds(index: UpdateIndex, parents: ParentResolver): void {
  if (!index.newItems.some(({ item }) => item.content instanceof Y.ContentAny)) return;
  let deletions: DeletedByUpdate | undefined;
  const byUpdate = () => {
    deletions ??= new DeletedByUpdate(index);
    return deletions;
  };
  const writes = idWritesOf(index, parents, byUpdate);
  if (!writes) return;
  const stays = (element: Y.XmlElement) => element._item === null || !byUpdate().has(element._item.id);
  const count = (element: Y.XmlElement, id: string | null) => {
    if (id === null || writes.replaced.has(element) || !stays(element)) return;
    writes.claims.get(id)?.add(element);
  };
  for (const section of readYSections(index.doc)) {
    count(section.element, section.id);
    if (!stays(section.element)) continue;
    for (const clause of section.clauses) count(clause.element, clause.id);
  }
  for (const [id, claimants] of writes.claims) {
    if (claimants.size > 1) {
      throw new CollabRefusal(
        CloseCode.MalformedMessage,
        `duplicate clause id: ${claimants.size} clauses or sections would have the id "${id.slice(0, 80)}" (a copied clause needs a new id)`,
      );
    }
  }
}
