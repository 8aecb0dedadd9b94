/**
 * The right-hand column of the document: a switch between the comments panel
 * and the amendments panel (both stay mounted, so a reply or a filter being
 * set survives a switch).
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useRef } from 'react';
import '../styles/amendments.css';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { CommentsPanel } from '../negotiation/panel/CommentsPanel';
import { useAmendments } from './AmendmentsContext';
import { AmendmentsPanel } from './AmendmentsPanel';
import { isOpenAmendment } from './amendmentModel';

/** Opening a comment (from the text, a margin count or a mention) brings the comments panel back. */
function useCommentsComeForward(): void {
  const { ui } = useNegotiationContext();
  const { updateUi } = useAmendments();
  const seen = useRef({ filter: ui.filter, draft: ui.draft, thread: ui.activeThreadId });
  useEffect(() => {
    const previous = seen.current;
    seen.current = { filter: ui.filter, draft: ui.draft, thread: ui.activeThreadId };
    const opened =
      previous.filter !== ui.filter ||
      (ui.draft !== null && previous.draft !== ui.draft) ||
      (ui.activeThreadId !== null && previous.thread !== ui.activeThreadId);
    if (opened) updateUi({ sidebar: 'comments' });
  }, [ui.filter, ui.draft, ui.activeThreadId, updateUi]);
}

export function NegotiationSidebar({ editor }: { editor: Editor }) {
  const { snapshot } = useNegotiationContext();
  const { ui, updateUi } = useAmendments();
  useCommentsComeForward();
  const open = snapshot.state.amendments.filter(isOpenAmendment).length;
  return (
    <>
      <fieldset className="segmented sidebar-switch">
        <legend className="visually-hidden">Show in the side panel</legend>
        <button
          type="button"
          className="segmented__option"
          aria-pressed={ui.sidebar === 'comments'}
          onClick={() => updateUi({ sidebar: 'comments' })}
        >
          Comments
        </button>
        <button
          type="button"
          className="segmented__option"
          aria-pressed={ui.sidebar === 'amendments'}
          data-testid="show-amendments-panel"
          onClick={() => updateUi({ sidebar: 'amendments' })}
        >
          Amendments{open > 0 ? ` (${open})` : ''}
        </button>
      </fieldset>
      <div hidden={ui.sidebar !== 'comments'}>
        <CommentsPanel editor={editor} />
      </div>
      <AmendmentsPanel editor={editor} hidden={ui.sidebar !== 'amendments'} />
    </>
  );
}
