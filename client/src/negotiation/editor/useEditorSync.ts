/**
 * Keeps the editor's negotiation plugins in step with React: the clause view
 * (statuses, the "open matters only" filter, the highlighted clause) and the
 * comment highlights (unresolved anchored threads, the active one).
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useMemo } from 'react';
import { useNegotiationContext } from '../NegotiationContext';
import { settledClauses } from '../openMatters';
import { type ClauseViewModel, clauseViewKey } from './clauseDecorations';
import { type CommentAnchorModel, commentAnchorsKey } from './commentAnchors';

/** The highlight id of the text a new thread is being written on. */
export const DRAFT_THREAD_ID = 'draft';

function send(editor: Editor, key: typeof clauseViewKey | typeof commentAnchorsKey, model: unknown): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, model).setMeta('addToHistory', false));
}

export function useEditorSync(editor: Editor): void {
  const { snapshot, ui } = useNegotiationContext();
  const { index, state } = snapshot;

  const clauseView = useMemo<ClauseViewModel>(
    () => ({
      statuses: new Map([...index.statusByClause].map(([clauseId, entry]) => [clauseId, entry.status])),
      hidden: ui.openMattersOnly ? settledClauses(index) : new Set(),
      highlighted: ui.highlightedClause,
    }),
    [index, ui.openMattersOnly, ui.highlightedClause],
  );
  useEffect(() => send(editor, clauseViewKey, clauseView), [editor, clauseView]);

  const draftAnchor = ui.draft?.anchor ?? null;
  const anchors = useMemo<CommentAnchorModel>(() => {
    const threads = state.threads.flatMap((thread) =>
      thread.anchor && (!thread.resolvedAt || thread.id === ui.activeThreadId)
        ? [{ id: thread.id, anchor: thread.anchor }]
        : [],
    );
    // The text a new comment is being written on shows as the active highlight.
    if (draftAnchor) threads.push({ id: DRAFT_THREAD_ID, anchor: draftAnchor });
    return { threads, activeThreadId: draftAnchor ? DRAFT_THREAD_ID : ui.activeThreadId };
  }, [state.threads, ui.activeThreadId, draftAnchor]);
  useEffect(() => send(editor, commentAnchorsKey, anchors), [editor, anchors]);
}
