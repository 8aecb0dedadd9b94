import type { RoomQueue } from './roomQueue';

/** What the sections need of their room. */
export interface SectionHost {
  /** Runs an operation once every change applied so far is stored (Room.whenStored). */
  whenStored(operation: () => void): void;
  /** A section ended: what waited runs (Room.afterCommit). */
  ended(): void;
  /** Why the room can no longer serve its document, or null. */
  broken(): Error | null;
}

/**
 * A room's exclusive sections (Room.exclusive): work that has the room to
 * itself — server changes, reads that must see exactly the stored text —
 * started as a room operation once every change applied before it is stored,
 * and holding the room's queue busy until the promise it returns settles, so
 * no client message, join or other section touches the Y.Doc meanwhile.
 */
export class ExclusiveSections {
  private depth = 0;
  /** Sections not started yet: rejected when the room breaks down. */
  private readonly waiting = new Set<(error: Error) => void>();

  constructor(
    private readonly queue: RoomQueue,
    private readonly host: SectionHost,
  ) {}

  /** True while a section's work runs. */
  get active(): boolean {
    return this.depth > 0;
  }

  /**
   * Runs `work` in a section; resolves with its result, rejects with its
   * error, or with the room's breakdown error when the room cannot serve the
   * document (then `work` never runs).
   */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    const broken = this.host.broken();
    if (broken) return Promise.reject(broken);
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      const start = () => {
        this.waiting.delete(reject);
        const brokenNow = this.host.broken();
        if (brokenNow) {
          reject(brokenNow);
          return;
        }
        this.queue.hold();
        this.depth++;
        const finish = () => {
          this.depth--;
          this.host.ended();
        };
        let result: T | Promise<T>;
        try {
          result = work();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        Promise.resolve(result).then(
          (value) => {
            finish();
            resolve(value);
          },
          (error: unknown) => {
            finish();
            reject(error);
          },
        );
      };
      this.queue.run(() => this.host.whenStored(start));
    });
  }

  /** The room broke down: every section not started yet is rejected with `error`. */
  failWaiting(error: Error): void {
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
  }
}
