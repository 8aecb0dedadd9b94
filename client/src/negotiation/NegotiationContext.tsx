/**
 * What every part of the negotiation layer shares: the document, the signed-in
 * user, the live negotiation state, the view state (comment filters, the
 * active thread, a thread being written, the "open matters only" filter) and
 * the mentions of the user's delegation.
 */
import type { DocumentDetail, RangeAnchor, UserProfile } from '@draftroom/shared';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { AmendmentsProvider } from '../amendments/AmendmentsContext';
import { useToasts } from '../components/Toasts';
import { fetchMentions, type MentionsResponse, markThreadRead } from './api';
import type { NegotiationSnapshot, NegotiationStore } from './negotiationStore';

export interface ThreadFilter {
  status: 'open' | 'resolved' | 'all';
  mentioningMe: boolean;
  /** A participant code ('' = everyone): threads it started or took part in. */
  participant: string;
  /** A section id ('' = all sections). */
  sectionId: string;
  /** Only this clause's threads (from its margin count), or null. */
  clauseId: string | null;
}

/** A thread being written: on a clause, optionally on a range of its text. */
export interface ThreadDraft {
  clauseId: string;
  anchor: RangeAnchor | null;
}

export interface NegotiationUi {
  filter: ThreadFilter;
  activeThreadId: string | null;
  draft: ThreadDraft | null;
  openMattersOnly: boolean;
  /** The clause highlighted after a jump to it (shown even when the filter would hide it). */
  highlightedClause: string | null;
  /** A request to scroll to a clause and highlight it (`at` tells repeated requests apart). */
  reveal: { clauseId: string; at: number } | null;
}

export const DEFAULT_FILTER: ThreadFilter = {
  status: 'open',
  mentioningMe: false,
  participant: '',
  sectionId: '',
  clauseId: null,
};

const INITIAL_UI: NegotiationUi = {
  filter: DEFAULT_FILTER,
  activeThreadId: null,
  draft: null,
  openMattersOnly: false,
  highlightedClause: null,
  reveal: null,
};

type UiChange = Partial<NegotiationUi> | ((ui: NegotiationUi) => Partial<NegotiationUi>);

export interface NegotiationContextValue {
  documentId: string;
  detail: DocumentDetail;
  user: UserProfile;
  store: NegotiationStore;
  snapshot: NegotiationSnapshot;
  ui: NegotiationUi;
  updateUi: (change: UiChange) => void;
  /** Runs a request; a failure is shown as a toast and gives null. */
  perform: <T>(action: () => Promise<T>, success?: string) => Promise<T | null>;
  mentions: MentionsResponse | null;
  refreshMentions: () => void;
  /** Marks a thread read when it mentions the user's delegation and is unread. */
  markRead: (threadId: string) => void;
}

const NegotiationContext = createContext<NegotiationContextValue | null>(null);

export function useNegotiationContext(): NegotiationContextValue {
  const value = useContext(NegotiationContext);
  if (!value) throw new Error('useNegotiationContext must be used inside <NegotiationProvider>');
  return value;
}

function useMentions(store: NegotiationStore, participantCode: string) {
  const [mentions, setMentions] = useState<MentionsResponse | null>(null);
  const refreshMentions = useCallback(() => {
    fetchMentions().then(setMentions, () => undefined);
  }, []);
  useEffect(() => {
    refreshMentions();
    const stop = store.onEvent((event) => {
      if (event.type !== 'thread') return;
      if (event.thread.comments.some((comment) => comment.mentions.includes(participantCode)))
        refreshMentions();
    });
    window.addEventListener('focus', refreshMentions);
    return () => {
      stop();
      window.removeEventListener('focus', refreshMentions);
    };
  }, [store, participantCode, refreshMentions]);
  return { mentions, refreshMentions };
}

interface NegotiationProviderProps {
  store: NegotiationStore;
  detail: DocumentDetail;
  user: UserProfile;
  children: ReactNode;
}

export function NegotiationProvider({ store, detail, user, children }: NegotiationProviderProps) {
  const { showToast } = useToasts();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [ui, setUi] = useState<NegotiationUi>(INITIAL_UI);
  const { mentions, refreshMentions } = useMentions(store, user.participant.code);

  const updateUi = useCallback((change: UiChange) => {
    setUi((current) => ({ ...current, ...(typeof change === 'function' ? change(current) : change) }));
  }, []);

  const perform = useCallback(
    async <T,>(action: () => Promise<T>, success?: string): Promise<T | null> => {
      try {
        const result = await action();
        if (success) showToast({ message: success, tone: 'success' });
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : 'The request failed.';
        showToast({ message, tone: 'error' });
        return null;
      }
    },
    [showToast],
  );

  const markRead = useCallback(
    (threadId: string) => {
      const entry = mentions?.mentions.find((mention) => mention.thread.id === threadId);
      if (!entry?.unread) return;
      markThreadRead(entry.thread.documentId, threadId).then(refreshMentions, () => undefined);
    },
    [mentions, refreshMentions],
  );

  const value = useMemo<NegotiationContextValue>(
    () => ({
      documentId: detail.id,
      detail,
      user,
      store,
      snapshot,
      ui,
      updateUi,
      perform,
      mentions,
      refreshMentions,
      markRead,
    }),
    [detail, user, store, snapshot, ui, updateUi, perform, mentions, refreshMentions, markRead],
  );
  return (
    <NegotiationContext.Provider value={value}>
      <AmendmentsProvider participants={detail.participants} own={user.participant}>
        {children}
      </AmendmentsProvider>
    </NegotiationContext.Provider>
  );
}
