/** One comment of a thread: author, time, text with @mentions; editing and deleting one's own. */
import type { Comment } from '@draftroom/shared';
import { Fragment, useState } from 'react';
import { formatDateTime, formatRelativeTime } from '../../format';
import { useNegotiationContext } from '../NegotiationContext';
import { useNegotiationActions } from '../useNegotiationActions';
import { CommentComposer } from './CommentComposer';

/** The text with each mentioned `@CODE` marked (and the user's own delegation stressed). */
export function CommentText({ comment, myCode }: { comment: Comment; myCode: string }) {
  if (comment.mentions.length === 0) return <>{comment.body}</>;
  const pattern = new RegExp(
    `(@(?:${comment.mentions.map((code) => code.replace(/-/g, '\\-')).join('|')})\\b)`,
  );
  return (
    <>
      {comment.body.split(pattern).map((part, index) => {
        const key = `${index}:${part}`;
        if (index % 2 === 0) return <Fragment key={key}>{part}</Fragment>;
        const mine = part.slice(1) === myCode;
        return (
          <mark key={key} className={`mention${mine ? ' mention--mine' : ''}`}>
            {part}
          </mark>
        );
      })}
    </>
  );
}

function CommentHeader({ comment }: { comment: Comment }) {
  return (
    <header className="comment__header">
      <span className="comment__author">{comment.author.name}</span>
      <span className="code-chip">{comment.author.participantCode}</span>
      <time className="comment__time" dateTime={comment.createdAt} title={formatDateTime(comment.createdAt)}>
        {formatRelativeTime(comment.createdAt)}
      </time>
      {comment.editedAt && !comment.deletedAt ? (
        <span className="comment__edited" title={`Edited ${formatDateTime(comment.editedAt)}`}>
          edited
        </span>
      ) : null}
    </header>
  );
}

export function CommentItem({ comment }: { comment: Comment }) {
  const { user } = useNegotiationContext();
  const actions = useNegotiationActions();
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-delete'>('view');
  const own = comment.author.userId === user.id && !comment.deletedAt;

  if (comment.deletedAt) {
    return (
      <li className="comment comment--deleted" data-testid="comment">
        <CommentHeader comment={comment} />
        <p className="comment__tombstone">Comment deleted</p>
      </li>
    );
  }
  return (
    <li className="comment" data-testid="comment">
      <CommentHeader comment={comment} />
      {mode === 'edit' ? (
        <CommentComposer
          label="Edit your comment"
          submitLabel="Save"
          initialBody={comment.body}
          onCancel={() => setMode('view')}
          onSubmit={async (body) => {
            const saved = await actions.editComment(comment.id, body);
            if (saved) setMode('view');
            return saved !== null;
          }}
        />
      ) : (
        <p className="comment__body">
          <CommentText comment={comment} myCode={user.participant.code} />
        </p>
      )}
      {own && mode === 'view' ? (
        <div className="comment__actions">
          <button type="button" className="link-button" onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" className="link-button" onClick={() => setMode('confirm-delete')}>
            Delete
          </button>
        </div>
      ) : null}
      {mode === 'confirm-delete' ? (
        <div className="comment__confirm">
          <span className="comment__confirm-question">
            Delete this comment? Its author and time stay visible.
          </span>
          <button
            type="button"
            className="button button--small"
            aria-label="Confirm: delete this comment"
            onClick={async () => {
              if (await actions.deleteComment(comment.id)) setMode('view');
            }}
          >
            Delete
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={() => setMode('view')}
          >
            Keep it
          </button>
        </div>
      ) : null}
    </li>
  );
}
