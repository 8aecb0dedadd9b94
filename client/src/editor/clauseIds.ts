/**
 * Keeps every section and clause identified by a stable id. After each local
 * change, a section or clause without an id, or whose id another one
 * already has, gets a fresh one: the second half of a split clause, a pasted
 * or dropped copy. Of two with one id, the one the document had before the
 * change keeps it (wherever the copy was pasted, before or after it); a
 * clause cut and pasted elsewhere keeps its id (the old one is gone). The
 * server refuses an update that leaves two with one id (4400), so an honest
 * paste never reaches it with one. Remote changes (carrying the y-sync meta)
 * are left alone: their author's client fixes them.
 */
import { ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { Mapping } from '@tiptap/pm/transform';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

export const stableIdsKey = new PluginKey('stableIds');

interface IdFix {
  pos: number;
  prefix: 'cl' | 'sec';
}

/** Id → the positions (in the changed document) of the sections and clauses that had it before the change. */
export type CarriedIds = ReadonlyMap<string, ReadonlySet<number>>;

/** Calls `visit` for every section (top level) and clause (directly in a section) with its position. */
function forEachIdentified(
  doc: ProseMirrorNode,
  visit: (node: ProseMirrorNode, pos: number, prefix: IdFix['prefix']) => void,
): void {
  doc.forEach((child, offset) => {
    if (child.type.name !== NodeName.section) return;
    visit(child, offset, 'sec');
    child.forEach((grandchild, childOffset) => {
      if (grandchild.type.name === NodeName.clause) visit(grandchild, offset + 1 + childOffset, 'cl');
    });
  });
}

/**
 * Where the sections and clauses of `before` are in `after` (through
 * `mapping`), by id: those still there with the same id.
 */
export function carriedIds(before: ProseMirrorNode, after: ProseMirrorNode, mapping: Mapping): CarriedIds {
  const carried = new Map<string, Set<number>>();
  forEachIdentified(before, (node, pos) => {
    const id = node.attrs[ID_ATTR] as unknown;
    if (typeof id !== 'string' || id === '') return;
    const mapped = mapping.mapResult(pos, 1);
    const there = mapped.deleted ? null : after.nodeAt(mapped.pos);
    if (there?.type !== node.type || there.attrs[ID_ATTR] !== id) return;
    carried.set(id, (carried.get(id) ?? new Set()).add(mapped.pos));
  });
  return carried;
}

/**
 * Positions of sections and clauses whose id is missing or taken: by one the
 * change carried over from before (`carried`), or else by an earlier one.
 */
export function findIdFixes(doc: ProseMirrorNode, carried: CarriedIds = new Map()): IdFix[] {
  const seen = new Set<string>();
  const fixes: IdFix[] = [];
  forEachIdentified(doc, (node, pos, prefix) => {
    const id = node.attrs[ID_ATTR] as unknown;
    const owners = typeof id === 'string' ? carried.get(id) : undefined;
    const keeps = typeof id === 'string' && id !== '' && !seen.has(id) && (!owners || owners.has(pos));
    if (keeps) seen.add(id);
    else fixes.push({ pos, prefix });
  });
  return fixes;
}

function isLocalChange(tr: Transaction): boolean {
  return tr.docChanged && !tr.getMeta(ySyncPluginKey);
}

export const StableIds = Extension.create({
  name: 'stableIds',

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: stableIdsKey,
        appendTransaction(transactions, oldState, newState) {
          if (!transactions.some(isLocalChange)) return null;
          const mapping = new Mapping();
          for (const transaction of transactions) mapping.appendMapping(transaction.mapping);
          const fixes = findIdFixes(newState.doc, carriedIds(oldState.doc, newState.doc, mapping));
          if (fixes.length === 0) return null;
          const tr = newState.tr;
          for (const fix of fixes) tr.setNodeAttribute(fix.pos, ID_ATTR, newNodeId(fix.prefix));
          return tr;
        },
      }),
    ];
  },
});
