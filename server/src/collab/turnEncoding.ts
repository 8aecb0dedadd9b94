import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { UpdateAuthor } from './documentStorage';

type Struct = Y.Item | Y.GC;

/** A deleted clock range, as in a Yjs delete set. */
interface DeletedRange {
  clock: number;
  len: number;
}

/**
 * What a sequence of Yjs transactions changed in a document: per client the
 * clock range its new structs occupy, and the ranges it deleted. Recording a
 * transaction costs O(clients whose state changed + its deleted ranges).
 */
export class ChangeSpan {
  /** Per client: [from, to) of the clocks the transactions added. */
  private readonly clocks = new Map<number, { from: number; to: number }>();
  private readonly deleted = new Map<number, DeletedRange[]>();

  /** Adds one finished transaction; returns false when it changed nothing. */
  add(transaction: Y.Transaction): boolean {
    let changed = false;
    transaction.afterState.forEach((to, client) => {
      const from = transaction.beforeState.get(client) ?? 0;
      if (to <= from) return;
      changed = true;
      const range = this.clocks.get(client);
      if (range) range.to = Math.max(range.to, to);
      else this.clocks.set(client, { from, to });
    });
    transaction.deleteSet.clients.forEach((ranges, client) => {
      if (ranges.length === 0) return;
      changed = true;
      let list = this.deleted.get(client);
      if (!list) {
        list = [];
        this.deleted.set(client, list);
      }
      for (const { clock, len } of ranges) addRange(list, clock, len);
    });
    return changed;
  }

  /** Adds everything another span recorded (the whole turn from its runs). */
  addSpan(other: ChangeSpan): void {
    for (const [client, { from, to }] of other.clocks) {
      const range = this.clocks.get(client);
      if (!range) this.clocks.set(client, { from, to });
      else {
        range.from = Math.min(range.from, from);
        range.to = Math.max(range.to, to);
      }
    }
    for (const [client, ranges] of other.deleted) {
      let list = this.deleted.get(client);
      if (!list) {
        list = [];
        this.deleted.set(client, list);
      }
      for (const { clock, len } of ranges) addRange(list, clock, len);
    }
  }

  get isEmpty(): boolean {
    return this.clocks.size === 0 && this.deleted.size === 0;
  }

  /** Lowers `vector` (client → clock) to where the span's structs begin: what came before them, not they. */
  lowerVector(vector: Map<number, number>): void {
    for (const [client, { from }] of this.clocks)
      vector.set(client, Math.min(vector.get(client) ?? from, from));
  }

  /**
   * The span as one Yjs v1 update, read from the document's struct store:
   * the structs of each client's [from, to) (the first written from an
   * offset, the last cut at `to`) and the span's deletions — what Yjs itself
   * writes for one transaction (`writeUpdateMessageFromTransaction`), here for
   * many. Cost: O(structs in the span + deleted ranges·log) — consecutive
   * keystrokes that Yjs merged into one item are written as one struct, so it
   * does not grow with the number of updates. Requires that the document
   * still holds every struct of the span (it only grows; Yjs may merge,
   * split or garbage-collect structs, which the encoding follows).
   */
  encode(doc: Y.Doc): Uint8Array {
    const encoder = new Y.UpdateEncoderV1();
    const clients = [...this.clocks].sort((a, b) => b[0] - a[0]);
    encoding.writeVarUint(encoder.restEncoder, clients.length);
    for (const [client, { from, to }] of clients) {
      const structs = doc.store.clients.get(client) as Struct[];
      writeStructRange(encoder, structs, client, from, to);
    }
    writeDeleted(encoder, this.deleted);
    return encoder.toUint8Array();
  }
}

/**
 * Appends a deleted range, growing the last one in place when they touch
 * (typing and backspacing delete next to the previous deletion), so a turn
 * keeps one object per separate range, not one per deletion.
 */
function addRange(list: DeletedRange[], clock: number, len: number): void {
  const last = list.at(-1);
  if (last && clock <= last.clock + last.len && clock + len >= last.clock) {
    const end = Math.max(last.clock + last.len, clock + len);
    last.clock = Math.min(last.clock, clock);
    last.len = end - last.clock;
  } else list.push({ clock, len });
}

/** Writes the structs of `client` covering [from, to), as Yjs's writeStructs does for [from, end). */
function writeStructRange(
  encoder: Y.UpdateEncoderV1,
  structs: Struct[],
  client: number,
  from: number,
  to: number,
): void {
  const first = Y.findIndexSS(structs, from);
  let last = first;
  while (last < structs.length && (structs[last] as Struct).id.clock < to) last++;
  encoding.writeVarUint(encoder.restEncoder, last - first);
  encoder.writeClient(client);
  encoding.writeVarUint(encoder.restEncoder, from);
  for (let i = first; i < last; i++) {
    const struct = structs[i] as Struct;
    const offset = i === first ? from - struct.id.clock : 0;
    const end = struct.id.clock + struct.length;
    (end > to ? cutAt(struct, to - struct.id.clock) : struct).write(encoder, offset);
  }
}

/**
 * A copy of a struct holding only its first `length` units, for writing (the
 * document's own struct is not touched). A later change of the same client
 * in the same turn may have been merged into it by Yjs.
 */
function cutAt(struct: Struct, length: number): Struct {
  if (struct instanceof Y.GC) return new Y.GC(struct.id, length);
  const content = struct.content.copy();
  content.splice(length);
  return new Y.Item(
    struct.id,
    null,
    struct.origin,
    null,
    struct.rightOrigin,
    struct.parent,
    struct.parentSub,
    content,
  );
}

/** A delete set in the v1 encoding: clients in descending order, each one's ranges sorted and merged. */
function writeDeleted(encoder: Y.UpdateEncoderV1, deleted: Map<number, DeletedRange[]>): void {
  const clients = [...deleted].sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, ranges] of clients) {
    const merged = mergeRanges(ranges);
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, merged.length);
    for (const { clock, len } of merged) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
}

function mergeRanges(ranges: readonly DeletedRange[]): DeletedRange[] {
  const sorted = [...ranges].sort((a, b) => a.clock - b.clock);
  const merged: DeletedRange[] = [];
  for (const { clock, len } of sorted) {
    const previous = merged.at(-1);
    if (previous && previous.clock + previous.len >= clock) {
      previous.len = Math.max(previous.len, clock + len - previous.clock);
    } else merged.push({ clock, len });
  }
  return merged;
}

/** A client update applied during the turn, as handed to TurnChanges.record. */
export interface AppliedChange<Sender> {
  update: Uint8Array;
  author: UpdateAuthor;
  sender: Sender;
}

/** A stored row of a turn: one sender's consecutive changes, with its author. */
export interface TurnRow<Sender> {
  sender: Sender;
  author: UpdateAuthor;
  updates: [Uint8Array];
}

interface Run<Sender> {
  sender: Sender;
  author: UpdateAuthor;
  clauses: Set<string>;
  span: ChangeSpan;
  /** How many of the turn's updates (in `log`) belong to this run. */
  updates: number;
}

/**
 * The client changes one event-loop turn applied to a room's Y.Doc, waiting
 * for the turn's commit (one commit per turn, nothing sent before it).
 *
 * Rows: each run of consecutive changes from one sender is one row (its
 * author, the union of the clauses it touched), so a fast writer's turn of
 * thousands of keystrokes is one insert, not thousands. Broadcast: the whole
 * turn as one update. Both are encoded from the Y.Doc's struct store
 * (ChangeSpan.encode), linear in what the turn carries; a turn of one run is
 * stored and sent as the same bytes. Issue 16: merging the turn's updates with
 * `Y.mergeUpdates` was super-linear in their number (10,000 keystrokes: 1.2 s
 * in one call), and even in bounded groups it re-read every update and wrote
 * every keystroke as its own struct.
 *
 * Memory: a fast writer's turn can hold 90,000 updates (a trace replayed
 * back to back); nothing is kept per update but its bytes, copied into one
 * growing buffer (for `replay`), so a long turn leaves no per-update objects
 * for the garbage collector to promote.
 */
export class TurnChanges<Sender> {
  private readonly runs: Run<Sender>[] = [];
  /** The turn's client updates in order, each as a varUint8Array. */
  private readonly log = encoding.createEncoder();
  private updateCount = 0;

  /**
   * Records a client update after Yjs applied it in `transactions` (what the
   * room's doc reported during the apply). Returns false, recording nothing,
   * when it changed nothing.
   */
  record(change: AppliedChange<Sender>, transactions: readonly Y.Transaction[]): boolean {
    let run = this.runs.at(-1);
    const span = run?.sender === change.sender ? run.span : new ChangeSpan();
    let changed = false;
    for (const transaction of transactions) changed = span.add(transaction) || changed;
    if (!changed) return false;
    if (run?.sender !== change.sender) {
      run = { sender: change.sender, author: change.author, clauses: new Set(), span, updates: 0 };
      this.runs.push(run);
    }
    for (const clauseId of change.author.touchedClauses ?? []) run.clauses.add(clauseId);
    run.updates++;
    this.updateCount++;
    encoding.writeVarUint8Array(this.log, change.update);
    return true;
  }

  get isEmpty(): boolean {
    return this.runs.length === 0;
  }

  /** How many client updates the turn holds. */
  get size(): number {
    return this.updateCount;
  }

  /** Lowers `vector` (client → clock) to where the turn's changes begin (ChangeSpan.lowerVector). */
  lowerVector(vector: Map<number, number>): void {
    for (const run of this.runs) run.span.lowerVector(vector);
  }

  /** Everyone whose changes the turn holds. */
  senders(): Set<Sender> {
    return new Set(this.runs.map((run) => run.sender));
  }

  /**
   * The turn's updates in order, each with its run's sender and author (the
   * union of the run's clauses), to apply them again to a document reloaded
   * from storage.
   */
  *replay(): Generator<AppliedChange<Sender>> {
    const decoder = decoding.createDecoder(encoding.toUint8Array(this.log));
    for (const run of this.runs) {
      const author = { ...run.author, touchedClauses: [...run.clauses] };
      for (let i = 0; i < run.updates; i++) {
        yield { update: decoding.readVarUint8Array(decoder), author, sender: run.sender };
      }
    }
  }

  /**
   * The turn's rows (in order) and its broadcast, encoded from `doc` — which
   * must hold exactly what was stored before the turn plus the turn's changes.
   */
  encode(doc: Y.Doc): { rows: TurnRow<Sender>[]; broadcast: Uint8Array } {
    const rows = this.runs.map((run) => ({
      sender: run.sender,
      author: { ...run.author, touchedClauses: [...run.clauses] },
      updates: [run.span.encode(doc)] as [Uint8Array],
    }));
    if (this.runs.length === 1) return { rows, broadcast: (rows[0] as TurnRow<Sender>).updates[0] };
    const whole = new ChangeSpan();
    for (const run of this.runs) whole.addSpan(run.span);
    return { rows, broadcast: whole.encode(doc) };
  }
}
