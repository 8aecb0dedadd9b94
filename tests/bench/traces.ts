/**
 * The real editing traces of tests/bench/data (format and licence in its
 * README): loading, the in-process floor, and the split of a two-person trace
 * between two writers.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { modelText } from '../support/modelText';

export type TraceName = 'automerge-paper' | 'friendsforever_flat';

/** `[position, deletedCount, insertedText]`, positions in code points. */
export type Patch = [number, number, string];

export interface EditingTrace {
  name: string;
  startContent: string;
  endContent: string;
  txns: { patches: Patch[] }[];
}

const dataDir = join(dirname(fileURLToPath(import.meta.url)), 'data');

/**
 * Loads a trace; with `limit`, only its first `limit` transactions (and the
 * matching end content, computed by splicing a string). Refuses traces with
 * characters outside the Basic Multilingual Plane, where code-point positions
 * would differ from the UTF-16 indices of Y.Text.
 */
export function loadTrace(name: TraceName, limit?: number): EditingTrace {
  const raw = JSON.parse(gunzipSync(readFileSync(join(dataDir, `${name}.json.gz`))).toString('utf8')) as {
    startContent: string;
    endContent: string;
    txns: { patches: Patch[] }[];
  };
  const surrogate = /[\uD800-\uDFFF]/;
  const hasAstral =
    surrogate.test(raw.endContent) ||
    raw.txns.some((txn) => txn.patches.some(([, , s]) => surrogate.test(s)));
  if (hasAstral) throw new Error(`${name}: characters outside the BMP need code-point position mapping`);
  if (limit === undefined || limit >= raw.txns.length) {
    return { name, startContent: raw.startContent, endContent: raw.endContent, txns: raw.txns };
  }
  const txns = raw.txns.slice(0, limit);
  let text = raw.startContent;
  for (const txn of txns) {
    for (const [position, deleted, inserted] of txn.patches) {
      text = text.slice(0, position) + inserted + text.slice(position + deleted);
    }
  }
  return { name, startContent: raw.startContent, endContent: text, txns };
}

export function editCount(trace: EditingTrace): number {
  return trace.txns.reduce((sum, txn) => sum + txn.patches.length, 0);
}

/**
 * A document holding `initialState` (the one-paragraph state every bench
 * document starts with, `oneParagraphState()`), with the given Y client id.
 * Every replay edits its text node: `modelText(doc)`.
 */
export function docWithState(initialState: Uint8Array, clientId?: number): Y.Doc {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  Y.applyUpdate(doc, initialState);
  return doc;
}

/** Applies one transaction's patches to a Y.Text (a Y.XmlText of the model), in one Yjs transaction. */
export function applyTxn(text: Y.Text, patches: readonly Patch[]): void {
  const apply = () => {
    for (const [position, deleted, inserted] of patches) {
      if (deleted > 0) text.delete(position, deleted);
      if (inserted.length > 0) text.insert(position, inserted);
    }
  };
  if (text.doc) text.doc.transact(apply);
  else apply();
}

/**
 * The floor: every edit applied to a bare Y.Doc in this process (no listener,
 * no network), in ms — into the same text node of the same initial state as
 * the replays.
 */
export function measureFloor(
  trace: EditingTrace,
  initialState: Uint8Array,
): { ms: number; correct: boolean } {
  const doc = docWithState(initialState);
  const text = modelText(doc);
  const started = performance.now();
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) applyTxn(text, txn.patches);
  const ms = performance.now() - started;
  const correct = text.toString() === trace.endContent;
  doc.destroy();
  return { ms, correct };
}

/**
 * The updates one writer (Y client id `clientId`) sends while typing the
 * trace into the text node of a document that starts as `initialState`: one
 * per transaction, exactly what a y-websocket provider would send.
 */
export function updatesOfTrace(
  trace: EditingTrace,
  clientId: number,
  initialState: Uint8Array,
): { updates: Uint8Array[] } {
  const doc = docWithState(initialState, clientId);
  const text = modelText(doc);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) applyTxn(text, txn.patches);
  if (text.toString() !== trace.endContent)
    throw new Error(`${trace.name}: replay does not reach endContent`);
  doc.destroy();
  return { updates };
}

/**
 * Splits a linearised two-person trace between two writers: each edit goes to
 * the writer whose cursor is nearer (the current writer keeps it when it
 * continues within two characters); the other cursor shifts with the edit.
 */
export function splitBetweenTwoWriters(trace: EditingTrace): number[] {
  const cursors = [0, 0];
  let writer = 0;
  return trace.txns.map((txn) => {
    const [position, deleted, inserted] = txn.patches[0] ?? [0, 0, ''];
    const near = (w: number) => Math.abs((cursors[w] ?? 0) - position);
    const other = 1 - writer;
    if (near(writer) > 2 && near(other) < near(writer)) writer = other;
    const shift = inserted.length - deleted;
    const otherCursor = cursors[1 - writer] ?? 0;
    if (otherCursor > position) cursors[1 - writer] = Math.max(position, otherCursor + shift);
    cursors[writer] = position + inserted.length;
    return writer;
  });
}
