/**
 * A running TestServer whose document storage answers late, or fails, when a
 * test says so — what an asynchronous store over the network (PostgreSQL)
 * does to the rooms, on the real server with its real SQLite file. The
 * registry's storage object (`asyncStorage` over SQLite, shared by the rooms,
 * versions, amendments and the clause directory) has its methods wrapped; the
 * calls still reach SQLite once released. Used by the adversarial review of
 * the room pipeline (tests/integration/breaker*.test.ts).
 */
import type { DocumentStorage } from '../../server/src/collab/documentStorage';
import { StorageWriteError } from '../../server/src/errors';
import type { TestServer } from './testServer';

type Method = 'load' | 'loadClientIds' | 'appendBatch' | 'appendUpdates' | 'compact';

/** The calls of one method held back until released. */
export interface HeldCalls {
  /** Calls waiting now. */
  waiting(): number;
  /**
   * Lets the waiting calls through — with `failure`, each of them rejects
   * with it instead of running; calls made afterwards run normally.
   */
  release(failure?: Error): void;
}

interface Gate {
  waiting: number;
  opened: Promise<void>;
  open: () => void;
  failure: Error | undefined;
}

export class StorageGate {
  private readonly storage: DocumentStorage;
  private readonly originals = new Map<Method, DocumentStorage[Method]>();
  private readonly gates = new Map<Method, Gate>();
  /** Methods every call of which fails (`fail`). */
  private readonly failing = new Map<Method, Error>();
  /** Calls of each method so far, per document id. */
  readonly calls = new Map<string, number>();

  constructor(server: TestServer) {
    this.storage = (server.server.collab.rooms as unknown as { storage: DocumentStorage }).storage;
    for (const method of ['load', 'loadClientIds', 'appendBatch', 'appendUpdates', 'compact'] as const) {
      const original = this.storage[method] as (...args: unknown[]) => Promise<unknown>;
      this.originals.set(method, original as never);
      (this.storage as unknown as Record<Method, unknown>)[method] = async (...args: unknown[]) => {
        const key = `${method}:${String(args[0])}`;
        this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
        const failure = this.failing.get(method);
        if (failure) throw failure;
        const gate = this.gates.get(method);
        if (gate) {
          gate.waiting++;
          await gate.opened;
          gate.waiting--;
          if (gate.failure) throw gate.failure;
        }
        return original(...args);
      };
    }
  }

  /** How often `method` was called for `documentId`. */
  callsOf(method: Method, documentId: string): number {
    return this.calls.get(`${method}:${documentId}`) ?? 0;
  }

  /** Holds every call of `method` from now on until the returned handle releases them (later calls run). */
  hold(method: Method): HeldCalls {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gate: Gate = { waiting: 0, opened, open, failure: undefined };
    this.gates.set(method, gate);
    return {
      waiting: () => gate.waiting,
      release: (failure) => {
        gate.failure = failure;
        if (this.gates.get(method) === gate) this.gates.delete(method);
        gate.open();
      },
    };
  }

  /** Makes every call of `method` from now on fail with a StorageWriteError (until `restore`). */
  fail(method: Method): void {
    this.failing.set(method, new StorageWriteError(`${method} refused by the test`, null));
  }

  /** Calls of `method` run normally again (after `fail`). */
  restore(method: Method): void {
    this.failing.delete(method);
  }

  /** Puts the original methods back. */
  dispose(): void {
    for (const [method, original] of this.originals) {
      (this.storage as unknown as Record<Method, unknown>)[method] = original;
    }
    for (const gate of this.gates.values()) gate.open();
    this.gates.clear();
    this.failing.clear();
  }
}
