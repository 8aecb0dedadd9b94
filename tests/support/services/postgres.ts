import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from '../waitFor';
import { removeOnExit } from './cleanup';
import { freePort, processAlive, runCommand, runningAsRoot, signal } from './processes';

/**
 * A throwaway PostgreSQL cluster for one test run: initdb on a fresh
 * temporary directory, a free port on 127.0.0.1, trust authentication for
 * the `postgres` role, the unix socket inside the data directory. As root it
 * runs as the `postgres` system user (PostgreSQL refuses root).
 */

/** How to start the cluster. */
export interface PostgresOptions {
  /**
   * Keep PostgreSQL's durability settings (fsync, synchronous_commit,
   * full_page_writes on). Default false: they are off, which is faster and fine
   * for every test that does not crash the machine or PostgreSQL itself.
   */
  durable?: boolean;
  /** Directory of initdb and pg_ctl (default PG_BIN, else the newest /usr/lib/postgresql/<major>/bin). */
  binDir?: string;
  /** How long starting may take before it fails, in seconds (default 60). */
  startTimeoutSeconds?: number;
}

/** A running cluster. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the administrative database. */
  url: string;
  port: number;
  /** The postmaster's current process id (a new one after {@link resume}). */
  readonly pid: number;
  /** The temporary directory holding the data directory and the log. */
  directory: string;
  /** Creates database `name` (see {@link createDatabase}); resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * An outage: `pg_ctl stop -m immediate` (every backend killed at once, no
   * checkpoint, as in a crash of PostgreSQL), keeping the data directory and
   * the port for {@link resume}. Resolves once the postmaster is gone (no
   * connection is then accepted, and nothing more is committed). Without
   * `durable`, commits acknowledged just before may be lost (synchronous_commit
   * off): a test of what survives the outage needs a durable cluster.
   */
  pause(): Promise<void>;
  /**
   * Starts the paused cluster again on the same data directory and port
   * (`pg_ctl start -w`: crash recovery, then accepting connections); resolves
   * once it accepts them. Throws with the server log's tail when it cannot
   * start (e.g. another process took the port meanwhile).
   */
  resume(): Promise<void>;
  /** Stops the cluster (`pg_ctl stop -m fast`, SIGKILL if that fails) and deletes its directory. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

/**
 * The directory holding PostgreSQL's server binaries: `PG_BIN`, or the newest
 * major version under /usr/lib/postgresql. Throws naming what to install when
 * there is none.
 */
export function findPostgresBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'pg_ctl'))) throw new Error(`PG_BIN=${fromEnv} holds no pg_ctl`);
    return fromEnv;
  }
  const majors = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(PG_ROOT, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0)
    throw new Error(
      `PostgreSQL is not installed: no ${PG_ROOT}/<major>/bin/pg_ctl (install Debian's postgresql package, or set PG_BIN)`,
    );
  return join(PG_ROOT, majors[0]!, 'bin');
}

/** The uid and gid of the `postgres` system user; throws when it does not exist. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const fields = line?.split(':');
  if (!fields || fields.length < 4)
    throw new Error('there is no postgres system user to run PostgreSQL as (install the postgresql package)');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Runs a PostgreSQL binary, as the postgres user when we are root; throws with its output when it fails. */
async function runPostgresTool(binary: string, args: string[], timeoutMs: number): Promise<string> {
  const [command, fullArgs] = runningAsRoot()
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  const result = await runCommand(command, fullArgs, timeoutMs);
  if (result.status !== 0) {
    const how =
      result.status === null ? `did not finish within ${timeoutMs} ms` : `exited with ${result.status}`;
    throw new Error(`${binary} ${args.join(' ')} ${how}:\n${result.output.trim()}`);
  }
  return result.output;
}

/** The settings appended to postgresql.conf. */
function settings(dataDir: string, durable: boolean): string {
  const onOff = durable ? 'on' : 'off';
  return [
    '',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dataDir}'`,
    'max_connections = 200',
    `fsync = ${onOff}`,
    `synchronous_commit = ${onOff}`,
    `full_page_writes = ${onOff}`,
    '',
  ].join('\n');
}

/**
 * Starts a cluster (initdb, then `pg_ctl start -w`, which waits until it
 * accepts connections or the deadline passes). A port taken between choosing
 * and binding it is retried with another (three attempts). Throws with
 * initdb's or the server log's text when it cannot start, or naming the
 * missing binary.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = options.binDir ?? findPostgresBin();
  for (const tool of ['initdb', 'pg_ctl'])
    if (!existsSync(join(bin, tool))) throw new Error(`${join(bin, tool)} is missing`);
  const timeoutSeconds = options.startTimeoutSeconds ?? 60;
  const directory = await mkdtemp(join(tmpdir(), 'draftroom-pg-'));
  let pid = 0;
  const cleanup = removeOnExit(directory, () => [pid]);
  try {
    if (runningAsRoot()) {
      const { uid, gid } = postgresUser();
      await chown(directory, uid, gid);
    }
    const dataDir = join(directory, 'data');
    const durable = options.durable ?? false;
    const initArgs = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'];
    await runPostgresTool(join(bin, 'initdb'), durable ? initArgs : [...initArgs, '--no-sync'], 120_000);
    await appendFile(join(dataDir, 'postgresql.conf'), settings(dataDir, durable));
    const port = await startOnFreePort(bin, directory, timeoutSeconds);
    pid = await postmasterPid(dataDir);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      get pid() {
        return pid;
      },
      directory,
      createDatabase: (name) => createDatabase(url, name),
      pause: () => stopPostgres(bin, dataDir, pid, 'immediate'),
      resume: async () => {
        await startOnPort(bin, directory, port, timeoutSeconds);
        pid = await postmasterPid(dataDir);
      },
      stop: () => stopPostgres(bin, dataDir, pid).finally(cleanup),
    };
  } catch (error) {
    if (pid > 0) signal(pid, 'SIGKILL');
    await cleanup();
    throw error;
  }
}

/** The postmaster's pid, from the first line of the data directory's postmaster.pid. */
async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

async function startOnFreePort(bin: string, directory: string, timeoutSeconds: number): Promise<number> {
  const logFile = join(directory, 'postgres.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await startOnPort(bin, directory, port, timeoutSeconds);
      return port;
    } catch (error) {
      const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
      if (attempt < 3 && /could not bind|Address already in use/.test(log)) continue;
      throw error;
    }
  }
}

/** `pg_ctl start -w` on `port`; throws with the server log's tail when it does not start in time. */
async function startOnPort(bin: string, directory: string, port: number, timeoutSeconds: number) {
  const dataDir = join(directory, 'data');
  const logFile = join(directory, 'postgres.log');
  const args = [
    'start',
    '-D',
    dataDir,
    '-l',
    logFile,
    '-o',
    `-p ${port}`,
    '-w',
    '-t',
    String(timeoutSeconds),
  ];
  try {
    await runPostgresTool(join(bin, 'pg_ctl'), args, (timeoutSeconds + 10) * 1000);
  } catch (error) {
    const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
    throw new Error(`${(error as Error).message}\nserver log:\n${log.slice(-4000)}`);
  }
}

async function stopPostgres(
  bin: string,
  dataDir: string,
  pid: number,
  mode: 'fast' | 'immediate' = 'fast',
): Promise<void> {
  if (!processAlive(pid)) return;
  try {
    await runPostgresTool(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30'], 40_000);
  } catch {
    signal(pid, 'SIGKILL');
  }
  await waitFor(() => !processAlive(pid), { timeoutMs: 15_000, what: `PostgreSQL (pid ${pid}) to exit` });
}

/**
 * Creates database `name` (lower-case letters, digits and underscores,
 * starting with a letter or underscore, at most 63) on the cluster at
 * `adminUrl`, and resolves to its URL. Usable from any test process with the
 * URL the global setup provides. Throws when the name is not allowed or the
 * database exists.
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name for the tests: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
