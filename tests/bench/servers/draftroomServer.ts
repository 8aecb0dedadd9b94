/**
 * Our server under test, in its own process: `startServer` over a SQLite
 * database in DATA_DIR (or PostgreSQL with `databaseUrl`) with the demo
 * seeded, plus the measuring probe.
 * Started by ServerUnderTest with the options as JSON in argv[2].
 */
import { configWith } from '../../../server/src/config';
import { createLogger } from '../../../server/src/logger';
import { startServer } from '../../../server/src/server';
import { oneParagraphState } from '../../support/modelText';
import { loadTrace, type TraceName, updatesOfTrace } from '../traces';
import { CommitLog } from './commitLog';
import { announceReady, serveProbe } from './probe';

export interface DraftroomChildOptions {
  dataDir: string;
  compactAfterUpdates?: number;
  roomUnloadDelayMs?: number;
  logLevel?: string;
  /** DATABASE_URL: the documents' text in PostgreSQL (the scale-out scenario; default: the SQLite file). */
  databaseUrl?: string;
  /** REDIS_URL: the bus to the other instances (the scale-out scenario; default: alone). */
  redisUrl?: string;
  /** AUDIT_ANCHOR_FILE: one anchor file the instances share (the scale-out scenario; default: in dataDir). */
  auditAnchorFile?: string;
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
    databaseUrl: options.databaseUrl ?? '',
    // Production mode: every instance MACs the one audit chain with the same key.
    auditKey: options.databaseUrl ? 'bench-audit-key-shared-by-every-instance' : '',
    auditAnchorFile: options.auditAnchorFile ?? '',
    redisUrl: options.redisUrl ?? '',
    // The bench measures throughput: a trace-replay writer sends as fast as the
    // server takes it, far past the per-connection budgets (4429). Production
    // keeps the defaults (COLLAB_MESSAGES_PER_SECOND and the others).
    collabMessagesPerSecond: 1e9,
    collabMessageBurst: 1e9,
    collabBytesPerSecond: 2 ** 40,
    // Every simulated editor is the same bench user, standing for up to 500 people: the per-user
    // bounds (answers, presence rate, buffered bytes) would otherwise treat them as one person.
    collabSyncAnswersBurst: 1e9,
    collabSyncAnswersPerMinute: 1e9,
    collabPresenceAnswersBurst: 1e9,
    collabPresenceAnswersPerMinute: 1e9,
    presenceBytesPerSecond: 2 ** 40,
    presenceByteBurst: 2 ** 40,
    maxUserSendBufferBytes: 2 ** 40,
  }),
  logger,
);

/** The process of the seeded demo (its pen-holder, the bench user, may edit its documents); from the records, wherever they are. */
async function demoProcessId(): Promise<string> {
  const [document] = await server.records.documents.listAll();
  if (!document) throw new Error('the demo is not seeded');
  return document.processId;
}

/** The initial state the runner sent (base64), or a fresh one-paragraph state. */
function initialStateOf(base64: string | undefined): Uint8Array {
  return base64 === undefined ? oneParagraphState() : new Uint8Array(Buffer.from(base64, 'base64'));
}

/**
 * Documents starting as `state` (the one-paragraph state every bench client types into), created through
 * the record stores: the SQLite file, or PostgreSQL in the scale-out scenario (DATABASE_URL).
 */
async function createDocumentsWith(count: number, title: string, state: Uint8Array): Promise<string[]> {
  const processId = await demoProcessId();
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(await server.records.documents.create(processId, `${title} ${i + 1}`, state));
  return ids;
}

function createDocuments(args: unknown): Promise<string[]> {
  const { count, title, initialState } = args as { count: number; title: string; initialState?: string };
  return createDocumentsWith(count, title, initialStateOf(initialState));
}

/**
 * Stores a trace's updates as a document's appended (not compacted) history,
 * as the server would have stored them one by one; the rows are written in
 * batches to keep the set-up short.
 */
async function storeTraceHistory(args: unknown): Promise<{ documentId: string; updates: number }> {
  const { trace, limit, email, initialState } = args as {
    trace: TraceName;
    limit?: number;
    email: string;
    initialState?: string;
  };
  const state = initialStateOf(initialState);
  const [documentId] = await createDocumentsWith(1, `Cold load ${trace}`, state);
  const author = server.db
    .prepare('SELECT id AS userId, participant_id AS participantId FROM users WHERE email = ?')
    .get(email) as { userId: string; participantId: string };
  const { updates } = updatesOfTrace(loadTrace(trace, limit), 1, state);
  const storage = server.repositories.documentStorage;
  for (let start = 0; start < updates.length; start += 1000) {
    storage.appendUpdates(documentId!, updates.slice(start, start + 1000), author);
  }
  return { documentId: documentId!, updates: updates.length };
}

const commitLog = new CommitLog(server.db);
commitLog.watch(server.repositories.documentStorage);

serveProbe(() => server.collab.rooms.size, {
  /** The commits of document updates between two wall-clock moments (CommitLog). */
  commits: (args) => {
    const { from, to } = args as { from: number; to: number };
    return commitLog.window(from, to);
  },
  createDocuments,
  storeTraceHistory,
  demoDocumentId: async () =>
    (await server.records.documents.listAll()).find((document) => document.title.startsWith('Action Plan'))
      ?.id,
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
