/**
 * The view state of amendments in the open document, shared by the clause
 * strips, the toolbar, the sidebar and the editor plugin: which sidebar
 * panel is shown, whether open amendments are drawn in the text ("Show
 * amendments"), the clause being proposed on (suggesting mode), the panel's
 * filter and the amendment in focus. The amendments themselves are in the
 * negotiation store (`NegotiationState.amendments`, kept live).
 */
import type { AmendmentKind, Participant } from '@draftroom/shared';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type AmendmentFilter, DEFAULT_AMENDMENT_FILTER } from './amendmentModel';

/** A proposal being written on a clause: the text it is drafted against is the clause's text when it started. */
export interface Proposal {
  clauseId: string;
  kind: AmendmentKind;
  baseText: string;
  /** Changes when the proposal starts again (e.g. from the clause's current text after a 409). */
  round: number;
}

export interface AmendmentsUi {
  sidebar: 'comments' | 'amendments';
  showInline: boolean;
  proposal: Proposal | null;
  filter: AmendmentFilter;
  activeAmendmentId: string | null;
}

const INITIAL_UI: AmendmentsUi = {
  sidebar: 'comments',
  showInline: false,
  proposal: null,
  filter: DEFAULT_AMENDMENT_FILTER,
  activeAmendmentId: null,
};

type UiChange = Partial<AmendmentsUi> | ((ui: AmendmentsUi) => Partial<AmendmentsUi>);

export interface AmendmentsContextValue {
  ui: AmendmentsUi;
  updateUi: (change: UiChange) => void;
  /** Participant code → colour (the delegation's carets and badges). */
  colors: ReadonlyMap<string, string>;
  /** Shows the amendments panel with one clause's amendments. */
  showClauseAmendments: (clauseId: string, openOnly: boolean) => void;
}

const AmendmentsContext = createContext<AmendmentsContextValue | null>(null);

export function useAmendments(): AmendmentsContextValue {
  const value = useContext(AmendmentsContext);
  if (!value) throw new Error('useAmendments must be used inside <AmendmentsProvider>');
  return value;
}

interface AmendmentsProviderProps {
  /** The document's participants (their colours). */
  participants: readonly Participant[];
  /** The signed-in user's own delegation. */
  own: Participant;
  children: ReactNode;
}

/** Provided by `<NegotiationProvider>` to everything inside it. */
export function AmendmentsProvider({ participants, own, children }: AmendmentsProviderProps) {
  const [ui, setUi] = useState<AmendmentsUi>(INITIAL_UI);
  const updateUi = useCallback((change: UiChange) => {
    setUi((current) => ({ ...current, ...(typeof change === 'function' ? change(current) : change) }));
  }, []);
  const colors = useMemo(() => {
    const map = new Map(participants.map((participant) => [participant.code, participant.color]));
    if (!map.has(own.code)) map.set(own.code, own.color);
    return map;
  }, [participants, own]);
  const showClauseAmendments = useCallback(
    (clauseId: string, openOnly: boolean) =>
      updateUi({
        sidebar: 'amendments',
        filter: { ...DEFAULT_AMENDMENT_FILTER, status: openOnly ? 'open' : 'all', clauseId },
        activeAmendmentId: null,
      }),
    [updateUi],
  );
  const value = useMemo(
    () => ({ ui, updateUi, colors, showClauseAmendments }),
    [ui, updateUi, colors, showClauseAmendments],
  );
  return <AmendmentsContext.Provider value={value}>{children}</AmendmentsContext.Provider>;
}
