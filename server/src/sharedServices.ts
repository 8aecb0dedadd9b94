import pg from 'pg';
import { createDocumentBus, type DocumentBus } from './collab/bus';
import { asyncStorage, type DocumentStorage, type SyncDocumentStorage } from './collab/documentStorage';
import type { ServerConfig } from './config';
import { createSharedLimits, type SharedLimits } from './limits';
import type { Logger } from './logger';
import { signInThrottleOptionsOf } from './serverOptions';
import { migratePostgres } from './store/postgres/migrations';
import { PgDocumentStorage } from './store/postgres/pgDocumentStorage';
import { DOCUMENT_MIGRATIONS } from './store/postgres/schema/documents';

/** A dependency `/healthz` reports: its name and whether it answers now. */
export interface HealthCheck {
  name: string;
  /** Resolves true when the dependency answers; false (never rejects) when it does not, within about a second. */
  check(): Promise<boolean>;
}

/** Agreeing or reopening a clause in the store every commit checks (PostgreSQL: inside the commit). */
export interface ClauseLocks {
  lockClause(documentId: string, clauseId: string, locked: boolean): Promise<void>;
}

/**
 * What one server instance shares with the others, or keeps to itself when
 * it is alone:
 * - the documents' text: PostgreSQL when `DATABASE_URL` is set (several
 *   instances write it; the schema is brought up to date at start), otherwise
 *   the SQLite file;
 * - the bus to the other instances when `REDIS_URL` is set (commits,
 *   presence, notices, clause locks, access changes);
 * - sign-in throttling and the per-user connection slots (Redis, or memory).
 */
export interface SharedServices {
  storage: DocumentStorage;
  /** Present with PostgreSQL: an agreed clause is written there, where every commit checks it. */
  clauseLocks: ClauseLocks | undefined;
  bus: DocumentBus | undefined;
  limits: SharedLimits;
  /** The dependencies `/healthz` reports besides the SQLite file. */
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

/**
 * Opens what the configuration asks for (see SharedServices). `sqlite` is the
 * SQLite document storage: the text when there is no `DATABASE_URL`, and the
 * initial text of a document PostgreSQL has never held (one created in the
 * SQLite file, e.g. the demo seed or `POST /api/admin/documents`). Throws
 * when PostgreSQL cannot be reached or migrated at start.
 */
export async function openSharedServices(
  config: ServerConfig,
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
  let storage: DocumentStorage = asyncStorage(sqlite);
  let clauseLocks: ClauseLocks | undefined;
  if (config.databaseUrl) {
    const opened = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // A stuck lock or statement fails its commit (the room's failure path) instead of keeping the room busy.
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // A dropped idle connection is replaced by the pool; without a listener it would crash the process.
    opened.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection error'));
    pool = opened;
    await migratePostgres(opened, DOCUMENT_MIGRATIONS);
    const pgStorage = new PgDocumentStorage(opened, {
      initialOf: (documentId) => ({
        stored: sqlite.load(documentId),
        owners: sqlite.loadClientIds(documentId),
      }),
    });
    storage = pgStorage;
    clauseLocks = pgStorage;
    checks.push({
      name: 'postgres',
      check: () =>
        within(
          opened.query('SELECT 1').then(() => true),
          1000,
          false,
        ),
    });
  }
  return {
    storage,
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
