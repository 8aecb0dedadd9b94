import type { TestProject } from 'vitest/node';
import { type PostgresServer, startPostgres } from '../support/services/postgres';
import { type RedisServer, startRedis } from '../support/services/redis';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The administrative URL of the run's PostgreSQL cluster; each test file creates its own database (`createDatabase`). */
    postgresUrl: string;
    /** The run's Redis; tests that share it use a channel prefix of their own. Tests that restart Redis start their own. */
    redisUrl: string;
  }
}

/**
 * Starts one PostgreSQL cluster (not durable: fsync off) and one Redis for
 * the `services` project, provides their URLs (`inject('postgresUrl')`,
 * `inject('redisUrl')`), and stops both when the run ends.
 */
export default async function startServices(project: TestProject): Promise<() => Promise<void>> {
  const [postgresStart, redisStart] = await Promise.allSettled([startPostgres(), startRedis()]);
  const started = [postgresStart, redisStart].flatMap((start) =>
    start.status === 'fulfilled' ? [start.value] : [],
  );
  const stop = async () => {
    await Promise.allSettled(started.map((service) => service.stop()));
  };
  if (postgresStart.status === 'rejected' || redisStart.status === 'rejected') {
    await stop();
    const failed =
      postgresStart.status === 'rejected' ? postgresStart : (redisStart as PromiseRejectedResult);
    throw failed.reason;
  }
  const postgres: PostgresServer = postgresStart.value;
  const redis: RedisServer = redisStart.value;
  project.provide('postgresUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  return stop;
}
