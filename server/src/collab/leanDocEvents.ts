import type * as Y from 'yjs';

type Listener = (...args: unknown[]) => void;

/** The part of lib0's ObservableV2 (Y.Doc's base class) that emitting reads. */
interface Observed {
  _observers: Map<string, Set<Listener>>;
  emit(name: string, args: unknown[]): void;
}

/**
 * Makes `doc` emit its events without allocating when nobody listens.
 *
 * Yjs emits six events per transaction (beforeTransaction,
 * beforeObserverCalls, afterTransaction, afterTransactionCleanup,
 * beforeAllTransactions, afterAllTransactions), and lib0's
 * `ObservableV2.emit` builds a Map and an array for each even when the event
 * has no listener: 16–22 % of the time a server spends applying a client's
 * keystroke (Y.applyUpdate over the automerge-paper and friendsforever traces,
 * measured in-process on 30 Nov). This emit behaves the same — listeners are
 * copied before any is called, so one added or removed by a listener does not
 * change this emission — and returns at once when there are none.
 * A document whose observers are not lib0's Map of Sets is left as it is.
 */
export function emitWithoutIdleAllocations(doc: Y.Doc): void {
  const observed = doc as unknown as Observed;
  if (!(observed._observers instanceof Map)) return;
  observed.emit = function emit(this: Observed, name: string, args: unknown[]): void {
    const listeners = this._observers.get(name);
    if (listeners === undefined || listeners.size === 0) return;
    for (const listener of Array.from(listeners)) listener(...args);
  };
}
