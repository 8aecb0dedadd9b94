/**
 * Our server under test, in its own process: `startServer` over a SQLite
 * database in DATA_DIR with the demo seeded, plus the measuring probe.
 * Started by ServerUnderTest with the options as JSON in argv[2].
 */
import * as Y from 'yjs';
import { configWith } from '../../../server/src/config';
import { createLogger } from '../../../server/src/logger';
import { startServer } from '../../../server/src/server';
import { loadTrace, type TraceName, updatesOfTrace } from '../traces';
import { announceReady, serveProbe } from './probe';

export interface DraftroomChildOptions {
  dataDir: string;
  compactAfterUpdates?: number;
  roomUnloadDelayMs?: number;
  logLevel?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as DraftroomChildOptions;
const logger = createLogger(options.logLevel ?? 'error');
const server = await startServer(
  configWith({
    dataDir: options.dataDir,
    seedDemo: true,
    clientDir: '',
    logLevel: options.logLevel ?? 'error',
    // One signed-in bench user speaks for every simulated editor.
    maxConnectionsPerUser: 1_000_000,
    compactAfterUpdates: options.compactAfterUpdates ?? 500,
    roomUnloadDelayMs: options.roomUnloadDelayMs ?? 10_000,
  }),
  logger,
);

/** The process of the seeded demo (its pen-holder, the bench user, may edit its documents). */
function demoProcessId(): string {
  const row = server.db.prepare('SELECT process_id FROM documents LIMIT 1').get() as { process_id: string };
  return row.process_id;
}

function createDocuments(args: unknown): string[] {
  const { count, title } = args as { count: number; title: string };
  const processId = demoProcessId();
  const empty = Y.encodeStateAsUpdate(new Y.Doc());
  const create = server.db.transaction(() =>
    Array.from({ length: count }, (_, i) =>
      server.repositories.documents.create(processId, `${title} ${i + 1}`, empty),
    ),
  );
  return create();
}

/**
 * Stores a trace's updates as a document's appended (not compacted) history,
 * as the server would have stored them one by one; the rows are written in
 * batches to keep the set-up short.
 */
function storeTraceHistory(args: unknown): { documentId: string; updates: number } {
  const { trace, limit, email } = args as { trace: TraceName; limit?: number; email: string };
  const [documentId] = createDocuments({ count: 1, title: `Cold load ${trace}` });
  const author = server.db
    .prepare('SELECT id AS userId, participant_id AS participantId FROM users WHERE email = ?')
    .get(email) as { userId: string; participantId: string };
  const { updates } = updatesOfTrace(loadTrace(trace, limit), 1);
  const storage = server.repositories.documentStorage;
  for (let start = 0; start < updates.length; start += 1000) {
    storage.appendUpdates(documentId!, updates.slice(start, start + 1000), author);
  }
  return { documentId: documentId!, updates: updates.length };
}

serveProbe(() => server.collab.rooms.size, {
  createDocuments,
  storeTraceHistory,
  demoDocumentId: () =>
    (server.db.prepare("SELECT id FROM documents WHERE title LIKE 'Action Plan%'").get() as { id: string })
      .id,
  checkpoint: () => server.db.pragma('wal_checkpoint(TRUNCATE)'),
  /** Bench-only what-if: the space a VACUUM after compaction would give back. */
  vacuum: () => {
    server.db.exec('VACUUM');
    server.db.pragma('wal_checkpoint(TRUNCATE)');
    return server.db
      .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4')
      .all();
  },
  freePages: () => server.db.pragma('freelist_count', { simple: true }),
  stop: async () => {
    await server.stop();
    setImmediate(() => process.exit(0));
  },
});
announceReady(server.port);
