/**
 * The negotiation state of one document (statuses, positions, threads,
 * brackets), kept current from the server's live events. Events are applied
 * in `seq` order; a gap (a missed event) or a reconnect refetches the whole
 * state. React-free: components read it with `useSyncExternalStore`.
 */
import type {
  Bracket,
  ClauseStatusEntry,
  CommentThread,
  NegotiationEvent,
  NegotiationState,
  PositionEntry,
} from '@draftroom/shared';
import { fetchNegotiationState } from './api';

export interface NegotiationIndex {
  statusByClause: Map<string, ClauseStatusEntry>;
  positionsByClause: Map<string, PositionEntry[]>;
  threadsByClause: Map<string, CommentThread[]>;
  bracketsByClause: Map<string, Bracket[]>;
  bracketsById: Map<string, Bracket>;
  threadsById: Map<string, CommentThread>;
}

export interface NegotiationSnapshot {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  state: NegotiationState;
  index: NegotiationIndex;
}

const EMPTY_STATE: NegotiationState = {
  statuses: [],
  positions: [],
  threads: [],
  brackets: [],
  amendments: [],
  seq: 0,
};

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildIndex(state: NegotiationState): NegotiationIndex {
  const index: NegotiationIndex = {
    statusByClause: new Map(state.statuses.map((entry) => [entry.clauseId, entry])),
    positionsByClause: new Map(),
    threadsByClause: new Map(),
    bracketsByClause: new Map(),
    bracketsById: new Map(state.brackets.map((bracket) => [bracket.id, bracket])),
    threadsById: new Map(state.threads.map((thread) => [thread.id, thread])),
  };
  for (const entry of state.positions) push(index.positionsByClause, entry.clauseId, entry);
  for (const thread of state.threads) push(index.threadsByClause, thread.clauseId, thread);
  for (const bracket of state.brackets) push(index.bracketsByClause, bracket.clauseId, bracket);
  return index;
}

function replaceBy<T>(list: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  const at = list.findIndex((existing) => same(existing, item));
  if (at < 0) return [...list, item];
  const next = list.slice();
  next[at] = item;
  return next;
}

/** The state after one event (or after one of this user's own changes, as the server answered it). */
export function applyEvent(state: NegotiationState, event: NegotiationEvent): NegotiationState {
  switch (event.type) {
    case 'status':
      return {
        ...state,
        statuses: replaceBy(state.statuses, event.entry, (a, b) => a.clauseId === b.clauseId),
      };
    case 'position':
      return {
        ...state,
        positions: replaceBy(
          state.positions,
          event.entry,
          (a, b) => a.clauseId === b.clauseId && a.participantCode === b.participantCode,
        ),
      };
    case 'thread':
      return { ...state, threads: replaceBy(state.threads, event.thread, (a, b) => a.id === b.id) };
    case 'bracket':
      return { ...state, brackets: replaceBy(state.brackets, event.bracket, (a, b) => a.id === b.id) };
    case 'amendment':
      return {
        ...state,
        amendments: replaceBy(state.amendments, event.amendment, (a, b) => a.id === b.id).sort(
          (a, b) => a.number - b.number,
        ),
      };
  }
}

type Listener = () => void;

export class NegotiationStore {
  private snapshotValue: NegotiationSnapshot = {
    status: 'loading',
    error: null,
    state: EMPTY_STATE,
    index: buildIndex(EMPTY_STATE),
  };
  private readonly pending = new Map<number, NegotiationEvent>();
  private readonly listeners = new Set<Listener>();
  private readonly eventListeners = new Set<(event: NegotiationEvent) => void>();
  private loading: Promise<void> | null = null;
  private reloadAfterLoading = false;
  private disposed = false;

  constructor(
    readonly documentId: string,
    private readonly load: (documentId: string) => Promise<NegotiationState> = fetchNegotiationState,
  ) {}

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): NegotiationSnapshot => this.snapshotValue;

  /** Called with every live event once it is applied (e.g. to refresh the mention badge). */
  onEvent(listener: (event: NegotiationEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Fetches the whole state; events that arrive meanwhile are kept and applied after it. */
  refresh(): Promise<void> {
    if (this.loading) {
      this.reloadAfterLoading = true;
      return this.loading;
    }
    this.loading = this.load(this.documentId)
      .then((state) => this.adopt(state))
      .catch((error: unknown) => {
        if (this.disposed) return;
        const message = error instanceof Error ? error.message : 'Could not load the negotiation.';
        this.publish({ ...this.snapshotValue, status: this.ready ? 'ready' : 'error', error: message });
      })
      .finally(() => {
        this.loading = null;
        if (this.reloadAfterLoading && !this.disposed) {
          this.reloadAfterLoading = false;
          void this.refresh();
        }
      });
    return this.loading;
  }

  /** A live event from the collaboration socket. */
  receive(seq: number, event: NegotiationEvent): void {
    if (this.disposed || !Number.isInteger(seq)) return;
    if (this.ready && seq <= this.snapshotValue.state.seq) return;
    this.pending.set(seq, event);
    if (!this.ready || this.loading) return;
    this.drain();
    // Something between the last applied event and these is missing: fetch everything again.
    if (this.pending.size > 0) void this.refresh();
  }

  /** Shows the server's answer to one of this user's own changes before its event arrives. */
  applyOwn(event: NegotiationEvent): void {
    if (this.disposed) return;
    this.commit(applyEvent(this.snapshotValue.state, event));
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.eventListeners.clear();
  }

  private get ready(): boolean {
    return this.snapshotValue.status === 'ready';
  }

  private adopt(state: NegotiationState): void {
    if (this.disposed) return;
    this.publish({ status: 'ready', error: null, state, index: buildIndex(state) });
    this.drain();
  }

  private drain(): void {
    for (const seq of [...this.pending.keys()]) {
      if (seq <= this.snapshotValue.state.seq) this.pending.delete(seq);
    }
    let state = this.snapshotValue.state;
    const applied: NegotiationEvent[] = [];
    for (let next = this.pending.get(state.seq + 1); next; next = this.pending.get(state.seq + 1)) {
      this.pending.delete(state.seq + 1);
      state = { ...applyEvent(state, next), seq: state.seq + 1 };
      applied.push(next);
    }
    if (applied.length === 0) return;
    this.commit(state);
    for (const event of applied) for (const listener of this.eventListeners) listener(event);
  }

  private commit(state: NegotiationState): void {
    this.publish({ ...this.snapshotValue, state, index: buildIndex(state) });
  }

  private publish(snapshot: NegotiationSnapshot): void {
    this.snapshotValue = snapshot;
    for (const listener of this.listeners) listener();
  }
}
