/**
 * The shared services of the scale-out scenario: one throwaway PostgreSQL
 * (tests/support/services/postgres.ts, NOT durable: fsync, synchronous_commit
 * and full_page_writes off — the bench measures the servers, not the disk) and
 * one Redis (tests/support/services/redis.ts, nothing persisted), plus the CPU
 * time each spends, read from /proc as the server's is (ServerUnderTest.cpuMs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type PostgresServer, startPostgres } from '../support/services/postgres';
import { type RedisServer, startRedis } from '../support/services/redis';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: children it waited for, in ticks. */
  children: number;
}

/** The times of `/proc/<pid>/stat`, or undefined when the process is gone. */
function processTimes(pid: number): ProcessTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name: state ppid … utime(11) stime(12) cutime(13) cstime(14).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    own: Number(fields[11]) + Number(fields[12]),
    children: Number(fields[13]) + Number(fields[14]),
  };
}

/**
 * CPU time, in ms, a process and all its children (live or already exited
 * and reaped by it) used so far: a PostgreSQL postmaster with its backends
 * (one per pooled connection) and background workers.
 */
export function processTreeCpuMs(rootPid: number): number {
  const root = processTimes(rootPid);
  if (!root) return Number.NaN;
  let ticks = root.own + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = processTimes(Number(entry));
    if (child?.ppid === rootPid) ticks += child.own;
  }
  return (ticks / TICKS_PER_SECOND) * 1000;
}

/** PostgreSQL and Redis for the run, and what they cost. */
export interface ScaleoutServices {
  postgres: PostgresServer;
  redis: RedisServer;
  /** A fresh, empty database on the cluster; resolves to its URL. */
  database(name: string): Promise<string>;
  /** CPU time (ms) PostgreSQL (postmaster and backends) used so far. */
  postgresCpuMs(): number;
  /** CPU time (ms) redis-server used so far. */
  redisCpuMs(): number;
  /** Stops both and removes their directories. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL (non-durable, see the header) and Redis. Throws naming
 * the package to install when either binary is missing.
 */
export async function startScaleoutServices(): Promise<ScaleoutServices> {
  const postgres = await startPostgres({ durable: false });
  let redis: RedisServer;
  try {
    redis = await startRedis();
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return {
    postgres,
    redis,
    database: (name) => postgres.createDatabase(name),
    postgresCpuMs: () => processTreeCpuMs(postgres.pid),
    redisCpuMs: () => processTreeCpuMs(redis.pid()),
    stop: async () => {
      await Promise.allSettled([postgres.stop(), redis.stop()]);
    },
  };
}
