import { CloseCode } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeClientUpdate, effectOf } from '../../server/src/collab/updateInspection';
import { CollabRefusal } from '../../server/src/errors';

/** A server-side doc with some text, and a client replica of it. */
function replicas(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  server.getText('t').insert(0, 'Hello collaborative world');
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const listener = (update: Uint8Array) => updates.push(update);
  doc.on('update', listener);
  change();
  doc.off('update', listener);
  return Y.mergeUpdates(updates);
}

const changes = (doc: Y.Doc, update: Uint8Array) => effectOf(doc, update).changesDocument;

describe('effectOf(...).changesDocument', () => {
  it('is true for an update inserting new content', () => {
    const { server, client } = replicas();
    const update = captureUpdate(client, () => client.getText('t').insert(5, ','));
    expect(changes(server, update)).toBe(true);
  });

  it('is true for an update deleting live content, even without inserting anything', () => {
    const { server, client } = replicas();
    const update = captureUpdate(client, () => client.getText('t').delete(0, 6));
    expect(Y.decodeUpdate(update).structs).toHaveLength(0);
    expect(changes(server, update)).toBe(true);
  });

  it('is true for an update partly new (one known struct, one unknown)', () => {
    const { server, client } = replicas();
    const known = captureUpdate(client, () => client.getText('t').insert(0, 'A'));
    Y.applyUpdate(server, known);
    const more = captureUpdate(client, () => client.getText('t').insert(0, 'B'));
    expect(changes(server, Y.mergeUpdates([known, more]))).toBe(true);
  });

  it('is false for an update the document already contains: its full state, or an applied change', () => {
    const { server, client } = replicas();
    expect(changes(server, Y.encodeStateAsUpdate(server))).toBe(false);
    const insert = captureUpdate(client, () => client.getText('t').insert(0, 'New '));
    Y.applyUpdate(server, insert);
    expect(changes(server, insert)).toBe(false);
    const deletion = captureUpdate(client, () => client.getText('t').delete(0, 4));
    Y.applyUpdate(server, deletion);
    expect(changes(server, deletion)).toBe(false);
    expect(changes(server, Y.encodeStateAsUpdate(client))).toBe(false);
  });

  it('is false for an empty update and for an empty sync step 2', () => {
    const { server } = replicas();
    expect(changes(server, Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
    expect(changes(server, Y.encodeStateAsUpdate(server, Y.encodeStateVector(server)))).toBe(false);
  });

  it('is true for a deletion of already-deleted and live content together', () => {
    const { server, client } = replicas();
    const first = captureUpdate(client, () => client.getText('t').delete(0, 3));
    Y.applyUpdate(server, first);
    const second = captureUpdate(client, () => client.getText('t').delete(0, 3));
    expect(changes(server, Y.mergeUpdates([first, second]))).toBe(true);
  });
});

describe('decodeClientUpdate', () => {
  it('decodes a valid update into structs and a delete set', () => {
    const { client } = replicas();
    const decoded = decodeClientUpdate(Y.encodeStateAsUpdate(client));
    expect(decoded.structs.length).toBeGreaterThan(0);
    expect(decoded.ds.clients).toBeInstanceOf(Map);
  });

  it('refuses garbage and truncated updates with MalformedMessage', () => {
    const { client } = replicas();
    const valid = Y.encodeStateAsUpdate(client);
    const garbage = [
      new Uint8Array(16).fill(0xff),
      Uint8Array.from([1, 1, 200, 1, 0, 4, 9, 9, 9]),
      valid.slice(0, Math.floor(valid.length / 2)),
      Uint8Array.from([5]),
    ];
    for (const bytes of garbage) {
      let refusal: unknown;
      try {
        decodeClientUpdate(bytes);
      } catch (error) {
        refusal = error;
      }
      expect(refusal, Buffer.from(bytes).toString('hex')).toBeInstanceOf(CollabRefusal);
      expect((refusal as CollabRefusal).closeCode).toBe(CloseCode.MalformedMessage);
    }
  });
});
