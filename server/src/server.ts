import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmendmentService } from './amendments/amendmentService';
import { AmendmentStore } from './amendments/amendmentStore';
import type { AuditLog } from './audit/auditLog';
import { openAuditLog } from './audit/openAuditLog';
import { SessionService } from './auth/sessionService';
import { SignInThrottle } from './auth/signInThrottle';
import { CollabServer } from './collab/collabServer';
import { PresenceClaims } from './collab/presenceClaims';
import { RoomRegistry } from './collab/roomRegistry';
import { CommentStore } from './comments/commentStore';
import type { ServerConfig } from './config';
import { seedDemoIfEmpty } from './demo/seed';
import { docxLimitsOf, uploadLimitsOf } from './export/uploadLimits';
import { createHttpApp } from './http/app';
import type { Logger } from './logger';
import { BracketCommands } from './negotiation/bracketCommands';
import { ClauseDirectory } from './negotiation/clauseDirectory';
import { DocumentEvents } from './negotiation/documentEvents';
import { NegotiationStore } from './negotiation/negotiationStore';
import { openDatabase, type SqliteDatabase } from './store/database';
import { createRepositories, type Repositories } from './store/repositories';
import { VerifySlots } from './verify/verifySlots';
import { VersionService } from './versions/versionService';
import { VersionStore } from './versions/versionStore';

/** A running Draftroom server: HTTP + WebSocket on one port, over one SQLite database. */
export interface DraftroomServer {
  readonly port: number;
  readonly url: string;
  readonly db: SqliteDatabase;
  readonly repositories: Repositories;
  readonly sessions: SessionService;
  readonly audit: AuditLog;
  readonly collab: CollabServer;
  readonly httpServer: Server;
  /** The verification slots (`VERIFY_CONCURRENCY`), shared by both verify routes. */
  readonly verifySlots: VerifySlots;
  /** Closes sockets with "going away", flushes (compacts) open documents and closes the database. */
  stop(): Promise<void>;
}

/** Opens the database, seeds the demo if asked, and starts listening. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<DraftroomServer> {
  const db = openDatabase(config.dataDir, { synchronous: config.sqliteSynchronous }, logger);
  const repositories = createRepositories(db);
  if (config.seedDemo) {
    await seedDemoIfEmpty(db, repositories, logger, { negotiation: config.seedDemoNegotiation });
  }

  const sessions = new SessionService(repositories.sessions, repositories.users, config.sessionTtlHours);
  const negotiation = new NegotiationStore(db);
  const comments = new CommentStore(db);
  const versions = new VersionStore(db);
  const amendmentStore = new AmendmentStore(db);
  const rooms = new RoomRegistry(repositories.documentStorage, logger, {
    compactAfterUpdates: config.compactAfterUpdates,
    presenceFlushMs: config.presenceFlushMs,
    presenceClaims: new PresenceClaims(config.presenceClaimRetentionMs, Date.now, {
      maxPerUser: config.presenceClaimsPerUser,
      maxTotal: config.presenceClaimsMax,
    }),
    updateLimits: { maxClockSpan: config.maxUpdateClockSpan, maxClients: config.maxUpdateClients },
    parkedUpdateLimits: {
      maxUpdates: config.maxParkedUpdates,
      maxBytes: 2 * config.maxMessageBytes,
      timeoutMs: config.parkedUpdateTimeoutMs,
    },
    unloadDelayMs: config.roomUnloadDelayMs,
    lockedClausesOf: (documentId) => negotiation.agreedClauses(documentId),
    hooks: {
      onStored: (room) => {
        versionService.hooks.onStored?.(room);
        amendmentService.hooks.onStored?.(room);
      },
      onLastLeft: (room) => {
        versionService.hooks.onLastLeft?.(room);
        amendmentService.hooks.onLastLeft?.(room);
      },
    },
  });
  const versionService = new VersionService(
    versions,
    negotiation,
    rooms,
    repositories.documentStorage,
    logger,
    {
      checkpointIntervalMs: config.checkpointIntervalMinutes * 60_000,
      amendments: amendmentStore,
    },
  );
  const events = new DocumentEvents(negotiation, rooms);
  const clauses = new ClauseDirectory(rooms, repositories.documentStorage);
  const brackets = new BracketCommands(negotiation, rooms, events, logger);
  const audit = openAuditLog(db, config, logger);
  const amendmentService = new AmendmentService({
    store: amendmentStore,
    rooms,
    storage: repositories.documentStorage,
    negotiation,
    events,
    audit,
    logger,
  });
  const collab = new CollabServer(sessions, repositories.documents, rooms, audit, logger, {
    maxMessageBytes: config.maxMessageBytes,
    publicOrigin: config.publicOrigin,
    maxConnectionsPerUser: config.maxConnectionsPerUser,
    budget: {
      messagesPerSecond: config.collabMessagesPerSecond,
      messageBurst: config.collabMessageBurst,
      bytesPerSecond: config.collabBytesPerSecond,
      byteBurst: 2 * config.maxMessageBytes,
    },
    syncAnswers: { burst: config.collabSyncAnswersBurst, perMinute: config.collabSyncAnswersPerMinute },
    presenceAnswers: {
      burst: config.collabPresenceAnswersBurst,
      perMinute: config.collabPresenceAnswersPerMinute,
    },
    presenceRate: { bytesPerSecond: config.presenceBytesPerSecond, byteBurst: config.presenceByteBurst },
    heartbeat: { intervalMs: config.heartbeatIntervalMs, missedPongs: config.heartbeatMissedPongs },
    maxSendBufferBytes: config.maxSendBufferBytes,
    maxUserSendBufferBytes: config.maxUserSendBufferBytes,
    maxTotalSendBufferBytes: config.maxTotalSendBufferBytes,
    closeTimeoutMs: config.collabCloseTimeoutMs,
    sessionSweepIntervalMs: config.sessionSweepIntervalMs,
  });
  const throttle = new SignInThrottle({
    maxFailuresPerAccount: config.signInMaxFailuresPerAccount,
    maxFailuresPerIp: config.signInMaxFailuresPerIp,
    lockoutSeconds: config.signInLockoutSeconds,
  });
  let ready = false;
  const verifySlots = new VerifySlots(config.verifyConcurrency);
  const app = createHttpApp({
    repositories,
    sessions,
    throttle,
    audit,
    access: collab,
    negotiation,
    comments,
    events,
    clauses,
    amendments: amendmentService,
    brackets,
    versions,
    versionService,
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
    isReady: () => ready,
  });
  const httpServer = createServer(app);
  httpServer.on('upgrade', (request, socket, head) => collab.handleUpgrade(request, socket, head));
  httpServer.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'HTTP client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  ready = true;
  logger.info({ port, dataDir: config.dataDir }, 'Draftroom is listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      ready = false;
      collab.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      audit.close();
      db.close();
      logger.info('Draftroom stopped');
    })();
    return stopping;
  };

  return { port, url, db, repositories, sessions, audit, collab, httpServer, verifySlots, stop };
}
