/**
 * Keeps every section and clause identified by a stable id. After each local
 * change, a section or clause without an id, or with an id already used
 * earlier in the document (e.g. the second half of a split clause, or a
 * pasted copy), gets a fresh one. Remote changes (carrying the y-sync meta)
 * are left alone: their author's client fixes them.
 */
import { ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

export const stableIdsKey = new PluginKey('stableIds');

interface IdFix {
  pos: number;
  prefix: 'cl' | 'sec';
}

/** Positions of sections and clauses whose id is missing or repeats an earlier one. */
export function findIdFixes(doc: ProseMirrorNode): IdFix[] {
  const seen = new Set<string>();
  const fixes: IdFix[] = [];
  const check = (node: ProseMirrorNode, pos: number, prefix: IdFix['prefix']) => {
    const id = node.attrs[ID_ATTR] as unknown;
    if (typeof id === 'string' && id !== '' && !seen.has(id)) seen.add(id);
    else fixes.push({ pos, prefix });
  };
  doc.forEach((child, offset) => {
    if (child.type.name !== NodeName.section) return;
    check(child, offset, 'sec');
    child.forEach((grandchild, childOffset) => {
      if (grandchild.type.name === NodeName.clause) check(grandchild, offset + 1 + childOffset, 'cl');
    });
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
        appendTransaction(transactions, _oldState, newState) {
          if (!transactions.some(isLocalChange)) return null;
          const fixes = findIdFixes(newState.doc);
          if (fixes.length === 0) return null;
          const tr = newState.tr;
          for (const fix of fixes) tr.setNodeAttribute(fix.pos, ID_ATTR, newNodeId(fix.prefix));
          return tr;
        },
      }),
    ];
  },
});
