import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmendmentService } from './amendments/amendmentService';
import type { AuditLog } from './audit/auditLog';
import { openAuditLog } from './audit/openAuditLog';
import { SessionService } from './auth/sessionService';
import { CollabServer } from './collab/collabServer';
import { RoomRegistry } from './collab/roomRegistry';
import type { CommentRepository } from './comments/commentStore';
import type { ServerConfig } from './config';
import { seedDemoIfEmpty } from './demo/seed';
import { docxLimitsOf, uploadLimitsOf } from './export/uploadLimits';
import { createHttpApp, type HttpAppDeps } from './http/app';
import type { Logger } from './logger';
import { BracketCommands } from './negotiation/bracketCommands';
import { ClauseDirectory } from './negotiation/clauseDirectory';
import { DocumentEvents } from './negotiation/documentEvents';
import type { NegotiationRepository } from './negotiation/negotiationStore';
import { collabServerOptionsOf, roomRegistryOptionsOf } from './serverOptions';
import { openSharedServices, type SharedServices } from './sharedServices';
import { openDatabase, openMemoryDatabase, type SqliteDatabase } from './store/database';
import type { RecordStores } from './store/recordStores';
import { createRepositories, type Repositories } from './store/repositories';
import { VerifySlots } from './verify/verifySlots';
import { VersionService } from './versions/versionService';
import type { VersionRepository } from './versions/versionStore';

/**
 * A running Draftroom server: HTTP + WebSocket on one port, over the embedded
 * SQLite file, or over PostgreSQL (and Redis) shared with other instances.
 */
export interface DraftroomServer {
  readonly port: number;
  readonly url: string;
  /** The SQLite file; with DATABASE_URL an empty database in memory (PostgreSQL holds everything). */
  readonly db: SqliteDatabase;
  /** The synchronous SQLite stores on `db` (for tests and tools; the services use `records`). */
  readonly repositories: Repositories;
  /** Every record, as the services read and write them (SQLite or PostgreSQL). */
  readonly records: RecordStores;
  readonly sessions: SessionService;
  readonly audit: AuditLog;
  readonly collab: CollabServer;
  readonly httpServer: Server;
  /** The verification slots (`VERIFY_CONCURRENCY`), shared by both verify routes. */
  readonly verifySlots: VerifySlots;
  /** Closes sockets with "going away", flushes (compacts) open documents and closes the database. */
  stop(): Promise<void>;
}

/** What the server is made of besides its database, HTTP app and HTTP server. */
interface ServerParts {
  records: RecordStores;
  sessions: SessionService;
  audit: AuditLog;
  negotiation: NegotiationRepository;
  comments: CommentRepository;
  versions: VersionRepository;
  rooms: RoomRegistry;
  events: DocumentEvents;
  clauses: ClauseDirectory;
  brackets: BracketCommands;
  versionService: VersionService;
  amendments: AmendmentService;
  collab: CollabServer;
}

/** The advisory lock scope of automatic version checkpoints (a fixed 32-bit number; see underDocumentLock). */
const CHECKPOINT_LOCK_SCOPE = 7_215_508;

/** A per-document lease on `scope` across instances (PostgreSQL), or none when the server is alone. */
function leaseOf(
  shared: SharedServices,
  scope: number,
): (<T>(documentId: string, work: () => Promise<T>) => Promise<T>) | undefined {
  const lock = shared.documentLock;
  return lock && ((documentId, work) => lock(scope, documentId, work));
}

/**
 * Builds the server's parts over an open database, each from parts built
 * before it, never the other way round: the stores; the room registry (it
 * reads the agreed clauses from the negotiation records as a room loads); the capabilities that
 * use rooms (negotiation events, brackets, versions, amendments); then their
 * room hooks are added to the registry (automatic checkpoints, amendments
 * falling with their clause, after each stored change; a checkpoint when the
 * last person leaves); last the collaboration server over the rooms.
 */
function buildParts(config: ServerConfig, shared: SharedServices, logger: Logger): ServerParts {
  const { storage, records } = shared;
  const { negotiation } = records;
  const { versions } = records;
  const audit = openAuditLog(records.audit, shared.auditSchema, config, logger);
  const sessions = new SessionService(records.sessions, records.users, config.sessionTtlHours);
  const agreedClauses = (documentId: string) => negotiation.agreedClauses(documentId);
  const rooms = new RoomRegistry(storage, logger, {
    ...roomRegistryOptionsOf(config, agreedClauses),
    bus: shared.bus,
  });
  const events = new DocumentEvents(negotiation, rooms);
  const versionService = new VersionService(versions, negotiation, rooms, storage, logger, {
    checkpointIntervalMs: config.checkpointIntervalMinutes * 60_000,
    amendments: records.amendments,
    checkpointLease: leaseOf(shared, CHECKPOINT_LOCK_SCOPE),
  });
  const amendments = new AmendmentService({
    store: records.amendments,
    rooms,
    storage,
    negotiation: records.negotiation,
    events,
    audit,
    logger,
  });
  rooms.hooks.add(versionService.hooks);
  rooms.hooks.add(amendments.hooks);
  return {
    records,
    sessions,
    audit,
    negotiation,
    comments: records.comments,
    versions,
    rooms,
    events,
    clauses: new ClauseDirectory(rooms, storage, shared.clauseLocks),
    brackets: new BracketCommands(negotiation, rooms, events, logger),
    versionService,
    amendments,
    collab: new CollabServer(sessions, records.documents, rooms, audit, logger, {
      ...collabServerOptionsOf(config),
      bus: shared.bus,
      slots: shared.limits.slots,
    }),
  };
}

/** The HTTP app's dependencies: the parts, the repositories and the HTTP-side configuration. */
function httpAppDeps(
  config: ServerConfig,
  repositories: Repositories,
  parts: ServerParts,
  shared: SharedServices,
  verifySlots: VerifySlots,
  logger: Logger,
  isReady: () => boolean,
): HttpAppDeps {
  return {
    repositories,
    records: parts.records,
    sessions: parts.sessions,
    throttle: shared.limits.throttle,
    healthChecks: shared.checks,
    audit: parts.audit,
    access: parts.collab,
    negotiation: parts.negotiation,
    comments: parts.comments,
    events: parts.events,
    clauses: parts.clauses,
    amendments: parts.amendments,
    brackets: parts.brackets,
    versions: parts.versions,
    versionService: parts.versionService,
    maxUploadBytes: config.maxUploadBytes,
    maxMessageBytes: config.maxMessageBytes,
    uploadLimits: uploadLimitsOf(config),
    processTimeZone: config.processTimeZone,
    publicVerify: config.publicVerify,
    publicVerifyPerMinute: config.publicVerifyPerMinute,
    verifyPerMinute: config.verifyPerMinute,
    docxLimits: docxLimitsOf(config),
    verifySlots,
    logger,
    publicOrigin: config.publicOrigin,
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    clientDir: config.clientDir,
    isReady,
  };
}

/** Starts `httpServer` listening on the configured host and port; resolves with the port it got. */
async function listen(httpServer: Server, config: ServerConfig): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  return (httpServer.address() as AddressInfo).port;
}

/** Opens the database, seeds the demo if asked, and starts listening. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<DraftroomServer> {
  // With DATABASE_URL everything is in PostgreSQL: no SQLite file is made or read.
  const db = config.databaseUrl
    ? openMemoryDatabase(logger)
    : openDatabase(config.dataDir, { synchronous: config.sqliteSynchronous }, logger);
  const repositories = createRepositories(db);
  const shared = await openSharedServices(config, db, repositories.documentStorage, logger);
  if (config.seedDemo) {
    // Into the records every instance shares (PostgreSQL with DATABASE_URL): one instance seeds.
    await seedDemoIfEmpty(shared.records, logger, {
      negotiation: config.seedDemoNegotiation,
      exclusive: shared.seedExclusive,
    }).catch(async (error: unknown) => {
      await shared.close();
      throw error;
    });
  }
  const parts = buildParts(config, shared, logger);
  const { sessions, audit, collab } = parts;
  let ready = false;
  const verifySlots = new VerifySlots(config.verifyConcurrency);
  const app = createHttpApp(
    httpAppDeps(config, repositories, parts, shared, verifySlots, logger, () => ready),
  );
  const httpServer = createServer(app);
  httpServer.on('upgrade', (request, socket, head) => collab.handleUpgrade(request, socket, head));
  httpServer.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'HTTP client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  const port = await listen(httpServer, config);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  ready = true;
  logger.info({ port, dataDir: config.dataDir }, 'Draftroom is listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      ready = false;
      const unloaded = collab.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await unloaded;
      // Checkpoints the last hooks started, before the stores close.
      await parts.versionService.settled();
      await audit.close(); // its queued entries are stored while the stores (the PostgreSQL pool) are open
      await shared.close();
      db.close();
      logger.info('Draftroom stopped');
    })();
    return stopping;
  };

  return {
    port,
    url,
    db,
    repositories,
    records: shared.records,
    sessions,
    audit,
    collab,
    httpServer,
    verifySlots,
    stop,
  };
}
