/**
 * The requests of the negotiation layer, each shown at once from the server's
 * answer (its live event confirms it for everyone) and reporting failures as
 * toasts. Each resolves to the server's answer, or null when it failed.
 */
import type { ClauseStatus, DelegationPosition, NewBracket, RangeAnchor } from '@draftroom/shared';
import { useMemo } from 'react';
import * as api from './api';
import { useNegotiationContext } from './NegotiationContext';

export function useNegotiationActions() {
  const { documentId, store, perform } = useNegotiationContext();
  return useMemo(() => {
    const withThread = async (request: () => Promise<Awaited<ReturnType<typeof api.createThread>>>) => {
      const thread = await perform(request);
      if (thread) store.applyOwn({ type: 'thread', thread });
      return thread;
    };
    const withBracket = async (request: () => Promise<Awaited<ReturnType<typeof api.createBracket>>>) => {
      const bracket = await perform(request);
      if (bracket) store.applyOwn({ type: 'bracket', bracket });
      return bracket;
    };
    return {
      setStatus: async (clauseId: string, status: ClauseStatus) => {
        const entry = await perform(() => api.setClauseStatus(documentId, clauseId, status));
        if (entry) store.applyOwn({ type: 'status', entry });
        return entry;
      },
      setPosition: async (clauseId: string, position: DelegationPosition, note: string) => {
        const entry = await perform(() => api.setPosition(documentId, clauseId, position, note));
        if (entry) store.applyOwn({ type: 'position', entry });
        return entry;
      },
      createThread: (clauseId: string, anchor: RangeAnchor | null, body: string) =>
        withThread(() => api.createThread(documentId, { clauseId, anchor, body })),
      reply: (threadId: string, body: string) =>
        withThread(() => api.replyToThread(documentId, threadId, body)),
      editComment: (commentId: string, body: string) =>
        withThread(() => api.editComment(documentId, commentId, body)),
      deleteComment: (commentId: string) => withThread(() => api.deleteComment(documentId, commentId)),
      setResolved: (threadId: string, resolved: boolean) =>
        withThread(() => api.setThreadResolved(documentId, threadId, resolved)),
      /** Brackets the passage `anchor` delimits; the text change arrives through Yjs. */
      createBracket: (bracket: NewBracket) => withBracket(() => api.createBracket(documentId, bracket)),
      proposeAlternative: (bracketId: string, text: string) =>
        withBracket(() => api.proposeAlternative(documentId, bracketId, text)),
      /** Keeps one alternative or drops the passage; the text change arrives through Yjs. */
      resolveBracket: (bracketId: string, resolution: { keep: number } | { drop: true }) =>
        withBracket(() => api.resolveBracket(documentId, bracketId, resolution)),
    };
  }, [documentId, store, perform]);
}

export type NegotiationActions = ReturnType<typeof useNegotiationActions>;
