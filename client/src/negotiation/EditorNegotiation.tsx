/**
 * The negotiation layer inside the editor: each clause's strip and each
 * bracket's alternatives (React portals into the editor's widgets), the
 * plugins kept in step with the state, jumps to clauses and threads, and
 * clicks on highlighted text opening their thread.
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import { BracketTail } from './bracket/BracketTail';
import { ClauseStrip } from './clause/ClauseStrip';
import { DRAFT_THREAD_ID, useEditorSync } from './editor/useEditorSync';
import { useReveal } from './editor/useReveal';
import { useNegotiationContext } from './NegotiationContext';
import { useClauseDirectory } from './useClauseDirectory';

/** A click on commented text opens its thread. */
function useAnchorClicks(editor: Editor): void {
  const { updateUi, markRead } = useNegotiationContext();
  useEffect(() => {
    const dom = editor.view.dom;
    const onClick = (event: MouseEvent) => {
      const target = event.target instanceof Element ? event.target.closest('[data-thread-id]') : null;
      const threadId = target?.getAttribute('data-thread-id');
      if (!threadId || threadId === DRAFT_THREAD_ID) return;
      updateUi({ activeThreadId: threadId });
      markRead(threadId);
    };
    dom.addEventListener('click', onClick);
    return () => dom.removeEventListener('click', onClick);
  }, [editor, updateUi, markRead]);
}

export function EditorNegotiation({ editor }: { editor: Editor }) {
  const { clauseStrips, bracketWidgets } = editor.storage.negotiation;
  const directory = useClauseDirectory(editor);
  const strips = useSyncExternalStore(clauseStrips.subscribe, clauseStrips.getSnapshot);
  const brackets = useSyncExternalStore(bracketWidgets.subscribe, bracketWidgets.getSnapshot);
  useEditorSync(editor);
  useReveal(editor);
  useAnchorClicks(editor);
  return (
    <>
      {strips.map((slot) =>
        createPortal(
          <ClauseStrip
            editor={editor}
            clauseId={slot.key}
            number={directory.byId.get(slot.key)?.number ?? ''}
          />,
          slot.element,
          slot.key,
        ),
      )}
      {brackets.map((slot) =>
        createPortal(<BracketTail editor={editor} bracketId={slot.key} />, slot.element, slot.key),
      )}
    </>
  );
}
