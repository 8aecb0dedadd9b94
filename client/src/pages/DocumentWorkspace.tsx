/**
 * The open document: header with role and connection, banners (read-only,
 * connection stopped), and — once the content has arrived — the toolbar,
 * outline, editor and "Online now" list.
 */
import {
  CloseCode,
  canEditText,
  closeCodeExplanation,
  type DocumentDetail,
  type PresenceUser,
  ROLE_LABEL,
  type Role,
  type ServerNotice,
  type UserProfile,
} from '@draftroom/shared';
import { useEffect, useMemo, useRef, useState } from 'react';
import { fetchCurrentUser } from '../api';
import { useAuth } from '../auth';
import { AppHeader } from '../components/AppHeader';
import { ClosedBanner } from '../components/ClosedBanner';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { EditorWorkspace } from '../components/EditorWorkspace';
import { LockIcon } from '../components/icons';
import { PresenceList } from '../components/PresenceList';
import { isClosed, readOnlyNotice } from '../components/readOnlyNotice';
import { SkipLinks } from '../components/SkipLinks';
import { type ToastInput, useToasts } from '../components/Toasts';
import { type ConnectionLabel, type StoppedInfo, useCollaboration } from '../editor/useCollaboration';
import { formatSize } from '../format';
import { DashboardLink, MentionsMenu } from '../negotiation/HeaderItems';
import { NegotiationProvider } from '../negotiation/NegotiationContext';
import {
  receiveNegotiationNotice,
  useNegotiationStore,
  useRefreshOnReconnect,
} from '../negotiation/negotiationSync';
import { useNegotiationLayer } from '../negotiation/useNegotiation';
import { Link } from '../router';
import { VersionHistory } from '../versions/HistoryPanel';

function toPresenceUser(user: UserProfile): PresenceUser {
  return {
    userId: user.id,
    name: user.name,
    participantCode: user.participant.code,
    participantName: user.participant.name,
    color: user.participant.color,
  };
}

/** The toast for a live role change made by an administrator. */
function roleChangedToast(role: Role): ToastInput {
  const label = ROLE_LABEL[role];
  const article = /^[AEIOU]/.test(label) ? 'an' : 'a';
  const effect = canEditText(role) ? 'You can now edit the text.' : 'The text is now read-only for you.';
  return {
    message: `An administrator made you ${article} ${label} on this document. ${effect}`,
    tone: canEditText(role) ? 'success' : 'warning',
    key: 'role-changed',
  };
}

/** The toast for a server notice; unknown kinds are shown when they carry a message. */
function noticeToast(notice: ServerNotice | Record<string, unknown>): ToastInput | null {
  if (notice.kind === 'role-changed') {
    return roleChangedToast((notice as Extract<ServerNotice, { kind: 'role-changed' }>).role);
  }
  if (notice.kind === 'refused') {
    const { reason, closeCode } = notice as Extract<ServerNotice, { kind: 'refused' }>;
    // A locked clause: the plain explanation, not the server's technical reason (which names an id).
    const explained = closeCode === CloseCode.ClauseLocked ? closeCodeExplanation[closeCode] : undefined;
    return {
      message: explained || reason || closeCodeExplanation[closeCode] || 'The server refused a change.',
      tone: 'error',
    };
  }
  if (notice.kind === 'storage-unavailable') {
    const { message } = notice as Extract<ServerNotice, { kind: 'storage-unavailable' }>;
    return { message: message || closeCodeExplanation[CloseCode.StorageUnavailable]!, tone: 'warning' };
  }
  const message = (notice as { message?: unknown }).message;
  return typeof message === 'string' && message ? { message, tone: 'info' } : null;
}

function ReadOnlyBanner({ role, changedLive }: { role: Role; changedLive: boolean }) {
  const label = ROLE_LABEL[role];
  const article = /^[AEIOU]/.test(label) ? 'an' : 'a';
  return (
    <div className="banner banner--readonly" data-testid="read-only-banner">
      <LockIcon />
      <p>
        <strong>
          Read-only — you are {article} {label}
        </strong>
        <span className="banner__detail">
          {changedLive ? ' An administrator changed your role while you were here.' : null}{' '}
          {role === 'commenter'
            ? 'You can comment (select words, then Comment) and record your delegation’s positions, but not change the text.'
            : 'You can read and follow the drafting, but not change the text.'}
        </span>
      </p>
    </div>
  );
}

/** What the user reads when a change cannot be sent as it is (too large, or not accepted). */
function unsendableText(stopped: StoppedInfo): { title: string; detail: string } {
  const kept =
    'It is kept in this browser only: the other delegations do not see it, and nothing you write now is sent until this is solved.';
  if (stopped.tooLarge) {
    const { bytes, limit, limitKnown } = stopped.tooLarge;
    const accepted = limitKnown
      ? `; the server accepts at most ${formatSize(limit)} at once`
      : ', more than the server accepts at once';
    const size = bytes > 0 ? `It is about ${formatSize(bytes)}${accepted}. ` : '';
    return {
      title: 'Your last change was not sent: it is too large.',
      detail: `${size}${kept} Undo it (Ctrl+Z) or delete it, then press Reconnect. To add a long text, paste it in smaller parts.`,
    };
  }
  return {
    title: 'The server did not accept your last change.',
    detail: `${kept} Undo it (Ctrl+Z), then press Reconnect. If it is refused again, discard the unsent changes.`,
  };
}

function StoppedBanner({
  stopped,
  onDiscard,
  onReconnect,
}: {
  stopped: StoppedInfo;
  onDiscard: () => void;
  onReconnect: () => void;
}) {
  if (stopped.reason === 'final') return <ClosedBanner code={stopped.code} message={stopped.message} />;
  if (stopped.reason === 'unsendable') {
    const { title, detail } = unsendableText(stopped);
    return (
      <div className="banner banner--error banner--floating" role="alert" data-testid="connection-stopped">
        <p>
          <strong>{title}</strong> <span data-testid="connection-stopped-detail">{detail}</span>
        </p>
        <div className="banner__actions">
          <button type="button" className="button button--small" onClick={onReconnect}>
            Reconnect
          </button>
          {stopped.tooLarge ? null : (
            <button type="button" className="button button--small" onClick={onDiscard}>
              Discard unsent changes and reload
            </button>
          )}
        </div>
      </div>
    );
  }
  return (
    <div className="banner banner--error" role="alert" data-testid="connection-stopped">
      <p>
        <strong>{stopped.reason === 'refused' ? 'Your changes were refused.' : 'Disconnected.'}</strong>{' '}
        {stopped.message}
      </p>
      {stopped.reason === 'refused' ? (
        <button type="button" className="button button--small" onClick={onDiscard}>
          Discard them and reload
        </button>
      ) : (
        <Link to="/" className="button button--small">
          Back to documents
        </Link>
      )}
    </div>
  );
}

function LoadingWorkspace({
  connection,
  emptyDocument,
}: {
  connection: ConnectionLabel;
  emptyDocument: boolean;
}) {
  let message = 'Loading the document…';
  if (emptyDocument) message = 'This document has no content yet.';
  else if (connection === 'Offline')
    message = 'This document is not stored in this browser yet. It opens when you are back online.';
  return (
    <main className="workspace-loading" aria-busy={!emptyDocument}>
      <div className="paper paper--placeholder">
        <p className="page-state" role="status">
          {emptyDocument ? null : <span className="spinner" aria-hidden="true" />} {message}
        </p>
        <div className="skeleton" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
      </div>
    </main>
  );
}

/**
 * A socket closed for an ended session: the sign-in dialog opens, and signing
 * in again reconnects the same document (its unsent changes go with the sync).
 * When the browser already holds a valid session (the user signed in again
 * meanwhile, and this socket still ran on the old one), it just reconnects.
 */
/**
 * After the session ended: resumes once this browser is signed in again as
 * the same person (`userId`). A session of someone else (another tab signed
 * in as another user) does not count: the dialog asks this person to sign in
 * again, so nothing typed here is sent under another name.
 */
function useSignInAgainToResume(stopped: StoppedInfo | null, resume: () => void, userId: string) {
  const { requireSignIn } = useAuth();
  const latestResume = useRef(resume);
  latestResume.current = resume;
  useEffect(() => {
    if (stopped?.reason !== 'signed-out') return;
    let active = true;
    void (async () => {
      const current = await fetchCurrentUser().catch(() => null);
      const signedIn = current?.id === userId || (await requireSignIn());
      if (active && signedIn) latestResume.current();
    })();
    return () => {
      active = false;
    };
  }, [stopped, requireSignIn, userId]);
}

interface DocumentWorkspaceProps {
  detail: DocumentDetail;
  user: UserProfile;
  onRoleMayHaveChanged: () => void;
}

/** Close codes after which the connection recovers by itself; their toasts go once it has. */
const TRANSIENT_CLOSE_CODES = [
  CloseCode.GoingAway,
  CloseCode.ResyncRequired,
  CloseCode.SendBufferFull,
  CloseCode.RateLimited,
  CloseCode.StorageUnavailable,
];

export function DocumentWorkspace({ detail, user, onRoleMayHaveChanged }: DocumentWorkspaceProps) {
  const { showToast, dismissToast, clearToasts } = useToasts();
  const presenceUser = useMemo(() => toPresenceUser(user), [user]);
  // A refusal notice usually precedes the close it announces; show one message, not two.
  const lastRefusal = useRef<{ code: number; at: number } | null>(null);
  // A role announced by the server applies at once, until the reloaded details confirm it.
  const [liveRole, setLiveRole] = useState<{ role: Role; detail: DocumentDetail } | null>(null);
  const role = liveRole?.detail === detail ? liveRole.role : detail.role;
  const negotiation = useNegotiationStore(detail.id);
  const collab = useCollaboration(
    detail.id,
    presenceUser,
    {
      onNotice: (notice) => {
        if (receiveNegotiationNotice(negotiation, notice)) return;
        const toast = noticeToast(notice);
        if (toast) showToast(toast);
        if (notice.kind === 'refused')
          lastRefusal.current = { code: Number(notice.closeCode), at: Date.now() };
        if (notice.kind === 'role-changed') {
          setLiveRole({ role: (notice as Extract<ServerNotice, { kind: 'role-changed' }>).role, detail });
        }
        if (notice.kind === 'role-changed' || notice.kind === 'refused') onRoleMayHaveChanged();
      },
      onCloseExplained: (code, message) => {
        const announced = lastRefusal.current?.code === code && Date.now() - lastRefusal.current.at < 5000;
        if (!announced) {
          showToast({
            message,
            tone: code === CloseCode.GoingAway ? 'info' : 'warning',
            key: `close-${code}`,
          });
        }
        if (code === CloseCode.Forbidden) onRoleMayHaveChanged();
      },
    },
    detail.limits.maxMessageBytes,
  );
  // Stopped for a change too large or for an ended session: editing goes on in this browser
  // (undoing the large change is how the user gets going again).
  const editable =
    canEditText(role) &&
    (collab.stopped === null ||
      collab.stopped.reason === 'unsendable' ||
      collab.stopped.reason === 'signed-out');
  // Closed for good (access removed): the text stays, dimmed; earlier messages no longer apply.
  const closed = isClosed(collab.stopped);
  const readOnly = readOnlyNotice(role, collab.stopped, user.participant.name);
  useEffect(() => {
    if (closed) clearToasts();
  }, [closed, clearToasts]);
  useSignInAgainToResume(collab.stopped, collab.resume, user.id);
  useRefreshOnReconnect(negotiation, collab.session);
  const negotiationLayer = useNegotiationLayer(negotiation);
  // The negotiation controls follow a live role change too.
  const negotiationRole: Role = closed ? 'observer' : role;
  const negotiationDetail = useMemo(
    () => (negotiationRole === detail.role ? detail : { ...detail, role: negotiationRole }),
    [detail, negotiationRole],
  );

  useEffect(() => {
    if (collab.connection !== 'Connected') return;
    for (const code of TRANSIENT_CLOSE_CODES) dismissToast(`close-${code}`);
  }, [collab.connection, dismissToast]);
  const presence = <PresenceList people={collab.presence} />;

  return (
    <NegotiationProvider store={negotiation} detail={negotiationDetail} user={user}>
      <div className="app-shell app-shell--document">
        <SkipLinks />
        <AppHeader
          user={user}
          processName={detail.process.name}
          documentTitle={detail.title}
          role={closed ? 'none' : role}
          status={
            <>
              <VersionHistory documentId={detail.id} role={role} />
              <DashboardLink documentId={detail.id} />
              <MentionsMenu />
              <ConnectionStatus state={collab.connection} />
            </>
          }
        />
        {canEditText(role) || closed ? null : <ReadOnlyBanner role={role} changedLive={liveRole !== null} />}
        {collab.stopped && collab.stopped.reason !== 'signed-out' ? (
          <StoppedBanner
            stopped={collab.stopped}
            onDiscard={collab.discardLocalCopy}
            onReconnect={collab.resume}
          />
        ) : null}
        {collab.session && collab.contentReady ? (
          <EditorWorkspace
            key={collab.session.documentId}
            session={collab.session}
            user={presenceUser}
            editable={editable}
            documentTitle={detail.title}
            presence={presence}
            layer={negotiationLayer}
            readOnly={readOnly}
            closed={closed}
          />
        ) : (
          <div className="doc-layout doc-layout--loading">
            <LoadingWorkspace connection={collab.connection} emptyDocument={collab.emptyDocument} />
            <aside className="doc-layout__presence">{presence}</aside>
          </div>
        )}
      </div>
    </NegotiationProvider>
  );
}
