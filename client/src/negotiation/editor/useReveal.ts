/**
 * Jumps in the document: to a clause (from the dashboard, a `#clause-<id>`
 * link or a thread without a range), briefly highlighted; and to the text of
 * the active thread. `#thread-<id>` links open that thread.
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useRef } from 'react';
import { DEFAULT_FILTER, useNegotiationContext } from '../NegotiationContext';
import { findClause } from './clauseRanges';

const HIGHLIGHT_MS = 2500;

function scrollIntoView(element: Element | null | undefined): void {
  if (element instanceof HTMLElement) element.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

/** Reads `#clause-<id>` and `#thread-<id>` links (on load and when the hash changes). */
function useLocationHash() {
  const { snapshot, updateUi, markRead } = useNegotiationContext();
  const pendingThread = useRef<string | null>(null);
  const ready = snapshot.status === 'ready';
  const threadsById = snapshot.index.threadsById;

  useEffect(() => {
    const read = () => {
      const hash = decodeURIComponent(window.location.hash.slice(1));
      if (hash.startsWith('clause-')) updateUi({ reveal: { clauseId: hash.slice(7), at: Date.now() } });
      if (hash.startsWith('thread-')) pendingThread.current = hash.slice(7);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, [updateUi]);

  useEffect(() => {
    const threadId = pendingThread.current;
    if (!ready || !threadId || !threadsById.has(threadId)) return;
    pendingThread.current = null;
    updateUi({ activeThreadId: threadId, filter: { ...DEFAULT_FILTER, status: 'all' } });
    markRead(threadId);
  }, [ready, threadsById, updateUi, markRead]);
}

export function useReveal(editor: Editor): void {
  const { ui, updateUi, snapshot } = useNegotiationContext();
  const { reveal, highlightedClause, activeThreadId } = ui;
  useLocationHash();

  useEffect(() => {
    if (reveal) updateUi({ highlightedClause: reveal.clauseId });
  }, [reveal, updateUi]);

  useEffect(() => {
    if (!highlightedClause || editor.isDestroyed) return;
    const clause = findClause(editor.state.doc, highlightedClause);
    if (clause) scrollIntoView(editor.view.nodeDOM(clause.from) as Element | null);
    const timer = window.setTimeout(() => {
      updateUi((current) =>
        current.highlightedClause === highlightedClause ? { highlightedClause: null } : {},
      );
    }, HIGHLIGHT_MS);
    return () => window.clearTimeout(timer);
  }, [editor, highlightedClause, updateUi]);

  const activeClauseId = activeThreadId
    ? snapshot.index.threadsById.get(activeThreadId)?.clauseId
    : undefined;
  useEffect(() => {
    if (!activeThreadId || editor.isDestroyed) return;
    const highlight = editor.view.dom.querySelector(`[data-thread-id="${CSS.escape(activeThreadId)}"]`);
    if (highlight) scrollIntoView(highlight);
    else if (activeClauseId) updateUi({ highlightedClause: activeClauseId });
  }, [editor, activeThreadId, activeClauseId, updateUi]);
}
