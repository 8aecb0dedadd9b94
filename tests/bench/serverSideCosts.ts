/**
 * In-process costs of Draftroom's own server-side work, which the reference
 * server has no counterpart for: the clause-lock check run on every incoming
 * update, and the clause-by-clause compare of two 200-clause versions.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { ClientIdOwners } from '../../server/src/collab/clientIdOwners';
import { DEFAULT_UPDATE_LIMITS } from '../../server/src/collab/updateBounds';
import { inspectClientUpdate } from '../../server/src/collab/updateInspection';
import { compareStructures } from '../../server/src/compare/compareStructures';
import { makeLargeStructure, reviseLargeStructure } from '../../server/src/compare/fixtures';
import { encodeOutline } from '../../server/src/content/outline';
import { actionPlanDraft } from '../../server/src/demo/actionPlan';
import { type ResultRow, resultRow } from './report';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Keystroke-sized updates into the demo Action Plan, each resolved to the clauses it touches. */
export async function clauseLockScenario(): Promise<ResultRow[]> {
  const server = new Y.Doc();
  Y.applyUpdate(server, encodeOutline(actionPlanDraft));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const texts: Y.XmlText[] = [];
  const collect = (element: Y.XmlElement | Y.XmlFragment) => {
    for (const child of element.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child);
      else if (child instanceof Y.XmlElement) collect(child);
    }
  };
  collect(client.getXmlFragment('content'));
  const samples: number[] = [];
  const writer = { owners: new ClientIdOwners(), userId: 'bench-drafter' };
  writer.owners.claim([client.clientID], writer.userId);
  for (let i = 0; i < 5_000; i++) {
    const text = texts[i % texts.length] as Y.XmlText;
    const before = Y.encodeStateVector(client);
    if (i % 4 === 3 && text.length > 2) text.delete(1, 1);
    else text.insert(Math.min(3, text.length), 'x');
    const update = Y.encodeStateAsUpdate(client, before);
    const started = performance.now();
    inspectClientUpdate(server, update, {
      canEdit: true,
      role: 'drafter',
      limits: DEFAULT_UPDATE_LIMITS,
      writer,
    });
    samples.push((performance.now() - started) * 1000);
    Y.applyUpdate(server, update);
  }
  const measured = samples.slice(500);
  const format = (us: number) => `${us.toFixed(1)} µs`;
  return [
    resultRow(
      'clause lock check',
      'all checks (bounds, dependencies, model, touched clauses), p50 per update',
      {
        ours: format(median(measured)),
        reference: 'n/a',
      },
    ),
    resultRow('clause lock check', 'p99 per update', {
      ours: format(percentile(measured, 99)),
      reference: 'n/a',
    }),
    ...noOpDeletionCost(server, client, format),
  ];
}

/**
 * An observer's ~6 KB update naming only already-deleted items (issue 11,
 * item 4), against the document after 25,000 edits: our check
 * walks the named ranges only; the previous check rebuilt the document's
 * whole delete set for every such message (the "reference" column).
 */
function noOpDeletionCost(server: Y.Doc, client: Y.Doc, format: (us: number) => string): ResultRow[] {
  // A document with a long editing history: 20,000 more keystrokes, every third one deleted again.
  const text = client.getXmlFragment('content').get(0) as Y.XmlElement;
  const scratch = text.get(0) as Y.XmlText;
  for (let i = 0; i < 20_000; i++) {
    const before = Y.encodeStateVector(client);
    if (i % 3 === 2) scratch.delete(i % Math.max(1, scratch.length - 1), 1);
    else scratch.insert(i % (scratch.length + 1), 'y');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client, before));
  }
  const deleted = Y.decodeUpdate(Y.encodeStateAsUpdate(client)).ds.clients.get(client.clientID) ?? [];
  const ranges = Array.from({ length: 2_000 }, (_, i) => deleted[i % deleted.length]);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // no structs
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, client.clientID);
  encoding.writeVarUint(encoder, ranges.length);
  for (const range of ranges) {
    encoding.writeVarUint(encoder, range?.clock ?? 0);
    encoding.writeVarUint(encoder, range?.len ?? 0);
  }
  const update = encoding.toUint8Array(encoder);
  const ours: number[] = [];
  const previous: number[] = [];
  const writer = { owners: new ClientIdOwners(), userId: 'bench-observer' };
  for (let i = 0; i < 200; i++) {
    let started = performance.now();
    inspectClientUpdate(server, update, {
      canEdit: false,
      role: 'observer',
      limits: DEFAULT_UPDATE_LIMITS,
      writer,
    });
    ours.push((performance.now() - started) * 1000);
    started = performance.now();
    Y.createDeleteSetFromStructStore(server.store);
    previous.push((performance.now() - started) * 1000);
  }
  return [
    resultRow('clause lock check', `no-op deletion message (${update.length} B), p50`, {
      ours: format(median(ours)),
      reference: `${format(median(previous))} (previous full scan)`,
    }),
  ];
}

/** Compare of two versions of a 200-clause (about 100-page) document. */
export async function compareScenario(): Promise<ResultRow[]> {
  const before = makeLargeStructure(200, 7);
  const after = reviseLargeStructure(before, 11);
  const samples: number[] = [];
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    compareStructures({ structure: before }, { structure: after });
    samples.push(performance.now() - started);
  }
  const measured = samples.slice(5);
  const p50 = median(measured);
  return [
    resultRow(
      'compare 200 clauses',
      'compare two versions, median of 20',
      { ours: `${p50.toFixed(1)} ms`, reference: 'n/a' },
      { label: '< 200 ms', met: p50 < 200 },
    ),
    resultRow('compare 200 clauses', 'max of 20', {
      ours: `${Math.max(...measured).toFixed(1)} ms`,
      reference: 'n/a',
    }),
  ];
}
