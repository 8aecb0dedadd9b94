/**
 * The comments panel beside the document: filters, a new thread being
 * written, and the threads in document order. Threads on deleted clauses stay
 * here; opening one shows its text in the document and marks it read.
 */
import type { CommentThread } from '@draftroom/shared';
import type { Editor } from '@tiptap/core';
import { useMemo, useState } from 'react';
import '../../styles/search.css';
import type { ClauseDirectory } from '../clauseDirectory';
import {
  DEFAULT_FILTER,
  type ThreadDraft,
  type ThreadFilter,
  useNegotiationContext,
} from '../NegotiationContext';
import { useClauseDirectory } from '../useClauseDirectory';
import { useNegotiationActions } from '../useNegotiationActions';
import { CommentComposer } from './CommentComposer';
import { CommentSearch } from './CommentSearch';
import { searchTerms, threadMatchesSearch } from './commentSearch';
import { PanelAlert, SidePanel } from './SidePanel';
import { ThreadCard } from './ThreadCard';
import { ThreadFilters } from './ThreadFilters';
import { filterThreads, placeThreads } from './threadPlacement';

function NewThread({ draft, directory }: { draft: ThreadDraft; directory: ClauseDirectory }) {
  const { updateUi } = useNegotiationContext();
  const actions = useNegotiationActions();
  const clause = directory.byId.get(draft.clauseId);
  const number = clause?.number ?? '';
  return (
    <div className="new-thread" data-testid="new-thread">
      <p className="new-thread__title">New comment on clause {number}</p>
      {draft.anchor ? (
        <blockquote className="quote">{draft.anchor.quote}</blockquote>
      ) : (
        <p className="new-thread__whole">On the whole clause</p>
      )}
      <CommentComposer
        key={`${draft.clauseId}:${draft.anchor?.start ?? ''}`}
        label={`Comment on clause ${number}`}
        submitLabel="Comment"
        autoFocus
        onCancel={() => updateUi({ draft: null })}
        onSubmit={async (body) => {
          const thread = await actions.createThread(draft.clauseId, draft.anchor, body);
          if (thread) {
            updateUi((current) => ({
              draft: null,
              activeThreadId: thread.id,
              filter: {
                ...current.filter,
                status: current.filter.status === 'resolved' ? 'open' : current.filter.status,
                clauseId: null,
              },
            }));
          }
          return thread !== null;
        }}
      />
    </div>
  );
}

function emptyMessage(total: number): string {
  return total === 0
    ? 'No comments yet. Select text in a clause and choose “Comment”.'
    : 'No threads match these filters.';
}

/** The count beside the title follows the selected tab: open, resolved or all threads. */
function countedThreads(threads: CommentThread[], status: ThreadFilter['status']) {
  const count =
    status === 'all'
      ? threads.length
      : threads.filter((thread) => (status === 'resolved') === Boolean(thread.resolvedAt)).length;
  const kind = status === 'all' ? '' : `${status} `;
  return { count, label: `${count} ${kind}thread${count === 1 ? '' : 's'}` };
}

export function CommentsPanel({ editor }: { editor: Editor }) {
  const { snapshot, ui, updateUi, user, mentions, markRead, documentId } = useNegotiationContext();
  const directory = useClauseDirectory(editor);
  const threads = snapshot.state.threads;
  const placements = useMemo(
    () => placeThreads(threads, directory, editor.state),
    [threads, directory, editor],
  );
  const [query, setQuery] = useState('');
  const terms = searchTerms(query);
  const matches = (thread: CommentThread) =>
    threadMatchesSearch(thread, terms, placements.get(thread.id)?.clause?.number);
  const shown = filterThreads(threads, placements, ui.filter, user.participant.code).filter(matches);
  const hiddenMatches = terms.length > 0 ? threads.filter(matches).length - shown.length : 0;
  const counted = countedThreads(threads, ui.filter.status);
  const unread = new Set(
    (mentions?.mentions ?? [])
      .filter((mention) => mention.unread && mention.thread.documentId === documentId)
      .map((mention) => mention.thread.id),
  );
  const activate = (threadId: string) => {
    updateUi((current) => ({ activeThreadId: current.activeThreadId === threadId ? null : threadId }));
    markRead(threadId);
  };
  return (
    <SidePanel name="comments" title="Comments" count={counted.count} countTitle={counted.label}>
      <CommentSearch
        query={query}
        onChange={setQuery}
        shown={shown.length}
        hidden={hiddenMatches}
        onShowHidden={() => updateUi({ filter: { ...DEFAULT_FILTER, status: 'all' }, activeThreadId: null })}
      />
      <ThreadFilters threads={threads} directory={directory} />
      {ui.draft ? <NewThread draft={ui.draft} directory={directory} /> : null}
      <PanelAlert message={snapshot.status === 'error' ? snapshot.error : null} />
      {shown.length === 0 ? (
        <p className="panel__hint">
          {snapshot.status === 'loading' ? 'Loading comments…' : emptyMessage(threads.length)}
        </p>
      ) : (
        <div className="thread-list">
          {shown.map((thread) => (
            <ThreadCard
              key={thread.id}
              thread={thread}
              placement={placements.get(thread.id)}
              active={ui.activeThreadId === thread.id}
              unread={unread.has(thread.id)}
              onActivate={() => activate(thread.id)}
            />
          ))}
        </div>
      )}
    </SidePanel>
  );
}
