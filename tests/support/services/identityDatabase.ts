import pg from 'pg';
import { beforeAll, inject } from 'vitest';
import { migratePostgres } from '../../../server/src/store/postgres/migrations';
import { type MakeIdentityFixture, pgIdentityFixture } from '../identityRepositories';

/**
 * Creates database `name` with an ICU `en-US` default collation (template0):
 * a locale that orders `alpha` before `Zeta` and lower-cases `É`, as many
 * production databases do, so the suites show that the repositories order
 * and fold case as SQLite does (code point order, ASCII letters only)
 * whatever the database's locale. Resolves to its URL.
 */
async function createIcuDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`,
    );
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * For a services test file of the identity repositories: creates its own
 * database (`<name>_<pid>`, lower-case letters, digits, underscores) on the
 * run's PostgreSQL and migrates it (two instances at once, as a deployment
 * would) before the file's tests; returns the fixture maker for its
 * contract suite (tables emptied for each test).
 */
export function identityDatabase(name: string): MakeIdentityFixture {
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    const url = await createIcuDatabase(inject('postgresUrl'), `${name}_${process.pid}`);
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      await Promise.all(pools.map((pool) => migratePostgres(pool)));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    databaseUrl = url;
  });
  return () => {
    if (!databaseUrl) throw new Error('the database is created in beforeAll');
    return pgIdentityFixture(databaseUrl);
  };
}
