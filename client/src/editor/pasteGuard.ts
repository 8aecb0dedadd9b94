/**
 * Refuses, before anything is sent, a paste (or drop) too large to reach the
 * server in one message: the server closes a frame over `MAX_MESSAGE_BYTES`
 * (4 MiB by default) with 1009, and the change would stay unsent.
 *
 * A paste may use half of the frame limit, including the changes still
 * waiting to be sent while disconnected: after a reconnect everything
 * unsent travels in one message (the sync step 2), so the total must fit,
 * and the half leaves room for typing and for the estimate's error.
 *
 * An accepted paste is its own undo step (the history stops merging before
 * and after it), so Ctrl+Z takes back exactly the paste.
 */
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode, Slice } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { formatSize } from '../format';

/** The share of the server's frame limit one paste (with what is still unsent) may take. */
export const PASTE_SHARE_OF_FRAME_LIMIT = 0.5;

/** Bytes Yjs writes per item besides its content (ids, origins, info, lengths): an upper estimate. */
const ITEM_OVERHEAD = 24;

export interface PasteBudget {
  /** The largest frame the server accepts. */
  frameLimit: number;
  /** Bytes of changes not yet sent (while disconnected). */
  unsentBytes: () => number;
}

export interface PasteGuardOptions {
  budget: () => PasteBudget;
  /** Tells the user a paste was refused and why. */
  onRefused: (message: string) => void;
}

/** UTF-8 length of a string without encoding it (Yjs writes strings as UTF-8). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * About how many bytes the Yjs update for inserting these nodes takes (a
 * little more, never much less): text as UTF-8, each mark as a format item at
 * both ends, each element with its name and attributes.
 */
export function estimateYjsBytes(nodes: Iterable<ProseMirrorNode>): number {
  let bytes = 0;
  const visit = (node: ProseMirrorNode) => {
    if (node.isText) {
      bytes += ITEM_OVERHEAD + utf8Length(node.text ?? '');
      for (const mark of node.marks)
        bytes += 2 * (ITEM_OVERHEAD + mark.type.name.length + JSON.stringify(mark.attrs).length);
      return;
    }
    bytes += ITEM_OVERHEAD + node.type.name.length;
    for (const [key, value] of Object.entries(node.attrs)) {
      if (value !== null && value !== undefined)
        bytes += ITEM_OVERHEAD + key.length + JSON.stringify(value).length;
    }
    node.forEach(visit);
  };
  for (const node of nodes) visit(node);
  return bytes;
}

function sliceNodes(slice: Slice): readonly ProseMirrorNode[] {
  return slice.content.content;
}

function undoManagerOf(view: EditorView): Y.UndoManager | undefined {
  return (yUndoPluginKey.getState(view.state) as { undoManager?: Y.UndoManager } | undefined)?.undoManager;
}

/** The reason to refuse `bytes` of new content, or null when it may go. */
function refusal(bytes: number, budget: PasteBudget, what: 'paste' | 'drop'): string | null {
  const allowed = Math.floor(budget.frameLimit * PASTE_SHARE_OF_FRAME_LIMIT);
  const verb = what === 'paste' ? 'pasted' : 'dropped';
  const noun = what === 'paste' ? 'paste' : 'drop';
  if (bytes > allowed) {
    return `This text is too large to ${noun} in one go (about ${formatSize(bytes)}; at most ${formatSize(allowed)} at a time). Nothing was ${verb}. Paste it in smaller parts, for example one section at a time.`;
  }
  const unsent = budget.unsentBytes();
  if (bytes + unsent > allowed) {
    return `Nothing was ${verb}: about ${formatSize(unsent)} of your changes are still waiting to be sent, and with this text (about ${formatSize(bytes)}) they would be too large to send together (at most ${formatSize(allowed)}). Wait until you are connected again, or paste a smaller part.`;
  }
  return null;
}

export const PasteSizeGuard = Extension.create<PasteGuardOptions>({
  name: 'pasteSizeGuard',
  // Before every other paste handler (links, paste rules): a refused paste reaches none of them.
  priority: 1000,

  addOptions() {
    return {
      budget: () => ({ frameLimit: Number.POSITIVE_INFINITY, unsentBytes: () => 0 }),
      onRefused: () => {},
    };
  },

  addProseMirrorPlugins() {
    const { budget, onRefused } = this.options;
    const refuse = (event: Event, message: string) => {
      event.preventDefault();
      onRefused(message);
      return true;
    };
    const acceptAsOwnUndoStep = (view: EditorView) => {
      const undoManager = undoManagerOf(view);
      undoManager?.stopCapturing();
      // The paste's Yjs transaction runs synchronously after this handler; later typing starts a new step.
      queueMicrotask(() => undoManager?.stopCapturing());
    };
    return [
      new Plugin({
        key: new PluginKey('pasteSizeGuard'),
        props: {
          handleDOMEvents: {
            // Before the clipboard's HTML is parsed: a huge plain text is refused without building its DOM.
            paste: (view, event) => {
              if (!view.editable) return false;
              const text = event.clipboardData?.getData('text/plain') ?? '';
              const message = refusal(utf8Length(text), budget(), 'paste');
              return message ? refuse(event, message) : false;
            },
          },
          handlePaste: (view, event, slice) => {
            if (!view.editable) return false;
            const message = refusal(estimateYjsBytes(sliceNodes(slice)), budget(), 'paste');
            if (message) return refuse(event, message);
            acceptAsOwnUndoStep(view);
            return false;
          },
          handleDrop: (view, event, slice) => {
            if (!view.editable) return false;
            const message = refusal(estimateYjsBytes(sliceNodes(slice)), budget(), 'drop');
            if (message) return refuse(event, message);
            acceptAsOwnUndoStep(view);
            return false;
          },
        },
      }),
    ];
  },
});
