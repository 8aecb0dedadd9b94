/**
 * Scenario 5, many documents: D documents with 2 clients each (one writes a
 * short paragraph, the other receives it); the server's memory per open
 * document; then everyone leaves and the memory should return near the
 * baseline once the documents are unloaded. Memory is taken after a full
 * garbage collection in the server process (heap) and as RSS. Every document
 * starts as the same one-paragraph state on both servers; the writer holds
 * that state and types into its text node (`modelText`).
 */
import { modelText, oneParagraphState } from '../support/modelText';
import { pause } from './loadMeter';
import { closeClients, openClients, ProtocolClient } from './protocolClient';
import type { ServerStats } from './servers/probe';
import { type ServerKind, ServerUnderTest } from './serverUnderTest';
import { docWithState } from './traces';

export interface ManyDocumentsResult {
  documents: number;
  baseline: ServerStats;
  loaded: ServerStats;
  afterLeaving: ServerStats;
  heapPerDocumentBytes: number;
  rssPerDocumentBytes: number;
  /** Documents still loaded after everyone left (and the unload delay passed). */
  stillLoaded: number;
  /** Every reader received its writer's paragraph. */
  delivered: boolean;
  droppedConnections: number;
}

const PARAGRAPH = 'The parties agree to exchange information on migration flows every quarter. '.repeat(3);
const UNLOAD_DELAY_MS = 1000;

async function openDocumentPairs(
  server: ServerUnderTest,
  documentIds: readonly string[],
  initialState: Uint8Array,
) {
  const clients = await openClients(documentIds.length * 2, (index) => {
    const documentId = documentIds[Math.floor(index / 2)]!;
    // The writer (even index) holds the initial state to type into; the reader keeps nothing.
    const doc = index % 2 === 0 ? docWithState(initialState) : undefined;
    return new ProtocolClient({ url: server.collabUrl(documentId), cookie: server.cookie, doc });
  });
  const writers = clients.filter((_, index) => index % 2 === 0);
  const readers = clients.filter((_, index) => index % 2 === 1);
  for (const writer of writers) {
    writer.doc.on('update', (update: Uint8Array) => writer.sendUpdate(update));
    modelText(writer.doc).insert(0, PARAGRAPH);
  }
  const deadline = performance.now() + 60_000;
  while (readers.some((reader) => reader.updatesReceived === 0) && performance.now() < deadline)
    await pause(10);
  return { clients, delivered: readers.every((reader) => reader.updatesReceived > 0) };
}

export async function runManyDocuments(kind: ServerKind, documents: number): Promise<ManyDocumentsResult> {
  const server = await ServerUnderTest.start(kind, { roomUnloadDelayMs: UNLOAD_DELAY_MS });
  try {
    const initialState = oneParagraphState();
    const documentIds = await server.createDocuments(documents, 'Many', initialState);
    const baseline = await server.statsAfterGc();
    const { clients, delivered } = await openDocumentPairs(server, documentIds, initialState);
    const loaded = await server.statsAfterGc();
    const droppedConnections = clients.filter((client) => client.dropped).length;
    await closeClients(clients);
    // Ours unloads a document UNLOAD_DELAY_MS after its last client left; give it time to, then some.
    const deadline = performance.now() + UNLOAD_DELAY_MS + 5_000;
    while ((await server.stats()).openDocuments > 0 && performance.now() < deadline) await pause(100);
    const afterLeaving = await server.statsAfterGc();
    return {
      documents,
      baseline,
      loaded,
      afterLeaving,
      heapPerDocumentBytes: (loaded.heapUsedBytes - baseline.heapUsedBytes) / documents,
      rssPerDocumentBytes: (loaded.rssBytes - baseline.rssBytes) / documents,
      stillLoaded: afterLeaving.openDocuments,
      delivered,
      droppedConnections,
    };
  } finally {
    await server.stop();
  }
}
