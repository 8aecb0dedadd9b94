/**
 * The negotiation strip under each clause — status, delegation positions,
 * one's own position, history, "Propose" — and the comment and amendment
 * counts in its margin.
 */
import type { Editor } from '@tiptap/core';
import { ClauseAmendments } from '../../amendments/ClauseAmendments';
import { CommentIcon } from '../icons';
import { DEFAULT_FILTER, useNegotiationContext } from '../NegotiationContext';
import { canComment } from '../roles';
import { threadDraftFor } from '../threadDraft';
import { ClauseHistoryButton } from './ClauseHistory';
import { PositionChips, PositionControl } from './Positions';
import { StatusControl } from './StatusControl';

interface ClauseStripProps {
  editor: Editor;
  clauseId: string;
  number: string;
}

function CommentMargin({ editor, clauseId, number }: ClauseStripProps) {
  const { snapshot, detail, updateUi } = useNegotiationContext();
  const threads = snapshot.index.threadsByClause.get(clauseId) ?? [];
  const open = threads.filter((thread) => !thread.resolvedAt).length;
  if (threads.length === 0 && !canComment(detail.role)) return null;
  const onClick = () => {
    if (threads.length === 0) {
      updateUi({ draft: threadDraftFor(editor, clauseId), activeThreadId: null });
      return;
    }
    updateUi({
      filter: { ...DEFAULT_FILTER, status: open > 0 ? 'open' : 'all', clauseId },
      activeThreadId: null,
    });
  };
  const label =
    threads.length === 0
      ? `Comment on clause ${number}`
      : `Clause ${number}: ${open} open of ${threads.length} comment threads. Show them`;
  return (
    <button
      type="button"
      className={`comment-margin${threads.length === 0 ? ' comment-margin--empty' : ''}${open === 0 ? ' comment-margin--settled' : ''}`}
      aria-label={label}
      title={label}
      data-testid="comment-count"
      onClick={onClick}
    >
      <CommentIcon size={15} />
      <span className="comment-margin__count">{threads.length === 0 ? '+' : open || threads.length}</span>
    </button>
  );
}

export function ClauseStrip({ editor, clauseId, number }: ClauseStripProps) {
  const { snapshot, detail } = useNegotiationContext();
  const status = snapshot.index.statusByClause.get(clauseId)?.status ?? 'open';
  const positions = snapshot.index.positionsByClause.get(clauseId) ?? [];
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of controls inside the editor, not a form fieldset
    <div className="clause-strip__bar" role="group" aria-label={`Negotiation of clause ${number}`}>
      <StatusControl clauseId={clauseId} number={number} status={status} />
      <PositionChips positions={positions} />
      {canComment(detail.role) ? <PositionControl clauseId={clauseId} number={number} /> : null}
      <ClauseHistoryButton clauseId={clauseId} number={number} />
      <ClauseAmendments editor={editor} clauseId={clauseId} number={number} />
      <CommentMargin editor={editor} clauseId={clauseId} number={number} />
    </div>
  );
}
