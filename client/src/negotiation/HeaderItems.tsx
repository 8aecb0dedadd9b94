/** Header items of a document: the mentions of my delegation (unread badge and list) and the dashboard link. */

import { formatRelativeTime } from '../format';
import { documentPath, Link, navigate } from '../router';
import type { MentionEntry } from './api';
import { BellIcon, DashboardIcon } from './icons';
import { shorten } from './labels';
import { DEFAULT_FILTER, useNegotiationContext } from './NegotiationContext';
import { Popover, usePopover } from './Popover';

export function dashboardPath(documentId: string): string {
  return `${documentPath(documentId)}/dashboard`;
}

function latestMention(entry: MentionEntry, code: string) {
  const mentioning = entry.thread.comments.filter((comment) => comment.mentions.includes(code));
  return mentioning.at(-1) ?? entry.thread.comments[0];
}

function MentionList({ onOpen }: { onOpen: (entry: MentionEntry) => void }) {
  const { mentions, user, documentId } = useNegotiationContext();
  const entries = [...(mentions?.mentions ?? [])].sort((a, b) => Number(b.unread) - Number(a.unread));
  if (entries.length === 0) {
    return <p className="popover__meta">No comment mentions @{user.participant.code} yet.</p>;
  }
  return (
    <ul className="mention-list" data-testid="mention-list">
      {entries.map((entry) => {
        const comment = latestMention(entry, user.participant.code);
        return (
          <li key={entry.thread.id}>
            <button
              type="button"
              className={`mention-list__item${entry.unread ? ' is-unread' : ''}`}
              onClick={() => onOpen(entry)}
            >
              <span className="mention-list__who">
                {comment?.author.name} <span className="code-chip">{comment?.author.participantCode}</span>
                {entry.unread ? <span className="mention-list__new">New</span> : null}
              </span>
              <span className="mention-list__text">{shorten(comment?.body ?? '', 120)}</span>
              <span className="mention-list__meta">
                {entry.thread.documentId === documentId ? 'This document' : 'Another document'}
                {comment ? ` · ${formatRelativeTime(comment.createdAt)}` : ''}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function MentionsMenu() {
  const { mentions, user, documentId, updateUi, markRead } = useNegotiationContext();
  const popover = usePopover();
  const unread = mentions?.unread ?? 0;
  const open = (entry: MentionEntry) => {
    popover.close();
    markRead(entry.thread.id);
    if (entry.thread.documentId !== documentId) {
      navigate(`${documentPath(entry.thread.documentId)}#thread-${entry.thread.id}`);
      return;
    }
    updateUi({ activeThreadId: entry.thread.id, filter: { ...DEFAULT_FILTER, status: 'all' } });
  };
  const label =
    unread > 0
      ? `Mentions of ${user.participant.code}: ${unread} unread`
      : `Mentions of ${user.participant.code}`;
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className="button button--quiet button--small header-mentions"
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        title={label}
        data-testid="mentions-button"
        onClick={popover.toggle}
      >
        <BellIcon />
        {unread > 0 ? (
          <span className="header-mentions__badge" data-testid="mentions-unread">
            {unread}
          </span>
        ) : null}
      </button>
      {popover.open ? (
        <Popover
          anchorRef={popover.anchorRef}
          onClose={popover.close}
          label={label}
          className="popover--wide"
        >
          <p className="popover__title">Comments mentioning @{user.participant.code}</p>
          <MentionList onOpen={open} />
        </Popover>
      ) : null}
    </>
  );
}

export function DashboardLink({ documentId }: { documentId: string }) {
  return (
    <Link
      to={dashboardPath(documentId)}
      className="button button--quiet button--small"
      title="Negotiation dashboard"
    >
      <DashboardIcon />
      <span className="header-link__text">Dashboard</span>
    </Link>
  );
}
