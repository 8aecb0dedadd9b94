import pg from 'pg';
import type { AuditSchema } from './audit/auditLog';
import { sqliteAuditSchema } from './audit/openAuditLog';
import { createDocumentBus, type DocumentBus } from './collab/bus';
import {
  asyncStorage,
  type DocumentStorage,
  type RecordsAlongside,
  type SyncDocumentStorage,
} from './collab/documentStorage';
import type { ServerConfig } from './config';
import { postgresSeedExclusive, type SeedExclusive, sqliteSeedExclusive } from './demo/seedExclusive';
import { createSharedLimits, type SharedLimits } from './limits';
import type { Logger } from './logger';
import { signInThrottleOptionsOf } from './serverOptions';
import type { SqliteDatabase } from './store/database';
import { underDocumentLock } from './store/postgres/advisoryLock';
import { migratePostgres } from './store/postgres/migrations';
import { pgAuditSchema } from './store/postgres/pgAuditRepository';
import { PgDocumentStorage } from './store/postgres/pgDocumentStorage';
import { survivingDroppedConnections } from './store/postgres/queryable';
import { postgresRecordStores, type RecordStores, sqliteRecordStores } from './store/recordStores';
import { sqliteTransaction, untilSqliteIdle } from './store/sqliteAsyncTransaction';

/** A dependency `/healthz` reports: its name and whether it answers now. */
export interface HealthCheck {
  name: string;
  /** Resolves true when the dependency answers; false (never rejects) when it does not, within about a second. */
  check(): Promise<boolean>;
}

/** Agreeing or reopening a clause in the store every commit checks (PostgreSQL: inside the commit). */
export interface ClauseLocks {
  /** `alongside` (the status record) is written in the same transaction as the lock (see PgDocumentStorage.lockClause). */
  lockClause(
    documentId: string,
    clauseId: string,
    locked: boolean,
    alongside?: RecordsAlongside,
  ): Promise<void>;
}

/**
 * What one server instance shares with the others, or keeps to itself when
 * it is alone:
 * - everything stored — the documents' text and every record: PostgreSQL
 *   when `DATABASE_URL` is set (several instances write it; the schema is
 *   brought up to date at start), otherwise the SQLite file;
 * - the bus to the other instances when `REDIS_URL` is set (commits,
 *   presence, notices, clause locks, access changes);
 * - sign-in throttling and the per-user connection slots (Redis, or memory).
 */
export interface SharedServices {
  storage: DocumentStorage;
  /** Every record the services keep (users, sessions, negotiation, comments, versions, amendments, audit). */
  records: RecordStores;
  /**
   * With PostgreSQL: runs `work` while no other instance holds the same
   * (`scope`, document) lock (underDocumentLock); absent when alone.
   */
  documentLock: (<T>(scope: number, documentId: string, work: () => Promise<T>) => Promise<T>) | undefined;
  /** The record store's schema versions, as audit checkpoints record them. */
  auditSchema: AuditSchema;
  /** Runs the demo seed alone, in one transaction of `records`' database (seedDemoIfEmpty's `exclusive`). */
  seedExclusive: SeedExclusive;
  /** Present with PostgreSQL: an agreed clause is written there, where every commit checks it. */
  clauseLocks: ClauseLocks | undefined;
  bus: DocumentBus | undefined;
  limits: SharedLimits;
  /** The dependencies `/healthz` reports: the store (`sqlite` or `postgres`), and `redis` with REDIS_URL. */
  checks: HealthCheck[];
  /** Closes the bus, the limits' Redis connection and the PostgreSQL pool (after the rooms are closed). */
  close(): Promise<void>;
}

/** Resolves `promise` or, after `ms`, `fallback` — for health checks that must answer quickly. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([promise.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

/** The pool of one instance on `DATABASE_URL`: bounded statements and idle transactions; connection errors logged. */
function openPool(config: ServerConfig, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    // A stuck lock or statement fails its commit (the room's failure path) instead of keeping the room busy.
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  return survivingDroppedConnections(pool, logger);
}

/**
 * Opens what the configuration asks for (see SharedServices). With
 * `DATABASE_URL`, everything stored — the documents' text and every record —
 * is in PostgreSQL (its schema brought up to date at start, safely when
 * several instances start at once), and the SQLite file `db` is not used;
 * otherwise both are in `db` (`sqlite` is its document storage). Throws when
 * PostgreSQL cannot be reached or migrated at start.
 */
export async function openSharedServices(
  config: ServerConfig,
  db: SqliteDatabase,
  sqlite: SyncDocumentStorage,
  logger: Logger,
): Promise<SharedServices> {
  const limits = createSharedLimits({
    logger,
    throttle: signInThrottleOptionsOf(config),
    maxConnectionsPerUser: config.maxConnectionsPerUser,
    redisUrl: config.redisUrl || undefined,
  });
  const bus = config.redisUrl ? createDocumentBus({ logger, redisUrl: config.redisUrl }) : undefined;
  const checks: HealthCheck[] = [];
  if (bus) checks.push({ name: 'redis', check: () => within(bus.ping(900), 1000, false) });
  let pool: pg.Pool | undefined;
  let records: RecordStores;
  let auditSchema: AuditSchema;
  let seedExclusive: SeedExclusive;
  let documentLock: SharedServices['documentLock'];
  let storage: DocumentStorage;
  let clauseLocks: ClauseLocks | undefined;
  if (config.databaseUrl) {
    const opened = openPool(config, logger);
    pool = opened;
    try {
      await migratePostgres(opened);
    } catch (error) {
      await opened.end().catch(() => undefined);
      await bus?.close();
      await limits.close();
      throw error;
    }
    const pgStorage = new PgDocumentStorage(opened);
    records = postgresRecordStores(opened);
    auditSchema = await pgAuditSchema(opened);
    seedExclusive = postgresSeedExclusive(opened);
    documentLock = (scope, documentId, work) => underDocumentLock(opened, scope, documentId, work);
    storage = pgStorage;
    clauseLocks = pgStorage;
    const answers = () => opened.query('SELECT 1').then(() => true);
    checks.push({ name: 'postgres', check: () => within(answers(), 1000, false) });
  } else {
    records = sqliteRecordStores(db);
    const sqliteRecords = records;
    const answers = () => sqliteRecords.processes.count().then(() => true);
    checks.unshift({ name: 'sqlite', check: () => within(answers(), 1000, false) });
    auditSchema = sqliteAuditSchema(db);
    seedExclusive = sqliteSeedExclusive(db);
    storage = asyncStorage(sqlite, {
      run: (work) => sqliteTransaction(db, work),
      records,
      idle: () => untilSqliteIdle(db),
    });
  }
  return {
    storage,
    records,
    auditSchema,
    seedExclusive,
    documentLock,
    clauseLocks,
    bus,
    limits,
    checks,
    close: async () => {
      await bus?.close();
      await limits.close();
      await pool?.end();
    },
  };
}
