import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { migratePostgres } from '../../../server/src/store/postgres/migrations';
import { createDatabase } from './postgres';

/** How a services test file's database is made. */
export interface MigratedDatabaseOptions {
  /** Connections of a pool `instancePool()` makes without a size of its own (default 3). */
  poolSize?: number;
  /** Instances migrating the new database at once, as a deployment's would (default 1: migrations run once either way). */
  migrators?: number;
}

/** A services test file's database. */
export interface MigratedDatabase {
  /** A pool of its own on the database (at most `max` connections), as one server instance would hold. */
  instancePool(max?: number): pg.Pool;
  /** The database's URL, for pools and clients a test makes and ends itself. */
  url(): string;
}

/**
 * For a services test file on PostgreSQL: creates its own database
 * (`<name>_<pid>`: lower-case letters, digits, underscores) on the run's
 * PostgreSQL and migrates it before the file's tests, and ends every pool
 * made with `instancePool` after them. Both functions it returns work once
 * the file's tests run (inside tests, hooks and fixture makers); before, they throw.
 */
export function migratedDatabase(name: string, options: MigratedDatabaseOptions = {}): MigratedDatabase {
  let databaseUrl: string | undefined;
  const pools: pg.Pool[] = [];
  const url = (): string => {
    if (!databaseUrl) throw new Error('the database is created in beforeAll');
    return databaseUrl;
  };
  const instancePool = (max = options.poolSize ?? 3): pg.Pool => {
    const pool = new pg.Pool({ connectionString: url(), max });
    pools.push(pool);
    return pool;
  };
  beforeAll(async () => {
    databaseUrl = await createDatabase(inject('postgresUrl'), `${name}_${process.pid}`);
    const migrators = Array.from({ length: options.migrators ?? 1 }, () => instancePool(1));
    await Promise.all(migrators.map((pool) => migratePostgres(pool)));
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });
  return { instancePool, url };
}
