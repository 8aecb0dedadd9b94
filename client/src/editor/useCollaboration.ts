/**
 * Opens a document for collaborative editing and reports, as React state,
 * whether its content is loaded, the connection state, who is online, and
 * why the connection stopped (if it did).
 */
import {
  CloseCode,
  CONTENT_FIELD,
  closeCodeExplanation,
  FINAL_CLOSE_CODES,
  type PresenceUser,
  type ServerNotice,
  UNRESENDABLE_CLOSE_CODES,
} from '@draftroom/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { checkSession } from '../api';
import { deleteOfflineCopy, offlineStoreName } from '../offlineStore';
import { type CollabSession, openCollabSession } from './collabSession';
import type { TooLarge } from './outgoingChanges';
import { type PresenceEntry, readPresence } from './presence';

export type ConnectionLabel = 'Connected' | 'Reconnecting…' | 'Offline' | 'Disconnected';
type ProviderStatus = 'connected' | 'connecting' | 'disconnected';

export interface StoppedInfo {
  code: number;
  message: string;
  /**
   * `final`: the server said retrying cannot help. `refused`: it keeps refusing this browser's changes
   * (role, locked clause). `unsendable`: the server cannot take a change as it is (too large, malformed);
   * the user changes it and reconnects. `signed-out`: the session ended; signing in again resumes.
   */
  reason: 'final' | 'refused' | 'unsendable' | 'signed-out';
  /** For a change too large to send: its size and the largest frame the server accepts. */
  tooLarge?: TooLarge;
}

export interface CollaborationHandlers {
  onNotice: (notice: ServerNotice | Record<string, unknown>) => void;
  /** A connection closed with a code that has an explanation worth showing. */
  onCloseExplained: (code: number, message: string) => void;
}

/** Closes after which the same change would be refused again (a role without rights, a locked clause). */
const REFUSAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.Forbidden, CloseCode.ClauseLocked]);

/** Two refusals within this window stop the reconnect loop. */
const REFUSAL_WINDOW_MS = 60_000;

/** Connection attempts failing before they open (e.g. an upgrade refused with 401) before the session is checked. */
const FAILED_OPENS_BEFORE_SESSION_CHECK = 2;
/** At most one such check per this interval. */
const SESSION_CHECK_INTERVAL_MS = 10_000;

export function connectionLabel(online: boolean, status: ProviderStatus, stopped: boolean): ConnectionLabel {
  if (stopped) return 'Disconnected';
  if (!online) return 'Offline';
  return status === 'connected' ? 'Connected' : 'Reconnecting…';
}

function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/** Content is ready once the server or the offline copy delivered a non-empty document. */
function useContentReady(session: CollabSession | null) {
  const [contentReady, setContentReady] = useState(false);
  const [emptyDocument, setEmptyDocument] = useState(false);
  useEffect(() => {
    setContentReady(false);
    setEmptyDocument(false);
    if (!session) return;
    const { ydoc, provider, persistence } = session;
    const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
    const check = () => {
      const loaded = persistence.synced || provider.synced;
      if (loaded && fragment.length > 0) setContentReady(true);
      setEmptyDocument(provider.synced && fragment.length === 0);
    };
    check();
    persistence.on('synced', check);
    provider.on('sync', check);
    ydoc.on('update', check);
    return () => {
      persistence.off('synced', check);
      provider.off('sync', check);
      ydoc.off('update', check);
    };
  }, [session]);
  return { contentReady, emptyDocument };
}

function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/**
 * A socket that keeps failing before it opens may be refused for an expired
 * session (the browser only reports 1006): asks the API, at most once per
 * interval, and calls `onExpired` when the session is gone.
 */
function useSessionCheckOnFailedOpens(session: CollabSession | null, onExpired: () => void) {
  const latestOnExpired = useLatest(onExpired);
  useEffect(() => {
    if (!session) return;
    const { provider } = session;
    let opened = false;
    let failedOpens = 0;
    let lastCheck = 0;
    let active = true;
    const onStatus = (event: { status: ProviderStatus }) => {
      if (event.status === 'connected') {
        opened = true;
        failedOpens = 0;
      }
    };
    const onClose = (event: CloseEvent | null) => {
      if (!event) return;
      failedOpens = opened ? 0 : failedOpens + 1;
      opened = false;
      const now = Date.now();
      if (failedOpens < FAILED_OPENS_BEFORE_SESSION_CHECK || now - lastCheck < SESSION_CHECK_INTERVAL_MS)
        return;
      if (!navigator.onLine) return;
      lastCheck = now;
      void checkSession().then((state) => {
        if (active && state === 'expired') latestOnExpired.current();
      });
    };
    provider.on('status', onStatus);
    provider.on('connection-close', onClose);
    return () => {
      active = false;
      provider.off('status', onStatus);
      provider.off('connection-close', onClose);
    };
  }, [session, latestOnExpired]);
}

function useConnection(session: CollabSession | null, handlers: { readonly current: CollaborationHandlers }) {
  const online = useBrowserOnline();
  const [status, setStatus] = useState<ProviderStatus>('connecting');
  const [stopped, setStopped] = useState<StoppedInfo | null>(null);
  const refusals = useRef<number[]>([]);

  useEffect(() => {
    setStopped(null);
    refusals.current = [];
    if (!session) {
      setStatus('connecting');
      return;
    }
    const { provider, outgoing } = session;
    // The socket may have opened before this effect subscribed.
    setStatus(providerStatus(provider));
    const onStatus = (event: { status: ProviderStatus }) => setStatus(event.status);
    const onClose = (event: CloseEvent | null) => {
      if (!event) return;
      const message = closeCodeExplanation[event.code];
      if (event.code === CloseCode.Unauthenticated) {
        setStopped({ code: event.code, message: message ?? '', reason: 'signed-out' });
        return;
      }
      if (FINAL_CLOSE_CODES.has(event.code)) {
        provider.shouldConnect = false;
        setStopped({ code: event.code, message: message ?? 'The connection was closed.', reason: 'final' });
        return;
      }
      // 1009 is reported by `outgoing`, with the sizes.
      if (event.code === CloseCode.MessageTooBig) return;
      if (UNRESENDABLE_CLOSE_CODES.has(event.code)) {
        setStopped({ code: event.code, message: message ?? '', reason: 'unsendable' });
        return;
      }
      if (message) handlers.current.onCloseExplained(event.code, message);
      // A refused change stays in this browser and is sent again on reconnect: stop after a repeat.
      if (REFUSAL_CLOSE_CODES.has(event.code) && isRepeatedRefusal(refusals.current)) {
        provider.disconnect();
        setStopped({ code: event.code, message: message ?? '', reason: 'refused' });
      }
    };
    const stopTooLarge = outgoing.onTooLarge((tooLarge) => {
      provider.shouldConnect = false;
      setStopped({ code: CloseCode.MessageTooBig, message: '', reason: 'unsendable', tooLarge });
    });
    provider.on('status', onStatus);
    provider.on('connection-close', onClose);
    return () => {
      stopTooLarge();
      provider.off('status', onStatus);
      provider.off('connection-close', onClose);
    };
  }, [session, handlers]);

  useSessionCheckOnFailedOpens(session, () => {
    session?.provider.disconnect();
    setStopped({ code: CloseCode.Unauthenticated, message: '', reason: 'signed-out' });
  });

  // Going offline pauses the connection (edits stay in this browser); coming back resumes it.
  useEffect(() => {
    if (!session || stopped) return;
    if (online) session.provider.connect();
    else session.provider.disconnect();
  }, [session, online, stopped]);

  /** Connects again after a stop the user has dealt with (signed in again, undid the large change). */
  const resume = useCallback(() => {
    if (!session) return;
    // After a malformed-change refusal, what the undo history keeps of the undone change is let go too.
    const notAccepted = stopped?.reason === 'unsendable' && stopped.code !== CloseCode.MessageTooBig;
    refusals.current = [];
    setStopped(null);
    session.outgoing.resume({ releaseDeletedContent: notAccepted });
  }, [session, stopped]);

  return { connection: connectionLabel(online, status, stopped !== null), stopped, resume };
}

function providerStatus(provider: CollabSession['provider']): ProviderStatus {
  if (provider.wsconnected) return 'connected';
  return provider.wsconnecting || provider.shouldConnect ? 'connecting' : 'disconnected';
}

function isRepeatedRefusal(times: number[]): boolean {
  const now = Date.now();
  times.push(now);
  while (times.length > 0 && (times[0] ?? now) < now - REFUSAL_WINDOW_MS) times.shift();
  return times.length >= 2;
}

function usePresence(session: CollabSession | null, user: PresenceUser): PresenceEntry[] {
  const [presence, setPresence] = useState<PresenceEntry[]>([]);
  useEffect(() => {
    if (!session) {
      setPresence([]);
      return;
    }
    const { awareness } = session.provider;
    awareness.setLocalStateField('user', user);
    const update = () => setPresence(readPresence(awareness.getStates(), user.userId));
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [session, user]);
  return presence;
}

/**
 * The document's collaboration session. `frameLimit`: the server's
 * MAX_MESSAGE_BYTES (DocumentDetail.limits), the largest frame it accepts.
 */
export function useCollaboration(
  documentId: string,
  user: PresenceUser,
  handlers: CollaborationHandlers,
  frameLimit?: number,
) {
  const [session, setSession] = useState<CollabSession | null>(null);
  const latestHandlers = useLatest(handlers);

  useEffect(() => {
    const opened = openCollabSession(documentId, {
      onNotice: (notice) => latestHandlers.current.onNotice(notice),
      frameLimit,
      userId: user.userId,
    });
    setSession(opened);
    return () => {
      opened.destroy();
      setSession(null);
    };
  }, [documentId, latestHandlers, frameLimit, user.userId]);

  const { contentReady, emptyDocument } = useContentReady(session);
  const { connection, stopped, resume } = useConnection(session, latestHandlers);
  const presence = usePresence(session, user);

  /** Drops this browser's copy of the document (including refused changes) and loads it fresh. */
  const discardLocalCopy = useCallback(async () => {
    session?.destroy();
    await deleteOfflineCopy(offlineStoreName(documentId, user.userId));
    window.location.reload();
  }, [session, documentId, user.userId]);

  return { session, contentReady, emptyDocument, connection, stopped, resume, presence, discardLocalCopy };
}
