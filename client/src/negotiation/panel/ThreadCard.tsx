/**
 * A comment thread in the panel: where it is (clause, quoted text, or that the
 * text or clause was deleted), its comments, and — once opened — replying,
 * resolving and reopening. Clicking it shows its text in the document.
 */
import type { CommentThread } from '@draftroom/shared';
import { useEffect, useRef } from 'react';
import { formatDateTime } from '../../format';
import { useNegotiationContext } from '../NegotiationContext';
import { canComment, isPenHolder } from '../roles';
import { useNegotiationActions } from '../useNegotiationActions';
import { CommentComposer } from './CommentComposer';
import { CommentItem } from './CommentItem';
import type { ThreadPlacement } from './threadPlacement';

function ThreadTarget({
  thread,
  placement,
}: {
  thread: CommentThread;
  placement: ThreadPlacement | undefined;
}) {
  const clause = placement?.clause ?? null;
  return (
    <>
      <span className="thread__where">
        {clause ? <span className="thread__clause">{clause.number}</span> : null}
        {clause ? null : <span className="thread__flag thread__flag--gone">Clause deleted</span>}
        {placement?.textDeleted ? <span className="thread__flag">On deleted text</span> : null}
        {thread.resolvedAt ? <span className="thread__flag thread__flag--resolved">Resolved</span> : null}
      </span>
      {thread.anchor ? (
        <q className={`thread__quote${placement?.textDeleted || !clause ? ' thread__quote--deleted' : ''}`}>
          {thread.anchor.quote}
        </q>
      ) : (
        <span className="thread__whole">
          {clause ? 'On the whole clause' : 'On a clause that was deleted'}
        </span>
      )}
    </>
  );
}

function ThreadFooter({ thread }: { thread: CommentThread }) {
  const { user, detail } = useNegotiationContext();
  const actions = useNegotiationActions();
  const mayResolve = thread.author.userId === user.id || isPenHolder(detail.role);
  return (
    <div className="thread__footer">
      {canComment(detail.role) && !thread.resolvedAt ? (
        <CommentComposer
          label="Reply"
          submitLabel="Reply"
          placeholder="Reply… Use @ to mention a delegation"
          onSubmit={async (body) => (await actions.reply(thread.id, body)) !== null}
        />
      ) : null}
      {mayResolve ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => void actions.setResolved(thread.id, !thread.resolvedAt)}
        >
          {thread.resolvedAt ? 'Reopen' : 'Resolve'}
        </button>
      ) : null}
    </div>
  );
}

interface ThreadCardProps {
  thread: CommentThread;
  placement: ThreadPlacement | undefined;
  active: boolean;
  unread: boolean;
  onActivate: () => void;
}

export function ThreadCard({ thread, placement, active, unread, onActivate }: ThreadCardProps) {
  const cardRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (active) cardRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [active]);
  const where = placement?.clause ? `clause ${placement.clause.number}` : 'a deleted clause';
  const classes = [
    'thread',
    active ? 'is-active' : '',
    thread.resolvedAt ? 'is-resolved' : '',
    unread ? 'is-unread' : '',
  ];
  return (
    <article
      ref={cardRef}
      className={classes.filter(Boolean).join(' ')}
      data-testid="thread"
      data-thread-id={thread.id}
      aria-label={`Comment thread on ${where}`}
    >
      <button type="button" className="thread__target" aria-expanded={active} onClick={onActivate}>
        <ThreadTarget thread={thread} placement={placement} />
        {unread ? <span className="thread__unread">Mentions you</span> : null}
      </button>
      {thread.resolvedAt && thread.resolvedBy ? (
        <p className="thread__resolved">
          Resolved by {thread.resolvedBy.name} ({thread.resolvedBy.participantCode}),{' '}
          <time dateTime={thread.resolvedAt}>{formatDateTime(thread.resolvedAt)}</time>
        </p>
      ) : null}
      <ol className="thread__comments">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} />
        ))}
      </ol>
      {active ? <ThreadFooter thread={thread} /> : null}
    </article>
  );
}
