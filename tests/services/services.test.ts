import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, startPostgres } from '../support/services/postgres';
import { processAlive } from '../support/services/processes';
import { redisAnswersPing, startRedis } from '../support/services/redis';

// The services the global setup starts, and the helpers that start them.

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('the run’s PostgreSQL', () => {
  const adminUrl = inject('postgresUrl');
  const suffix = `${process.pid}_${Date.now()}`;

  it('is PostgreSQL 15 or newer on 127.0.0.1, without fsync (not the durability cluster)', async () => {
    expect(new URL(adminUrl).hostname).toBe('127.0.0.1');
    const [version] = await query<{ server_version_num: string }>(adminUrl, 'SHOW server_version_num');
    expect(Number(version!.server_version_num)).toBeGreaterThanOrEqual(150000);
    const [fsync] = await query<{ fsync: string }>(adminUrl, 'SHOW fsync');
    expect(fsync!.fsync).toBe('off');
  });

  it('gives each test file a database of its own: a table in one is not in the other', async () => {
    const first = await createDatabase(adminUrl, `services_a_${suffix}`);
    const second = await createDatabase(adminUrl, `services_b_${suffix}`);
    expect(new URL(first).pathname).toBe(`/services_a_${suffix}`);
    await query(first, 'CREATE TABLE clauses (id text PRIMARY KEY)');
    await query(first, "INSERT INTO clauses VALUES ('art-1')");
    expect(await query(first, 'SELECT id FROM clauses')).toEqual([{ id: 'art-1' }]);
    const inSecond = await query<{ n: string }>(
      second,
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'clauses'",
    );
    expect(inSecond[0]!.n).toBe('0');
  });

  it('refuses a database name that is not a plain identifier, and one that exists', async () => {
    await expect(createDatabase(adminUrl, 'x"; DROP DATABASE postgres; --')).rejects.toThrow(
      /not a database name/,
    );
    await createDatabase(adminUrl, `services_c_${suffix}`);
    await expect(createDatabase(adminUrl, `services_c_${suffix}`)).rejects.toThrow(/already exists/);
  });
});

describe('a durable cluster of its own', () => {
  it('keeps fsync on, and stop ends the postmaster and deletes its directory', async () => {
    const cluster = await startPostgres({ durable: true });
    try {
      const [fsync] = await query<{ fsync: string }>(cluster.url, 'SHOW fsync');
      expect(fsync!.fsync).toBe('on');
      const [commit] = await query<{ synchronous_commit: string }>(cluster.url, 'SHOW synchronous_commit');
      expect(commit!.synchronous_commit).toBe('on');
      const url = await cluster.createDatabase('durable_check');
      await query(url, 'CREATE TABLE t (x int)');
      expect(processAlive(cluster.pid)).toBe(true);
    } finally {
      await cluster.stop();
    }
    expect(processAlive(cluster.pid)).toBe(false);
    expect(existsSync(cluster.directory)).toBe(false);
  });
});

describe('Redis', () => {
  it('the run’s Redis answers PING', async () => {
    const url = new URL(inject('redisUrl'));
    expect(await redisAnswersPing(Number(url.port))).toBe(true);
  });

  describe('one of its own, restarted', () => {
    let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
    afterAll(async () => {
      await redis?.stop();
    });

    it('comes back on the same port as a new process, holding nothing from before', async () => {
      redis = await startRedis();
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      await client.set('clause', 'agreed');
      await client.quit();
      const firstPid = redis.pid();
      await redis.restart('SIGKILL');
      expect(processAlive(firstPid)).toBe(false);
      expect(redis.pid()).not.toBe(firstPid);
      expect(await redisAnswersPing(redis.port)).toBe(true);
      const again = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      await again.connect();
      expect(await again.get('clause')).toBeNull();
      await again.quit();
    });

    it('is down between kill and start, and stop ends it for good', async () => {
      redis ??= await startRedis();
      await redis.kill();
      expect(await redisAnswersPing(redis.port)).toBe(false);
      await redis.start();
      expect(await redisAnswersPing(redis.port)).toBe(true);
      const pid = redis.pid();
      await redis.stop();
      redis = undefined;
      expect(processAlive(pid)).toBe(false);
    });
  });
});
