/**
 * Comment anchors on a range of a clause's text: Yjs relative positions
 * (through the y-sync binding's mapping), so a highlight follows its text as
 * others edit around it. Highlights are recomputed from the relative positions
 * after remote changes and when the threads change, and mapped through local
 * changes in between (the binding's mapping catches up only after those).
 */
import type { RangeAnchor } from '@draftroom/shared';
import type { EditorState } from '@tiptap/pm/state';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import {
  absolutePositionToRelativePosition,
  type ProsemirrorBinding,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from '@tiptap/y-tiptap';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

const MAX_QUOTE_LENGTH = 5_000;

function bindingOf(state: EditorState): ProsemirrorBinding | null {
  const syncState = ySyncPluginKey.getState(state) as { binding?: ProsemirrorBinding } | undefined;
  return syncState?.binding ?? null;
}

/** The anchor of the range [from, to] of the current document, or null when the binding is not ready. */
export function createRangeAnchor(state: EditorState, from: number, to: number): RangeAnchor | null {
  const binding = bindingOf(state);
  if (!binding || from >= to) return null;
  const start = absolutePositionToRelativePosition(from, binding.type, binding.mapping) as Y.RelativePosition;
  const end = absolutePositionToRelativePosition(to, binding.type, binding.mapping) as Y.RelativePosition;
  return {
    start: toBase64(Y.encodeRelativePosition(start)),
    end: toBase64(Y.encodeRelativePosition(end)),
    quote: state.doc.textBetween(from, to, ' ').slice(0, MAX_QUOTE_LENGTH),
  };
}

function absolutePosition(binding: ProsemirrorBinding, encoded: string): number | null {
  try {
    const relative = Y.decodeRelativePosition(fromBase64(encoded));
    return relativePositionToAbsolutePosition(binding.doc, binding.type, relative, binding.mapping);
  } catch {
    return null;
  }
}

/** Where an anchor's text is now; null when it cannot be found, `from === to` when its text was deleted. */
export function resolveRangeAnchor(
  state: EditorState,
  anchor: RangeAnchor,
): { from: number; to: number } | null {
  const binding = bindingOf(state);
  if (!binding) return null;
  const start = absolutePosition(binding, anchor.start);
  const end = absolutePosition(binding, anchor.end);
  if (start === null || end === null) return null;
  const size = state.doc.content.size;
  const from = Math.max(0, Math.min(start, end, size));
  const to = Math.min(size, Math.max(start, end));
  return { from, to: Math.max(from, to) };
}

export interface AnchoredThread {
  id: string;
  anchor: RangeAnchor;
}

export interface CommentAnchorModel {
  /** Unresolved threads with a range anchor. */
  threads: AnchoredThread[];
  activeThreadId: string | null;
}

interface CommentAnchorState {
  model: CommentAnchorModel;
  decorations: DecorationSet;
}

export const commentAnchorsKey = new PluginKey<CommentAnchorState>('commentAnchors');

function buildDecorations(state: EditorState, model: CommentAnchorModel): DecorationSet {
  const decorations: Decoration[] = [];
  for (const thread of model.threads) {
    const range = resolveRangeAnchor(state, thread.anchor);
    if (!range || range.from >= range.to) continue;
    const active = thread.id === model.activeThreadId;
    decorations.push(
      Decoration.inline(
        range.from,
        range.to,
        { class: active ? 'comment-anchor is-active' : 'comment-anchor', 'data-thread-id': thread.id },
        { threadId: thread.id },
      ),
    );
  }
  return DecorationSet.create(state.doc, decorations);
}

const EMPTY_MODEL: CommentAnchorModel = { threads: [], activeThreadId: null };

export function commentAnchorsPlugin(): Plugin<CommentAnchorState> {
  return new Plugin<CommentAnchorState>({
    key: commentAnchorsKey,
    state: {
      init: () => ({ model: EMPTY_MODEL, decorations: DecorationSet.empty }),
      apply: (tr, previous, _oldState, newState) => {
        const model = tr.getMeta(commentAnchorsKey) as CommentAnchorModel | undefined;
        const fromYjs = tr.getMeta(ySyncPluginKey) !== undefined && tr.docChanged;
        if (model || fromYjs) {
          const next = model ?? previous.model;
          return { model: next, decorations: buildDecorations(newState, next) };
        }
        if (!tr.docChanged) return previous;
        return { model: previous.model, decorations: previous.decorations.map(tr.mapping, tr.doc) };
      },
    },
    props: {
      decorations: (state) => commentAnchorsKey.getState(state)?.decorations,
    },
  });
}
