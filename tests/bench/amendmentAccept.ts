/**
 * Scenario 9, amendment accept under load (issue 14): a 200-clause document
 * (10 sections × 20 clauses), 50 editors each typing at the end of its own
 * clause at 5 keystrokes per second (250 inserts/s in all), and the
 * pen-holder tabling and accepting amendments over HTTP, one after another,
 * some to clauses being typed in (the accept rebases onto the typing) and
 * some to quiet ones. Reports the p50/p99 of the accept request (HTTP round
 * trip: the server command that rewrites the clause and the amendment record
 * in one commit, then broadcasts) and of keystroke propagation (send → each
 * other editor) in a window without accepts and in one with them.
 *
 * Draftroom only: the reference server has no amendments.
 */
import * as Y from 'yjs';
import { CSRF_COOKIE } from '../../server/src/auth/cookies';
import { encodeOutline, plainText } from '../../server/src/content/outline';
import { pause, waitUntil } from './loadMeter';
import { openClients, ProtocolClient } from './protocolClient';
import { type ResultRow, resultRow } from './report';
import { ServerUnderTest } from './serverUnderTest';
import { formatMs, LatencyHistogram } from './stats';
import { docWithState } from './traces';
import { insertedRanges } from './updateIds';

const SECTIONS = 10;
const CLAUSES_PER_SECTION = 20;
const EDITORS = 50;
const KEYSTROKES_PER_EDITOR_PER_SECOND = 5;
/** The pen-holder's pace: one amendment tabled and accepted, then this pause (a busy session, not a flood). */
const ACCEPT_INTERVAL_MS = 25;
/** Below the server's 300 amendments per delegation per document (409 `amendment_limit`). */
const MAX_ACCEPTS = 250;

export interface AcceptConfig {
  /** Length of each window (without accepts, then with them). */
  windowMs: number;
  drainMs: number;
}

export interface AcceptResult {
  accepts: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  tableP50Ms: number;
  quietKeystrokeP50Ms: number;
  quietKeystrokeP99Ms: number;
  busyKeystrokeP50Ms: number;
  busyKeystrokeP99Ms: number;
  undelivered: number;
  droppedConnections: number;
  /** Every accepted clause reads as the pen-holder's replica expected (the rebase kept the typing). */
  textsAsExpected: boolean;
}

const WORDS =
  'Member states shall strengthen cooperation on return and readmission and exchange information on irregular migration routes through the existing channels'.split(
    ' ',
  );

function clauseText(index: number): string {
  return Array.from({ length: 40 }, (_, i) => WORDS[(index + i) % WORDS.length]).join(' ');
}

function largeOutline() {
  return {
    preamble: { heading: 'Amendment bench', paragraphs: ['A 200-clause document.'] },
    sections: Array.from({ length: SECTIONS }, (_, s) => ({
      title: `Area ${s + 1}`,
      clauses: Array.from({ length: CLAUSES_PER_SECTION }, (_, c) => clauseText(s * CLAUSES_PER_SECTION + c)),
    })),
  };
}

/** Each clause's element in a replica, in document order. */
function clauseElements(doc: Y.Doc): Y.XmlElement[] {
  const clauses: Y.XmlElement[] = [];
  for (const block of doc.getXmlFragment('content').toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== 'section') continue;
    for (const child of block.toArray()) {
      if (child instanceof Y.XmlElement && child.nodeName === 'clause') clauses.push(child);
    }
  }
  return clauses;
}

/** The text node of a clause's first paragraph. */
function firstText(clause: Y.XmlElement): Y.XmlText {
  return (clause.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/** The double-submit CSRF token: the value of the CSRF cookie the sign-in set. */
function csrfToken(cookie: string): string {
  const pair = cookie.split('; ').find((part) => part.startsWith(`${CSRF_COOKIE}=`));
  return pair?.slice(CSRF_COOKIE.length + 1) ?? '';
}

async function postJson(server: ServerUnderTest, path: string, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: server.cookie,
      origin: `http://127.0.0.1:${server.port}`,
      'x-csrf-token': csrfToken(server.cookie),
    },
    body: JSON.stringify(body),
  });
}

/** Keystrokes in flight, each counted in the histogram of the window it was sent in. */
class KeystrokeLedger {
  private readonly inFlight = new Map<
    string,
    { sentAt: number; waiting: number; window: LatencyHistogram }
  >();

  sent(key: string, receivers: number, window: LatencyHistogram): void {
    this.inFlight.set(key, { sentAt: performance.now(), waiting: receivers, window });
  }

  received(key: string, at: number): void {
    const entry = this.inFlight.get(key);
    if (!entry) return;
    entry.window.record(at - entry.sentAt);
    if (--entry.waiting === 0) this.inFlight.delete(key);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Counts the receipts still missing as infinitely late; returns how many. */
  close(): number {
    let missing = 0;
    for (const entry of this.inFlight.values()) {
      entry.window.recordMissing(entry.waiting);
      missing += entry.waiting;
    }
    this.inFlight.clear();
    return missing;
  }
}

interface Typist {
  client: ProtocolClient;
  text: Y.XmlText;
}

function openTypist(
  server: ServerUnderTest,
  documentId: string,
  state: Uint8Array,
  index: number,
  ledger: KeystrokeLedger,
): Typist {
  const client: ProtocolClient = new ProtocolClient({
    url: server.collabUrl(documentId),
    cookie: server.cookie,
    doc: docWithState(state),
    onUpdate: (update, at) => {
      for (const range of insertedRanges(update)) {
        if (range.client === client.doc.clientID) continue;
        for (let i = 0; i < range.length; i++) ledger.received(`${range.client}:${range.clock + i}`, at);
      }
    },
  });
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') client.sendUpdate(update);
  });
  // Typists take every fourth clause: 0, 4, 8, … (50 of the 200).
  const text = firstText(clauseElements(client.doc)[index * 4] as Y.XmlElement);
  return { client, text };
}

/** 250 keystrokes per second, round the typists, for `windowMs`; each counted in `window`. */
async function type(
  typists: readonly Typist[],
  ledger: KeystrokeLedger,
  windowMs: number,
  window: LatencyHistogram,
): Promise<void> {
  const started = performance.now();
  const rate = EDITORS * KEYSTROKES_PER_EDITOR_PER_SECOND;
  let sent = 0;
  for (let now = started; now < started + windowMs; now = performance.now()) {
    for (; sent < Math.floor(((now - started) / 1000) * rate); sent++) {
      const typist = typists[sent % typists.length] as Typist;
      const clock = Y.getState(typist.client.doc.store, typist.client.doc.clientID);
      ledger.sent(`${typist.client.doc.clientID}:${clock}`, EDITORS - 1, window);
      typist.text.insert(typist.text.length, 'x');
    }
    await pause(2);
  }
}

/**
 * Tables then accepts amendments one after another, ACCEPT_INTERVAL_MS
 * apart, until `stop()` (at most MAX_ACCEPTS): each
 * replaces the first word of a clause (alternately a typed-in clause and a
 * quiet one) with "AMENDED-n".
 */
async function acceptLoop(
  server: ServerUnderTest,
  documentId: string,
  replica: Y.Doc,
  stop: () => boolean,
): Promise<{ accept: LatencyHistogram; table: LatencyHistogram; acceptedClauses: number[] }> {
  const accept = new LatencyHistogram();
  const table = new LatencyHistogram();
  const acceptedClauses: number[] = [];
  for (let n = 0; !stop() && n < MAX_ACCEPTS; n++) {
    // Even n: a typed clause (index multiple of 4); odd n: the quiet clause after it.
    const index = ((n >> 1) * 4 + (n % 2 === 0 ? 0 : 2)) % (SECTIONS * CLAUSES_PER_SECTION);
    const clause = clauseElements(replica)[index] as Y.XmlElement;
    const baseText = plainText(clause);
    // A new word each time: a clause amended twice still changes.
    const proposedText = baseText.replace(/^\S+/, `AMENDED-${n}`);
    let started = performance.now();
    const tabled = await postJson(server, `/api/documents/${documentId}/amendments`, {
      kind: 'modify',
      clauseId: clause.getAttribute('id'),
      baseText,
      proposedText,
      justification: 'Bench.',
    });
    table.record(performance.now() - started);
    if (tabled.status !== 201) throw new Error(`tabling failed: ${tabled.status} ${await tabled.text()}`);
    const amendment = (await tabled.json()) as { id: string };
    started = performance.now();
    const decided = await postJson(
      server,
      `/api/documents/${documentId}/amendments/${amendment.id}/decision`,
      {
        decision: 'accept',
      },
    );
    accept.record(performance.now() - started);
    if (decided.status !== 200) throw new Error(`accept failed: ${decided.status} ${await decided.text()}`);
    acceptedClauses.push(index);
    await pause(ACCEPT_INTERVAL_MS);
  }
  return { accept, table, acceptedClauses };
}

export async function runAmendmentAccept(config: AcceptConfig): Promise<AcceptResult> {
  const server = await ServerUnderTest.start('draftroom');
  try {
    const state = encodeOutline(largeOutline());
    const [documentId] = await server.createDocuments(1, 'Amendment bench', state);
    if (!documentId) throw new Error('no document');
    const replica = docWithState(state);
    const observer = new ProtocolClient({
      url: server.collabUrl(documentId),
      cookie: server.cookie,
      onUpdate: (update) => Y.applyUpdate(replica, update, 'remote'),
    });
    await observer.whenSynced();
    const ledger = new KeystrokeLedger();
    const typing: Typist[] = [];
    await openClients(EDITORS, (index) => {
      const typist = openTypist(server, documentId, state, index, ledger);
      typing.push(typist);
      return typist.client;
    });
    const quiet = new LatencyHistogram();
    const busy = new LatencyHistogram();
    await type(typing, ledger, config.windowMs, quiet);
    let typingDone = false;
    const accepting = acceptLoop(server, documentId, replica, () => typingDone);
    await type(typing, ledger, config.windowMs, busy);
    typingDone = true;
    const { accept, table, acceptedClauses } = await accepting;
    await waitUntil(() => ledger.pending === 0, config.drainMs);
    const textsAsExpected = await waitUntil(
      () =>
        acceptedClauses.every((index) =>
          plainText(clauseElements(replica)[index] as Y.XmlElement).startsWith('AMENDED'),
        ),
      config.drainMs,
    );
    const undelivered = ledger.close();
    const dropped = typing.filter((typist) => typist.client.dropped).length;
    for (const client of [...typing.map((typist) => typist.client), observer]) client.terminate();
    return {
      accepts: accept.count,
      acceptP50Ms: accept.percentile(50),
      acceptP99Ms: accept.percentile(99),
      tableP50Ms: table.percentile(50),
      quietKeystrokeP50Ms: quiet.percentile(50),
      quietKeystrokeP99Ms: quiet.percentile(99),
      busyKeystrokeP50Ms: busy.percentile(50),
      busyKeystrokeP99Ms: busy.percentile(99),
      undelivered,
      droppedConnections: dropped,
      textsAsExpected,
    };
  } finally {
    await server.dispose();
  }
}

export function amendmentAcceptRows(result: AcceptResult): ResultRow[] {
  const name = '9. amendment accept: 200 clauses, 50 editors typing (250 keystrokes/s)';
  const row = (metric: string, ours: string) => resultRow(name, metric, { ours, reference: 'n/a' });
  return [
    row(
      `accept request p50 / p99 (${result.accepts} accepts)`,
      `${formatMs(result.acceptP50Ms)} / ${formatMs(result.acceptP99Ms)}`,
    ),
    row('table request p50', formatMs(result.tableP50Ms)),
    row(
      'keystroke send → each other editor p50 / p99, no accepts',
      `${formatMs(result.quietKeystrokeP50Ms)} / ${formatMs(result.quietKeystrokeP99Ms)}`,
    ),
    row(
      'keystroke send → each other editor p50 / p99, while accepting',
      `${formatMs(result.busyKeystrokeP50Ms)} / ${formatMs(result.busyKeystrokeP99Ms)}`,
    ),
    row(
      'keystrokes lost / connections dropped / accepted clauses as expected',
      `${result.undelivered} / ${result.droppedConnections} / ${result.textsAsExpected ? 'yes' : 'NO'}`,
    ),
  ];
}

/** `BENCH_ONLY=amendments`: the scenario with the full or quick plan's window. */
export async function amendmentAcceptScenario(plan: {
  fanoutTiming: { measureMs: number; drainMs: number };
}) {
  return amendmentAcceptRows(
    await runAmendmentAccept({ windowMs: plan.fanoutTiming.measureMs, drainMs: plan.fanoutTiming.drainMs }),
  );
}
