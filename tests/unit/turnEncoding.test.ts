import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChangeSpan, TurnChanges } from '../../server/src/collab/turnEncoding';

const author = (user: string, clauses: string[] = []) => ({
  userId: user,
  participantId: `p-${user}`,
  touchedClauses: clauses,
});

/** A server-side document that reports the transactions each applied update ran (as Room does). */
class ServerDoc {
  readonly doc = new Y.Doc();
  private captured: Y.Transaction[] | undefined;
  constructor() {
    this.doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => this.captured?.push(transaction));
  }
  apply(update: Uint8Array): Y.Transaction[] {
    const transactions: Y.Transaction[] = [];
    this.captured = transactions;
    Y.applyUpdate(this.doc, update);
    this.captured = undefined;
    return transactions;
  }
}

/** A client replica: its own edits are collected as the updates it would send. */
class Writer {
  readonly doc = new Y.Doc();
  readonly outbox: Uint8Array[] = [];
  constructor(clientId: number, start: Uint8Array) {
    this.doc.clientID = clientId;
    Y.applyUpdate(this.doc, start, 'remote');
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.outbox.push(update);
    });
  }
  get text(): Y.Text {
    return this.doc.getText('t');
  }
  receive(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, 'remote');
  }
}

function expectSameDocument(actual: Y.Doc, expected: Y.Doc): void {
  expect(actual.getText('t').toString()).toBe(expected.getText('t').toString());
  expect(Y.encodeStateVector(actual)).toEqual(Y.encodeStateVector(expected));
  expect(actual.store.pendingStructs).toBeNull();
  expect(actual.store.pendingDs).toBeNull();
  // Same deletions: nothing visible differs, whatever the order of integration.
  expect(
    Y.equalDeleteSets(
      Y.createDeleteSetFromStructStore(actual.store),
      Y.createDeleteSetFromStructStore(expected.store),
    ),
  ).toBe(true);
}

/** A deterministic pseudo-random sequence (so a failure reproduces). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** One keystroke or deletion at a random place of the writer's text. */
function edit(writer: Writer, next: () => number, letter: string): void {
  const text = writer.text;
  if (text.length > 3 && next() < 0.3) {
    text.delete(Math.floor(next() * (text.length - 2)), 1 + Math.floor(next() * 2));
  } else text.insert(Math.floor(next() * (text.length + 1)), letter.repeat(1 + Math.floor(next() * 3)));
}

describe('ChangeSpan: what transactions changed, encoded from the struct store', () => {
  it('writes one transaction exactly as Yjs writes its update', () => {
    const doc = new Y.Doc();
    doc.clientID = 5;
    const fromYjs: Uint8Array[] = [];
    const fromSpan: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => fromYjs.push(update));
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
      const span = new ChangeSpan();
      if (span.add(transaction)) fromSpan.push(span.encode(doc));
    });
    const text = doc.getText('t');
    text.insert(0, 'Article 1. The Parties');
    text.insert(10, ' shall');
    text.delete(3, 4);
    text.format(0, 5, { bold: true });
    doc.transact(() => {
      text.insert(2, 'xyz');
      text.delete(0, 8);
    });
    expect(fromSpan).toHaveLength(5);
    expect(fromSpan).toEqual(fromYjs);
  });

  it('a transaction that changes nothing records nothing', () => {
    const doc = new Y.Doc();
    const span = new ChangeSpan();
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => span.add(transaction));
    doc.transact(() => undefined);
    expect(span.isEmpty).toBe(true);
  });
});

describe('TurnChanges: the rows and the broadcast of one turn', () => {
  it('many updates from several senders: every receiver ends equal to the server, and so do the stored rows', () => {
    const next = random(42);
    const server = new ServerDoc();
    server.doc.getText('t').insert(0, 'The Parties agree as follows.');
    const initial = Y.encodeStateAsUpdate(server.doc);
    const writers = [11, 12, 13].map((id) => new Writer(id, initial));
    const observer = new Y.Doc();
    Y.applyUpdate(observer, initial);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, initial);
    for (let turnNumber = 0; turnNumber < 20; turnNumber++) {
      const turn = new TurnChanges<Writer>();
      // Some turns hold one sender only, most interleave several (runs of 1–4 updates).
      const active = turnNumber % 4 === 0 ? [writers[turnNumber % 3] as Writer] : writers;
      for (let step = 0; step < 60; step++) {
        const writer = active[Math.floor(next() * active.length)] as Writer;
        edit(writer, next, String.fromCharCode(97 + (step % 26)));
        for (const update of writer.outbox.splice(0)) {
          turn.record(
            { update, author: author(`${writer.doc.clientID}`), sender: writer },
            server.apply(update),
          );
        }
      }
      const { rows, broadcast } = turn.encode(server.doc);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) Y.applyUpdate(stored, row.updates[0]);
      // Every connection receives the turn's one message (a sole sender excepted, which already has it all).
      const senders = turn.senders();
      for (const writer of writers)
        if (!(senders.size === 1 && senders.has(writer))) writer.receive(broadcast);
      Y.applyUpdate(observer, broadcast);
      for (const doc of [observer, stored, ...writers.map((w) => w.doc)]) expectSameDocument(doc, server.doc);
    }
    expect(server.doc.getText('t').length).toBeGreaterThan(100);
  });

  it('a run cut by another sender: each row holds only its own run, though Yjs merged the runs into one item', () => {
    const server = new ServerDoc();
    const a = new Writer(1, Y.encodeStateAsUpdate(server.doc));
    const b = new Writer(2, Y.encodeStateAsUpdate(server.doc));
    const turn = new TurnChanges<string>();
    const send = (writer: Writer, sender: string) => {
      for (const update of writer.outbox.splice(0)) {
        turn.record({ update, author: author(sender, [`c-${sender}`]), sender }, server.apply(update));
      }
    };
    for (const char of 'abc') a.text.insert(a.text.length, char);
    send(a, 'A');
    b.text.insert(0, 'Z');
    send(b, 'B');
    for (const char of 'def') a.text.insert(a.text.length, char);
    send(a, 'A');
    // Yjs merged A's six keystrokes into one struct in the server's document.
    expect(server.doc.store.clients.get(1)).toHaveLength(1);
    const { rows, broadcast } = turn.encode(server.doc);
    expect(rows.map((row) => row.sender)).toEqual(['A', 'B', 'A']);
    expect(rows.map((row) => row.author.touchedClauses)).toEqual([['c-A'], ['c-B'], ['c-A']]);
    const clocks = rows.map((row) =>
      Y.decodeUpdate(row.updates[0]).structs.map((s) => [s.id.client, s.id.clock, s.length]),
    );
    expect(clocks).toEqual([[[1, 0, 3]], [[2, 0, 1]], [[1, 3, 3]]]);
    const fromRows = new Y.Doc();
    for (const row of rows) Y.applyUpdate(fromRows, row.updates[0]);
    expectSameDocument(fromRows, server.doc);
    const fromBroadcast = new Y.Doc();
    Y.applyUpdate(fromBroadcast, broadcast);
    expectSameDocument(fromBroadcast, server.doc);
  });

  it('a burst of 10,000 keystrokes of one sender is one row, sent as the same bytes, holding one struct', () => {
    const server = new ServerDoc();
    const writer = new Writer(7, Y.encodeStateAsUpdate(server.doc));
    for (let i = 0; i < 10_000; i++) writer.text.insert(i, 'x');
    const turn = new TurnChanges<string>();
    const updates = writer.outbox.splice(0);
    for (const update of updates)
      turn.record({ update, author: author('a'), sender: 'A' }, server.apply(update));
    const { rows, broadcast } = turn.encode(server.doc);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.updates[0]).toBe(broadcast);
    // Linear in what the turn carries: Yjs merged the keystrokes, so the turn is one struct of 10,000 characters.
    expect(Y.decodeUpdate(broadcast).structs).toHaveLength(1);
    expect(broadcast.byteLength).toBeLessThan(10_100);
    const received = new Y.Doc();
    Y.applyUpdate(received, broadcast);
    expectSameDocument(received, server.doc);
  });

  it('deletions of earlier turns’ text and of text typed in the same turn reach every receiver', () => {
    const server = new ServerDoc();
    const writer = new Writer(3, Y.encodeStateAsUpdate(server.doc));
    writer.text.insert(0, 'Article 5 applies in full.');
    for (const update of writer.outbox.splice(0)) server.apply(update);
    const observer = new Y.Doc();
    Y.applyUpdate(observer, Y.encodeStateAsUpdate(server.doc));
    const turn = new TurnChanges<string>();
    writer.text.delete(0, 8); // earlier turn's text
    writer.text.insert(0, 'new words ');
    writer.text.delete(0, 4); // typed in this turn
    for (const update of writer.outbox.splice(0))
      turn.record({ update, author: author('a'), sender: 'A' }, server.apply(update));
    Y.applyUpdate(observer, turn.encode(server.doc).broadcast);
    expectSameDocument(observer, server.doc);
    expect(observer.getText('t').toString()).toBe('words 5 applies in full.');
  });

  it('an update that changes nothing is not recorded; a turn without changes is empty', () => {
    const server = new ServerDoc();
    const writer = new Writer(4, Y.encodeStateAsUpdate(server.doc));
    writer.text.insert(0, 'once');
    const [update] = writer.outbox.splice(0);
    const turn = new TurnChanges<string>();
    expect(turn.record({ update: update!, author: author('a'), sender: 'A' }, server.apply(update!))).toBe(
      true,
    );
    expect(turn.record({ update: update!, author: author('a'), sender: 'A' }, server.apply(update!))).toBe(
      false,
    );
    expect(turn.size).toBe(1);
    expect(new TurnChanges<string>().isEmpty).toBe(true);
  });
});
