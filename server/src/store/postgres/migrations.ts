import type { Pool, PoolClient } from 'pg';
import { AMENDMENTS_MIGRATIONS } from './schema/amendments';
import { DOCUMENT_MIGRATIONS } from './schema/documents';
import { IDENTITY_MIGRATIONS } from './schema/identity';
import { NEGOTIATION_MIGRATIONS } from './schema/negotiation';
import { VERSION_MIGRATIONS } from './schema/versions';

/** One step of the PostgreSQL schema: applied once, in order, recorded by name. */
export interface PgMigration {
  /** Unique and sortable: `NNN-<domain>` (the number orders steps across domains). */
  name: string;
  sql: string;
}

/**
 * Every step of the PostgreSQL schema, in the order they are applied. Each
 * domain keeps its steps in `schema/<domain>.ts`; add a domain's list here.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  ...DOCUMENT_MIGRATIONS,
  ...IDENTITY_MIGRATIONS,
  ...NEGOTIATION_MIGRATIONS,
  ...VERSION_MIGRATIONS,
  ...AMENDMENTS_MIGRATIONS,
].sort((a, b) => a.name.localeCompare(b.name));

/** Any fixed 64-bit number: the key of the advisory lock migrations are run under. */
const MIGRATION_LOCK_KEY = 7_215_508_391;

/**
 * Brings the database's schema up to date (PG_MIGRATIONS, or `migrations`). Safe to
 * call from several instances at once. Throws the database's error when a
 * migration fails (that migration is rolled back; the earlier ones stay).
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS draftroom_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      for (const migration of migrations) await applyOnce(client, migration);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyOnce(client: PoolClient, migration: PgMigration): Promise<void> {
  const done = await client.query('SELECT 1 FROM draftroom_migrations WHERE name = $1', [migration.name]);
  if (done.rowCount) return;
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO draftroom_migrations (name) VALUES ($1)', [migration.name]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
