import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeTypingUpdate } from '../../server/src/collab/typingUpdateDecoder';
import { loadTrace, updatesOfTrace } from '../bench/traces';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { oneParagraphState } from '../support/modelText';

type Decoded = ReturnType<typeof Y.decodeUpdate>;

/** Everything of a decoded update that the server's checks read, as plain data. */
function plain({ structs, ds }: Decoded) {
  const id = (value: Y.ID | null) => (value ? [value.client, value.clock] : null);
  return {
    structs: structs.map((struct) => ({
      kind: struct.constructor.name,
      id: id(struct.id),
      length: struct.length,
      ...(struct instanceof Y.Item
        ? {
            origin: id(struct.origin),
            rightOrigin: id(struct.rightOrigin),
            parent: struct.parent instanceof Y.ID ? id(struct.parent) : struct.parent,
            parentSub: struct.parentSub,
            content: struct.content.constructor.name,
            values: struct.content.getContent(),
            contentLength: struct.content.getLength(),
          }
        : {}),
    })),
    ds: [...ds.clients].map(([client, ranges]) => [client, ranges.map((r) => [r.clock, r.len])]),
  };
}

/** Both readers agree: the same result, or both refuse; the typing reader may also decline (undefined). */
function expectSameAsYjs(update: Uint8Array): 'same' | 'declined' | 'both refused' {
  let expected: Decoded | undefined;
  let yjsFailed = false;
  try {
    expected = Y.decodeUpdate(update);
  } catch {
    yjsFailed = true;
  }
  let actual: Decoded | undefined;
  try {
    actual = decodeTypingUpdate(update);
  } catch {
    expect(yjsFailed).toBe(true);
    return 'both refused';
  }
  if (actual === undefined) return 'declined';
  expect(yjsFailed).toBe(false);
  expect(plain(actual)).toEqual(plain(expected as Decoded));
  return 'same';
}

describe('decodeTypingUpdate: Y.decodeUpdate for keystrokes and deletions', () => {
  it('reads every update of two real traces as Yjs does', () => {
    for (const name of ['friendsforever_flat', 'automerge-paper'] as const) {
      const { updates } = updatesOfTrace(loadTrace(name, 10_000), 1, oneParagraphState());
      const outcomes = updates.map(expectSameAsYjs);
      expect(outcomes.every((outcome) => outcome === 'same')).toBe(true);
    }
  });

  it('reads GC, Skip, deleted content, root-key and id parents, parent keys and several clients as Yjs does', () => {
    const updates = [
      handmadeUpdate(
        [
          { client: 7, clock: 0, structs: [{ gc: 3 }, { skip: 2 }, { content: { deleted: 4 } }] },
          {
            client: 9,
            clock: 5,
            structs: [
              { content: { string: 'root' }, parent: 'content' },
              { content: { string: 'keyed' }, parent: Y.createID(7, 0), parentSub: 'title' },
              { content: { string: 'both' }, origin: Y.createID(9, 5), rightOrigin: Y.createID(7, 1) },
            ],
          },
        ],
        [
          { client: 7, clock: 0, len: 2 },
          { client: 9, clock: 5, len: 1 },
          { client: 7, clock: 4, len: 1 },
        ],
      ),
      // A state with garbage-collected and deleted content, as a reconnecting client's sync step 2 holds.
      (() => {
        const doc = new Y.Doc();
        const text = doc.getText('t');
        text.insert(0, 'Article 12 shall apply.');
        text.delete(3, 6);
        return Y.encodeStateAsUpdate(doc);
      })(),
    ];
    expect(updates.map(expectSameAsYjs)).toEqual(['same', 'same']);
  });

  it('declines elements, attributes and formatting (Y.decodeUpdate reads them)', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const paragraph = new Y.XmlElement('paragraph');
    doc.getXmlFragment('content').insert(0, [paragraph]);
    paragraph.setAttribute('id', 'c-1');
    const text = new Y.XmlText('words');
    paragraph.insert(0, [text]);
    text.format(0, 3, { bold: true });
    expect(updates.map(expectSameAsYjs)).toEqual(['declined', 'declined', 'declined', 'declined']);
  });

  it('refuses where Yjs refuses, and agrees otherwise, on every truncation and on byte flips', () => {
    const { updates } = updatesOfTrace(loadTrace('friendsforever_flat', 200), 1, oneParagraphState());
    const outcomes = new Set<string>();
    for (const update of updates.slice(0, 60)) {
      for (let cut = 0; cut < update.length; cut++) outcomes.add(expectSameAsYjs(update.slice(0, cut)));
      for (let at = 0; at < update.length; at++) {
        for (const flip of [0x01, 0x0a, 0x40, 0x80, 0xff]) {
          const changed = update.slice();
          changed[at] = (changed[at] as number) ^ flip;
          outcomes.add(expectSameAsYjs(changed));
        }
      }
    }
    // The comparisons covered all three cases.
    expect([...outcomes].sort()).toEqual(['both refused', 'declined', 'same']);
  });
});
