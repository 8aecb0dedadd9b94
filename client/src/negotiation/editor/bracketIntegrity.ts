/**
 * Only the server's bracket commands write the bracket mark: the server
 * refuses (4400) an update that adds, moves, relabels or takes off a bracket
 * (server/src/collab/bracketMarks.ts). The Yjs binding never writes the mark
 * (`ySyncOptions.serverMarks`, see editor/extensions.ts). This plugin covers
 * the two other ways the editor would:
 * - pasted or dropped content loses its bracket marks: a bracket exists once,
 *   where it was made (a copied passage is text, not the bracket);
 * - undo and redo never bring back a bracket's formatting items (Yjs deletes
 *   them with the last characters of a bracketed passage; restoring them
 *   would write the mark): undoing the deletion of a bracketed passage brings
 *   its words back without the bracket.
 */
import { BRACKET_MARK } from '@draftroom/shared';
import { Fragment, type Node as ProseMirrorNode, Slice } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

export const bracketIntegrityKey = new PluginKey('bracketIntegrity');

type StackItem = Y.UndoManager['undoStack'][number];
type DeleteSet = StackItem['deletions'];

function withoutBrackets(fragment: Fragment): Fragment {
  const children: ProseMirrorNode[] = [];
  fragment.forEach((node) => {
    if (node.isText) children.push(node.mark(node.marks.filter((mark) => mark.type.name !== BRACKET_MARK)));
    else children.push(node.copy(withoutBrackets(node.content)));
  });
  return Fragment.from(children);
}

/** `slice` without bracket marks. */
export function withoutBracketMarks(slice: Slice): Slice {
  return new Slice(withoutBrackets(slice.content), slice.openStart, slice.openEnd);
}

function isBracketFormat(struct: Y.Item | Y.GC): boolean {
  return (
    struct instanceof Y.Item &&
    struct.content instanceof Y.ContentFormat &&
    struct.content.key === BRACKET_MARK
  );
}

/**
 * `deletions` (what an undo or redo step restores) without the bracket
 * formatting items among them; the same set when it has none.
 */
export function withoutBracketFormats(doc: Y.Doc, deletions: DeleteSet): DeleteSet {
  const kept = Y.createDeleteSet();
  let dropped = false;
  for (const [client, ranges] of deletions.clients) {
    const structs = doc.store.clients.get(client) ?? [];
    const keptRanges: { clock: number; len: number }[] = [];
    for (const range of ranges) {
      const end = range.clock + range.len;
      let from = range.clock;
      const first =
        structs.length > 0 && range.clock < Y.getState(doc.store, client)
          ? Y.findIndexSS(structs, range.clock)
          : structs.length;
      for (let i = first; i < structs.length; i++) {
        const struct = structs[i] as Y.Item | Y.GC;
        if (struct.id.clock >= end) break;
        if (!isBracketFormat(struct)) continue;
        if (struct.id.clock > from) keptRanges.push({ clock: from, len: struct.id.clock - from });
        from = struct.id.clock + struct.length;
        dropped = true;
      }
      if (end > from) keptRanges.push({ clock: from, len: end - from });
    }
    kept.clients.set(client, keptRanges as never);
  }
  return dropped ? kept : deletions;
}

/** Strips bracket marks from pastes and drops; keeps bracket formatting out of the Yjs undo history. */
export function bracketIntegrityPlugin(): Plugin {
  return new Plugin({
    key: bracketIntegrityKey,
    props: {
      transformPasted: (slice) => withoutBracketMarks(slice),
    },
    view(view) {
      let undoManager: Y.UndoManager | undefined;
      const filter = ({ stackItem }: { stackItem: StackItem }) => {
        if (undoManager) stackItem.deletions = withoutBracketFormats(undoManager.doc, stackItem.deletions);
      };
      const attach = () => {
        const current = (yUndoPluginKey.getState(view.state) as { undoManager?: Y.UndoManager } | undefined)
          ?.undoManager;
        if (current === undoManager) return;
        undoManager?.off('stack-item-added', filter);
        undoManager?.off('stack-item-updated', filter);
        undoManager = current;
        undoManager?.on('stack-item-added', filter);
        undoManager?.on('stack-item-updated', filter);
      };
      attach();
      return {
        update: attach,
        destroy: () => {
          undoManager?.off('stack-item-added', filter);
          undoManager?.off('stack-item-updated', filter);
        },
      };
    },
  });
}
