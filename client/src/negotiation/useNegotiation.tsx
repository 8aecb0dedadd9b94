/** The negotiation layer of the document editor: extensions, toolbar, comments and amendments panels, and widgets. */
import { useMemo } from 'react';
import { EditorAmendments } from '../amendments/EditorAmendments';
import { AmendmentsExtension } from '../amendments/editor/amendmentsExtension';
import { NegotiationSidebar } from '../amendments/NegotiationSidebar';
import type { EditorLayer } from '../components/EditorWorkspace';
import { useToasts } from '../components/Toasts';
import '../styles/negotiation-badges.css';
import '../styles/negotiation-editor.css';
import '../styles/negotiation-popovers.css';
import '../styles/negotiation-panel.css';
import { EditorNegotiation } from './EditorNegotiation';
import type { ClauseLockOptions } from './editor/clauseLock';
import { lockedHistoryExtension } from './editor/lockedHistory';
import { negotiationExtension } from './editor/negotiationExtension';
import { NegotiationToolbar } from './NegotiationToolbar';
import type { NegotiationStore } from './negotiationStore';

/** The editor layer of the document. */
export function useNegotiationLayer(store: NegotiationStore): EditorLayer {
  const { showToast } = useToasts();
  return useMemo(() => {
    const lock: ClauseLockOptions = {
      isLocked: (clauseId) => store.getSnapshot().index.statusByClause.get(clauseId)?.status === 'agreed',
      onBlocked: (clause) =>
        showToast({
          message: `Clause ${clause.number} is agreed and locked. The pen-holder must reopen it before it can be changed.`,
          tone: 'warning',
          key: 'clause-locked',
        }),
    };
    return {
      extensions: [negotiationExtension(lock), lockedHistoryExtension(lock), AmendmentsExtension],
      toolbar: (editor) => <NegotiationToolbar editor={editor} />,
      sidebar: (editor) => <NegotiationSidebar editor={editor} />,
      inPaper: (editor) => (
        <>
          <EditorNegotiation editor={editor} />
          <EditorAmendments editor={editor} />
        </>
      ),
      layoutClassName: 'doc-layout--negotiation',
    };
  }, [store, showToast]);
}
