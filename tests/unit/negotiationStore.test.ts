import type { ClauseStatusEntry, CommentThread, NegotiationEvent, NegotiationState } from '@draftroom/shared';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { directoryFromYDoc } from '../../client/src/negotiation/dashboard/yDocClauses';
import { NegotiationStore } from '../../client/src/negotiation/negotiationStore';
import { settledClauses } from '../../client/src/negotiation/openMatters';
import { readClauses, writeOutline } from '../../server/src/content/outline';

const actor = { userId: 'u1', name: 'Anna Nowak', participantCode: 'PL' };
const empty: NegotiationState = {
  statuses: [],
  positions: [],
  threads: [],
  brackets: [],
  amendments: [],
  seq: 0,
};

function statusEntry(clauseId: string, value: ClauseStatusEntry['status']): ClauseStatusEntry {
  return { clauseId, status: value, changedBy: actor, changedAt: '2025-01-01T00:00:00Z' };
}

function status(clauseId: string, value: ClauseStatusEntry['status']): NegotiationEvent {
  return { type: 'status', entry: statusEntry(clauseId, value) };
}

function thread(id: string, clauseId: string, resolved = false): CommentThread {
  return {
    id,
    documentId: 'doc',
    clauseId,
    anchor: null,
    author: actor,
    createdAt: '2025-01-01T00:00:00Z',
    resolvedAt: resolved ? '2025-01-02T00:00:00Z' : null,
    resolvedBy: resolved ? actor : null,
    comments: [],
  };
}

/** A store whose loads answer from a queue of states, counting the loads. */
function storeWith(...states: NegotiationState[]) {
  let loads = 0;
  const store = new NegotiationStore('doc', async () => {
    loads += 1;
    return states.shift() ?? empty;
  });
  return { store, loads: () => loads };
}

describe('the negotiation store', () => {
  it('keeps events that arrive before the state and applies the newer ones in order', async () => {
    const { store } = storeWith({ ...empty, seq: 1, statuses: [] });
    store.receive(3, status('cl-a', 'agreed'));
    store.receive(2, status('cl-a', 'bracketed'));
    store.receive(1, status('cl-a', 'open'));
    await store.refresh();
    const { state, index } = store.getSnapshot();
    expect(state.seq).toBe(3);
    expect(index.statusByClause.get('cl-a')?.status).toBe('agreed');
  });

  it('ignores events it already has and refetches when one is missing', async () => {
    const { store, loads } = storeWith(
      { ...empty, seq: 5 },
      { ...empty, seq: 7, statuses: [statusEntry('cl-b', 'agreed')] },
    );
    await store.refresh();
    store.receive(5, status('cl-b', 'open'));
    expect(store.getSnapshot().index.statusByClause.size).toBe(0);
    // Event 6 never arrived: the store fetches the whole state again.
    store.receive(7, status('cl-b', 'agreed'));
    await vi.waitFor(() => expect(store.getSnapshot().state.seq).toBe(7));
    expect(loads()).toBe(2);
    expect(store.getSnapshot().index.statusByClause.get('cl-b')?.status).toBe('agreed');
  });

  it('replaces a thread by id and shows one’s own change before its event', async () => {
    const { store } = storeWith({ ...empty, seq: 1, threads: [thread('t1', 'cl-a')] });
    await store.refresh();
    store.applyOwn({ type: 'thread', thread: thread('t1', 'cl-a', true) });
    expect(store.getSnapshot().state.threads).toHaveLength(1);
    expect(store.getSnapshot().state.threads[0]?.resolvedAt).not.toBeNull();
    expect(store.getSnapshot().state.seq).toBe(1);
  });

  it('hides only agreed clauses with nothing left open', async () => {
    const { store } = storeWith({
      ...empty,
      statuses: [statusEntry('cl-a', 'agreed'), statusEntry('cl-b', 'agreed'), statusEntry('cl-c', 'open')],
      threads: [thread('t1', 'cl-b')],
    });
    await store.refresh();
    expect([...settledClauses(store.getSnapshot().index)]).toEqual(['cl-a']);
  });
});

describe('clauses read from the Y.Doc', () => {
  it('are numbered as the editor numbers them', () => {
    const doc = new Y.Doc();
    writeOutline(doc, {
      preamble: { heading: 'Preamble', paragraphs: ['Agree:'] },
      sections: [
        { title: 'Illegal migration', clauses: ['Exchange information.', 'Train border guards.'] },
        { title: 'Return', clauses: ['Prefer voluntary return.'] },
      ],
    });
    const directory = directoryFromYDoc(doc);
    expect(directory.clauses.map((clause) => [clause.number, clause.text, clause.sectionTitle])).toEqual([
      ['1.1', 'Exchange information.', 'Illegal migration'],
      ['1.2', 'Train border guards.', 'Illegal migration'],
      ['2.1', 'Prefer voluntary return.', 'Return'],
    ]);
    expect(directory.clauses.map((clause) => clause.id)).toEqual(readClauses(doc).map((clause) => clause.id));
  });
});
