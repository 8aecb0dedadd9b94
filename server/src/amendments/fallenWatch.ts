import type { Amendment } from '@draftroom/shared';
import type * as Y from 'yjs';
import type { Room, RoomHooks } from '../collab/room';
import type { Logger } from '../logger';
import type { AmendmentRepository } from './amendmentStore';
import { clauseIdSet } from './clauseWriter';

/**
 * How long after tabling a clause's fallen amendments again they may not be
 * tabled again (ms): a clause deleted and brought back over and over (a
 * hostile client, a stuck undo key) then costs its amendments' records and
 * notices at most once per window, not once per keystroke.
 */
export const REINSTATE_WINDOW_MS = 5_000;

/** Per document: the clauses with tabled amendments, and those with amendments fallen as their clause was deleted. */
interface WatchedClauses {
  open: Set<string>;
  fell: Set<string>;
}

/** Per document: when each clause's amendments were last tabled again, and the timer that retries the waiting ones. */
interface Reinstatements {
  at: Map<string, number>;
  timer: NodeJS.Timeout | null;
  /** The open room of the document, whose current Y.Doc the retry reads. */
  room: Room | undefined;
}

/** A check waiting for the one before it on its document: the newest stored clause ids, and where to retry. */
interface QueuedCheck {
  present: ReadonlySet<string>;
  room: Room | undefined;
  result: Promise<Amendment[]>;
}

/**
 * Makes a tabled amendment fall (`fallen`, reason `clause-deleted`) as soon
 * as its clause is gone from the text, whoever deleted it and however (a
 * client deleting the clause in the editor, a version restored, an accepted
 * deletion), and pushes the change live. When the clause comes back with the
 * same id — an undo, a clause cut and pasted elsewhere in two steps, a
 * version restored — the amendments that fell with it are tabled again (and
 * pushed live): a slip of the keyboard never costs the delegations their
 * amendments. Amendments made moot by an accepted one stay fallen. A clause's
 * amendments are tabled again at most once per REINSTATE_WINDOW_MS (later
 * returns wait for the window's end), so flipping a clause costs at most a
 * fall and a return per window.
 *
 * Cost under many typists: it runs after each stored turn (RoomHooks.onStored:
 * once per event-loop turn of edits, which the room commits together, not once
 * per keystroke). A document with no tabled amendment and none fallen with
 * its clause costs one Map lookup (the clause ids are cached per document,
 * read with two indexed queries after any amendment change). Otherwise it
 * reads only the section and clause elements' `id` attributes —
 * O(sections + clauses), no text — and writes to the records only when a
 * watched clause went or came back. Deciding from what the turn touched
 * instead would need the update decoded again; reading ~200 attributes is
 * cheaper and cannot miss a path.
 *
 * The records are asynchronous: the clause ids present are read from the
 * stored text when the turn is stored (synchronously, so never a later,
 * uncommitted turn), and the records are changed afterwards, one check at a
 * time per document; checks that wait behind a running one are merged into
 * one with the newest clause ids.
 */
export class FallenWatch {
  private readonly watched = new Map<string, WatchedClauses>();
  private readonly reinstatements = new Map<string, Reinstatements>();
  /** Per document: the end of its chain of checks (absent when none runs). */
  private readonly running = new Map<string, Promise<unknown>>();
  /** Per document: the check waiting for the running one (at most one). */
  private readonly queued = new Map<string, QueuedCheck>();

  constructor(
    private readonly store: AmendmentRepository,
    private readonly publish: (documentId: string, amendments: readonly Amendment[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many times cached clause ids were dropped: ids read across a drop are not cached (they may be stale). */
  private forgotten = 0;

  /** Drops the cached clause ids of a document (after any change to its amendments). */
  forget(documentId: string): void {
    this.forgotten += 1;
    this.watched.delete(documentId);
  }

  readonly hooks: RoomHooks = {
    onStored: (room: Room) => {
      // check never rejects; the catch only keeps a future slip from becoming an unhandled rejection.
      this.check(room.documentId, room.doc, room).catch((error: unknown) =>
        this.logger.error({ err: error, documentId: room.documentId }, 'fallen check failed'),
      );
    },
    onLastLeft: (room: Room) => {
      this.forget(room.documentId);
      const waiting = this.reinstatements.get(room.documentId);
      if (waiting?.timer) clearTimeout(waiting.timer);
      this.reinstatements.delete(room.documentId);
    },
  };

  /**
   * Makes fall every tabled amendment of `documentId` whose clause `doc` no
   * longer has, and tables again those that fell with a clause `doc` has
   * again (unless tabled again within the window; then a retry is scheduled
   * on `room`'s document); resolves to the amendments changed. `doc` is read
   * at once (call it with the stored text: in a room hook or inside
   * Room.exclusive); the records change after the document's running check.
   * Never rejects (it runs after the room's commits): a failure is logged and
   * retried after the next stored turn.
   */
  check(documentId: string, doc: Y.Doc, room?: Room): Promise<Amendment[]> {
    try {
      const watched = this.watched.get(documentId);
      const busy = this.running.has(documentId);
      if (!busy && watched && watched.open.size === 0 && watched.fell.size === 0) return Promise.resolve([]);
      const present = clauseIdSet(doc);
      if (!busy && watched && !mayChange(watched, present)) return Promise.resolve([]);
      return this.enqueue(documentId, present, room);
    } catch (error) {
      this.forget(documentId);
      this.logger.error({ err: error, documentId }, 'could not check amendments for deleted clauses');
      return Promise.resolve([]);
    }
  }

  /** Runs a check after the document's running one, merged with the one already waiting (if any). */
  private enqueue(
    documentId: string,
    present: ReadonlySet<string>,
    room: Room | undefined,
  ): Promise<Amendment[]> {
    const waiting = this.queued.get(documentId);
    if (waiting) {
      waiting.present = present;
      waiting.room = room ?? waiting.room;
      return waiting.result;
    }
    const before = this.running.get(documentId) ?? Promise.resolve();
    const entry: QueuedCheck = { present, room, result: Promise.resolve([]) };
    entry.result = before.then(() => {
      this.queued.delete(documentId);
      return this.apply(documentId, entry.present, entry.room);
    });
    this.queued.set(documentId, entry);
    const end = entry.result.then(() => {
      if (this.running.get(documentId) === end) this.running.delete(documentId);
    });
    this.running.set(documentId, end);
    return entry.result;
  }

  /** One check of the records against the clause ids `present` (never rejects). */
  private async apply(
    documentId: string,
    present: ReadonlySet<string>,
    room: Room | undefined,
  ): Promise<Amendment[]> {
    try {
      const watched = await this.watchedClauses(documentId);
      if (watched.open.size === 0 && watched.fell.size === 0) return [];
      const gone = [...watched.open].filter((clauseId) => !present.has(clauseId));
      const back = this.due(
        documentId,
        [...watched.fell].filter((clauseId) => present.has(clauseId)),
        room,
      );
      if (gone.length === 0 && back.length === 0) return [];
      const changedIds = await this.store.transaction(async (amendments) => {
        const fell: string[] = [];
        for (const amendment of await amendments.open(documentId, gone)) {
          const outcome = {
            status: 'fallen' as const,
            fallenReason: 'clause-deleted' as const,
            decidedBy: null,
          };
          if (await amendments.conclude(documentId, amendment.id, outcome)) fell.push(amendment.id);
        }
        return [...fell, ...(await amendments.reinstate(documentId, back))];
      });
      this.forget(documentId);
      const changed = await Promise.all(
        changedIds.map(async (id) => (await this.store.get(documentId, id)) as Amendment),
      );
      await this.publish(documentId, changed);
      if (changed.length > 0) {
        this.logger.info(
          { documentId, amendments: changed.map((a) => [a.number, a.status]) },
          'amendments fell or were tabled again: clause deleted or back',
        );
      }
      return changed;
    } catch (error) {
      this.forget(documentId);
      this.logger.error({ err: error, documentId }, 'could not check amendments for deleted clauses');
      return [];
    }
  }

  private async watchedClauses(documentId: string): Promise<WatchedClauses> {
    const cached = this.watched.get(documentId);
    if (cached) return cached;
    const forgotten = this.forgotten;
    const watched = {
      open: await this.store.openClauseIds(documentId),
      fell: await this.store.fallenClauseIds(documentId),
    };
    if (forgotten === this.forgotten) this.watched.set(documentId, watched);
    return watched;
  }

  /**
   * Of the clauses back in the text, those whose amendments may be tabled
   * again now (marked as tabled again now). For the others — tabled again
   * within the window — a retry is scheduled at the window's end, when
   * `room` is known (otherwise the next stored turn retries).
   */
  private due(documentId: string, back: readonly string[], room: Room | undefined): string[] {
    if (back.length === 0) return [];
    const now = this.now();
    const entry: Reinstatements = this.reinstatements.get(documentId) ?? { at: new Map(), timer: null, room };
    if (room) entry.room = room;
    for (const [clauseId, at] of entry.at) if (now - at >= REINSTATE_WINDOW_MS) entry.at.delete(clauseId);
    const due = back.filter((clauseId) => !entry.at.has(clauseId));
    for (const clauseId of due) entry.at.set(clauseId, now);
    const waiting = back.filter((clauseId) => !due.includes(clauseId));
    const retryOn = entry.room;
    if (waiting.length > 0 && !entry.timer && retryOn) {
      const earliest = Math.min(...waiting.map((clauseId) => entry.at.get(clauseId) as number));
      entry.timer = setTimeout(
        () => {
          entry.timer = null;
          // A room unloaded (or the server stopped) since: the next load's first stored turn checks again.
          // Inside exclusive: the text as stored; the records change after (check never rejects).
          retryOn
            .exclusive(() => {
              if (!retryOn.doc.isDestroyed) void this.check(documentId, retryOn.doc, retryOn);
            })
            .catch((error: unknown) =>
              this.logger.warn({ err: error, documentId }, 'fallen check not retried'),
            );
        },
        earliest + REINSTATE_WINDOW_MS - now,
      );
      entry.timer.unref();
    }
    if (entry.at.size > 0 || entry.timer) this.reinstatements.set(documentId, entry);
    return due;
  }
}

/** Whether the clause ids `present` drop a clause with tabled amendments or bring back one whose amendments fell with it. */
function mayChange(watched: WatchedClauses, present: ReadonlySet<string>): boolean {
  for (const clauseId of watched.open) if (!present.has(clauseId)) return true;
  for (const clauseId of watched.fell) if (present.has(clauseId)) return true;
  return false;
}
