import pg from 'pg';
import type { AuditSchema } from '../audit/auditLog';
import { sqliteAuditSchema } from '../audit/openAuditLog';
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';
import { openDatabase, type SqliteDatabase } from '../store/database';
import { migratePostgres } from '../store/postgres/migrations';
import { pgAuditSchema } from '../store/postgres/pgAuditRepository';
import { survivingDroppedConnections } from '../store/postgres/queryable';
import { postgresRecordStores, type RecordStores, sqliteRecordStores } from '../store/recordStores';

/** The stores the admin CLI works on: the server's own (PostgreSQL with `DATABASE_URL`, else the SQLite file). */
export interface CliStores {
  /** Every record, where the server keeps them. */
  records: RecordStores;
  /** 'postgres' with `DATABASE_URL`, else 'sqlite'. */
  kind: 'postgres' | 'sqlite';
  /** The PostgreSQL pool (with `DATABASE_URL`; its schema migrated), for `import-sqlite`. */
  pool?: pg.Pool;
  /** The SQLite file of `DATA_DIR` (opened on first use; for `backup`). */
  sqlite(): SqliteDatabase;
  /** The schema as the audit checkpoints record it (of the store `records.audit` is in). */
  auditSchema(): Promise<AuditSchema>;
  /** Closes the pool and the SQLite file (whichever were opened). */
  close(): Promise<void>;
}

/**
 * Opens the stores the server of `config` uses: with `databaseUrl`, a small
 * PostgreSQL pool whose schema is brought up to date first (every step, as a
 * server instance does; safe while servers run); otherwise the SQLite file
 * of `dataDir`.
 * @throws the database's error when PostgreSQL cannot be reached or migrated
 */
export async function openCliStores(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
  logger: Logger,
): Promise<CliStores> {
  let db: SqliteDatabase | undefined;
  const sqlite = () => {
    db ??= openDatabase(config.dataDir, { synchronous: 'FULL' }, logger);
    return db;
  };
  const closeSqlite = (): void => {
    db?.close();
  };
  if (!config.databaseUrl) {
    const records = sqliteRecordStores(sqlite());
    return {
      records,
      kind: 'sqlite',
      sqlite,
      auditSchema: async () => sqliteAuditSchema(sqlite()),
      close: async () => closeSqlite(),
    };
  }
  const pool = survivingDroppedConnections(
    new pg.Pool({ connectionString: config.databaseUrl, max: 2, connectionTimeoutMillis: 10_000 }),
    logger,
  );
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    records: postgresRecordStores(pool),
    kind: 'postgres',
    pool,
    sqlite,
    auditSchema: () => pgAuditSchema(pool),
    close: async () => {
      closeSqlite();
      await pool.end();
    },
  };
}
