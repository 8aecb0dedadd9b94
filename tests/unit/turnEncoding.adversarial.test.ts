import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState, MemoryDocumentStorage } from '../../server/src/collab/documentStorage';
import { CollabRefusal } from '../../server/src/errors';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { endOfTurn, joinRoom, openTestRoom } from '../support/roomClients';

/** A deterministic pseudo-random source (the same interleavings on every run). */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

/** The Yjs updates among the messages a client received (sync step 2 and update), skipping the rest. */
function updatesIn(messages: Uint8Array[]): Uint8Array[] {
  const updates: Uint8Array[] = [];
  for (const message of messages.splice(0)) {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== 0) continue;
    if (decoding.readVarUint(decoder) === 0) continue;
    updates.push(decoding.readVarUint8Array(decoder));
  }
  return updates;
}

interface Writer {
  /** The writer's delegation: every connection of the writer is its user's. */
  code: string;
  doc: Y.Doc;
  pending: Uint8Array[];
  joined: ReturnType<typeof joinRoom>;
  /** Another connection of the same person (a second tab), which may write under the writer's client id. */
  twin: ReturnType<typeof joinRoom>;
}

/** Everything of a document that a reader sees: each paragraph's text, and the state vector. */
function view(doc: Y.Doc): { xml: string; paragraphs: string[]; state: number[][]; snapshot: Uint8Array } {
  const paragraphs = doc
    .getXmlFragment('content')
    .toArray()
    .map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText | undefined)?.toString() ?? '');
  return {
    xml: doc.getXmlFragment('content').toString(),
    snapshot: Y.encodeSnapshot(Y.snapshot(doc)),
    paragraphs,
    state: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]),
  };
}

/**
 * Plays 30 turns per seed of three writers typing, deleting, adding and
 * removing paragraphs on replicas of their own, sending in interleaved
 * bursts; with `hostile`, also updates Yjs cannot integrate (reload and
 * reapply), leaving mid-turn, content outside the model, and another
 * connection continuing a writer's Yjs client id — the writer's own second
 * tab (checked for item order) and another person (refused: not theirs).
 * After each turn, an observer that
 * only applies what the room sent, and a document loaded from the stored
 * rows, must equal the room's document. Returns the refusals' messages.
 */
async function playTurns(seeds: number, hostileActions: boolean): Promise<string[]> {
  const refusals: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const next = random(seed);
    const storage = new MemoryDocumentStorage();
    const room = await openTestRoom(storage, { compactAfterUpdates: 1_000_000 });
    const observer = joinRoom(room, 'OBS');
    const observed = new Y.Doc();
    const writers: Writer[] = ['PL', 'HU', 'CZ'].map((code, i) => {
      const doc = new Y.Doc();
      doc.clientID = 100 + i;
      const writer: Writer = {
        code,
        doc,
        pending: [],
        joined: joinRoom(room, code),
        twin: joinRoom(room, code),
      };
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'remote') writer.pending.push(update);
      });
      return writer;
    });
    const hostile = joinRoom(room, 'XX');
    const deliver = () => {
      for (const update of updatesIn(observer.socket.sent)) Y.applyUpdate(observed, update, 'remote');
      for (const writer of writers) {
        for (const update of updatesIn(writer.joined.socket.sent))
          Y.applyUpdate(writer.doc, update, 'remote');
        if (writer.joined.socket.closedWith !== undefined) rejoin(writer);
        writer.twin.socket.sent.length = 0;
      }
      hostile.socket.sent.length = 0;
    };
    const rejoin = (writer: Writer) => {
      room.leave(writer.joined.connection);
      const joined = joinRoom(room, writer.code);
      writer.joined = joined;
      // The answer (sync step 2) arrives with what the room sends it, delivered at the end of the turn.
      room.queue.run(() => room.answerSyncStep1(Y.encodeStateVector(writer.doc), joined.connection));
    };
    const send = (update: Uint8Array, connection: Writer['joined']['connection']) => {
      // As the collaboration server does: a room operation (it waits while the room reloads after a refusal).
      room.queue.run(() => {
        try {
          room.applyClientUpdate(update, connection);
        } catch (error) {
          if (!(error instanceof CollabRefusal)) throw error;
          refusals.push(error.message);
        }
      });
    };
    for (let turn = 0; turn < 30; turn++) {
      const steps = 1 + next(8);
      for (let step = 0; step < steps; step++) {
        const action = hostileActions ? next(13) : next(9);
        const writer = writers[next(writers.length)] as Writer;
        const content = writer.doc.getXmlFragment('content');
        if (action < 2 || content.length === 0) {
          const paragraph = new Y.XmlElement('paragraph');
          paragraph.insert(0, [new Y.XmlText(`p${turn}.${step} `)]);
          content.insert(next(content.length + 1), [paragraph]);
        } else if (action < 6) {
          const text = (content.get(next(content.length)) as Y.XmlElement).get(0) as Y.XmlText;
          if (text) text.insert(next(text.length + 1), 'abc😀'.slice(0, 1 + next(5)));
        } else if (action < 8) {
          const text = (content.get(next(content.length)) as Y.XmlElement).get(0) as Y.XmlText;
          if (text && text.length > 0) {
            const at = next(text.length);
            text.delete(at, 1 + next(text.length - at));
          }
        } else if (action === 8) {
          content.delete(next(content.length), 1);
        } else if (action === 10) {
          // Two items each waiting for the other: they pass the checks, Yjs keeps them pending (reload and reapply).
          const last = room.doc.store.clients.get(writer.doc.clientID)?.at(-1);
          if (last) {
            const origin = Y.createID(writer.doc.clientID, last.id.clock + last.length - 1);
            send(
              handmadeUpdate([
                {
                  client: 900,
                  clock: 0,
                  structs: [{ content: { string: 'a' }, origin, rightOrigin: Y.createID(901, 0) }],
                },
                {
                  client: 901,
                  clock: 0,
                  structs: [{ content: { string: 'b' }, origin, rightOrigin: Y.createID(900, 0) }],
                },
              ]),
              writer.joined.connection,
            );
          }
        } else if (action === 11) {
          // A sender leaves mid-turn, and comes back with a fresh connection (its replica resyncs).
          rejoin(writer);
        } else if (action === 12) {
          send(
            handmadeUpdate([
              { client: 77, clock: 0, structs: [{ content: { embed: { x: 1 } }, parent: 'content' }] },
            ]),
            hostile.connection,
          );
        } else {
          // Another connection continues a writer's own client id after its last item in the server's document:
          // another person's is refused, the writer's own second tab's is accepted (and checked for item order).
          const structs = room.doc.store.clients.get(writer.doc.clientID);
          const last = structs?.at(-1);
          if (last instanceof Y.Item && !last.deleted && last.content instanceof Y.ContentString) {
            const clock = last.id.clock + last.length;
            const continuation = handmadeUpdate([
              {
                client: writer.doc.clientID,
                clock,
                structs: [{ content: { string: 'X' }, origin: Y.createID(writer.doc.clientID, clock - 1) }],
              },
            ]);
            send(continuation, hostile.connection);
            send(continuation, writer.twin.connection);
          }
        }
        // Senders interleave: sometimes a writer's changes wait, then go as several updates.
        if (next(3) > 0) {
          for (const w of writers) {
            for (const update of w.pending.splice(0)) send(update, w.joined.connection);
          }
        }
      }
      // Everything sent so far is stored and broadcast (and a room reloading after a refusal has recovered).
      await room.exclusive(() => undefined);
      deliver();
      expect(view(observed), `seed ${seed} turn ${turn}: observer`).toEqual(view(room.doc));
      expect(view(docFromStoredState(storage.load('doc'))), `seed ${seed} turn ${turn}: stored`).toEqual(
        view(room.doc),
      );
    }
    room.destroy();
  }
  return refusals;
}

describe('turns interleaving several senders, hostile ones among them', () => {
  it('every receiver and the stored rows end equal to the server, whatever the interleaving', async () => {
    const refusals = await playTurns(80, true);
    // The hostile actions were refused for what they are, among them an item whose right origin is left of its origin.
    expect(refusals.some((message) => message.includes('right origin left of its origin'))).toBe(true);
    expect(refusals.some((message) => message.includes('cannot integrate'))).toBe(true);
    expect(refusals.some((message) => message.includes('belongs to another person'))).toBe(true);
  }, 120_000);

  it('honest writers alone are never refused', async () => {
    expect(await playTurns(40, false)).toEqual([]);
  }, 120_000);
});

describe('a new tail linked after a unit another connection wrote', () => {
  it('is refused (4400) when its right origin is then left of its origin: the room and an observer stay equal', async () => {
    const storage = new MemoryDocumentStorage();
    const room = await openTestRoom(storage, { compactAfterUpdates: 1_000_000 });
    const observer = joinRoom(room, 'OBS');
    const typist = joinRoom(room, 'PL');
    // The typist's second tab: anyone else writing under the typist's client id is refused outright (4400).
    const other = joinRoom(room, 'PL');
    const observed = new Y.Doc();
    const id = (clock: number) => Y.createID(555, clock);
    const keystroke = (clock: number, string: string, origin?: Y.ID, rightOrigin?: Y.ID) =>
      handmadeUpdate([{ client: 555, clock, structs: [{ content: { string }, origin, rightOrigin }] }]);
    const paragraph = new Y.Doc();
    paragraph.clientID = 554;
    const element = new Y.XmlElement('paragraph');
    element.insert(0, [new Y.XmlText('')]);
    paragraph.getXmlFragment('content').insert(0, [element]);
    room.applyClientUpdate(Y.encodeStateAsUpdate(paragraph), typist.connection);
    room.applyClientUpdate(
      handmadeUpdate([
        { client: 555, clock: 0, structs: [{ content: { string: 'Article' }, parent: Y.createID(554, 1) }] },
      ]),
      typist.connection,
    );
    await endOfTurn();
    room.applyClientUpdate(keystroke(7, 'X', id(6)), other.connection);
    await endOfTurn();
    let refusal: unknown;
    try {
      // Typed between "r" and "t" at clock 7, which the room holds already ("X"): the tail is linked after "X".
      room.applyClientUpdate(keystroke(7, '_more_', id(2), id(3)), typist.connection);
    } catch (error) {
      refusal = error;
    }
    await endOfTurn();
    for (const update of updatesIn(observer.socket.sent)) Y.applyUpdate(observed, update);
    expect(view(observed)).toEqual(view(room.doc));
    expect(view(docFromStoredState(storage.load('doc')))).toEqual(view(room.doc));
    expect(refusal).toBeInstanceOf(CollabRefusal);
    expect(view(room.doc).paragraphs).toEqual(['ArticleX']);
    room.destroy();
  });
});
