/**
 * The amendment requests, each shown at once from the server's answer (its
 * live event confirms it for everyone). Co-signing and withdrawing report a
 * failure as a toast and resolve to null; tabling and deciding resolve to an
 * outcome, since their refusals (clause changed, conflict, clause agreed) are
 * answered in place, not in a toast.
 */
import type { Amendment, AmendmentDecision, NewAmendment } from '@draftroom/shared';
import { useMemo } from 'react';
import { useToasts } from '../components/Toasts';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import * as api from './api';

export type AmendmentOutcome =
  | { ok: true; amendment: Amendment }
  | { ok: false; refusal: api.AmendmentRefusal };

export function useAmendmentActions() {
  const { documentId, store, perform } = useNegotiationContext();
  const { showToast } = useToasts();
  return useMemo(() => {
    const adopt = (amendment: Amendment | null) => {
      if (amendment) store.applyOwn({ type: 'amendment', amendment });
      return amendment;
    };
    const attempt = async (request: () => Promise<Amendment>): Promise<AmendmentOutcome> => {
      try {
        const amendment = await request();
        adopt(amendment);
        return { ok: true, amendment };
      } catch (error) {
        const refusal = api.amendmentRefusal(error);
        if (refusal.kind === 'other') showToast({ message: refusal.message, tone: 'error' });
        return { ok: false, refusal };
      }
    };
    return {
      table: (amendment: NewAmendment) => attempt(() => api.tableAmendment(documentId, amendment)),
      decide: (amendmentId: string, decision: AmendmentDecision) =>
        attempt(() => api.decideAmendment(documentId, amendmentId, decision)),
      compromise: (covers: string[], proposedText: string, justification: string) =>
        attempt(() => api.tableCompromise(documentId, { covers, proposedText, justification })),
      cosponsor: async (amendmentId: string) =>
        adopt(await perform(() => api.cosponsorAmendment(documentId, amendmentId))),
      withdrawCosponsorship: async (amendmentId: string) =>
        adopt(await perform(() => api.withdrawCosponsorship(documentId, amendmentId))),
      withdraw: async (amendmentId: string) =>
        adopt(await perform(() => api.withdrawAmendment(documentId, amendmentId))),
    };
  }, [documentId, store, perform, showToast]);
}

export type AmendmentActions = ReturnType<typeof useAmendmentActions>;
