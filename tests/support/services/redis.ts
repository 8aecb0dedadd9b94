import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../waitFor';
import { removeOnExit } from './cleanup';
import { freePort, portAccepts, processAlive, runCommand, signal } from './processes';

/**
 * A throwaway redis-server for one test run (or one test file that restarts
 * it): daemonized on a free port of 127.0.0.1, nothing persisted (`--save ""
 * --appendonly no`), its pid file, log and working directory in a temporary
 * directory. Stopped by pid.
 */

/** How to start it. */
export interface RedisOptions {
  /** The redis-server binary (default REDIS_SERVER, else `redis-server` on the PATH). */
  binary?: string;
  /** How long starting (until it answers PING) may take, in ms (default 15 000). */
  startTimeoutMs?: number;
}

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`; stays the same across restarts. */
  url: string;
  port: number;
  /** The server's current process id (changes when it is restarted). */
  pid(): number;
  /** Stops the process (SIGTERM, or SIGKILL to simulate a crash) and waits until its port is closed; the port is kept for {@link start}. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port (after {@link kill}); resolves once it answers PING. */
  start(): Promise<void>;
  /** kill then start: a Redis restart, as the tests of reconnection need. */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it for good and deletes its directory. */
  stop(): Promise<void>;
}

/** Sends PING; true when +PONG comes back within a second. */
export function redisAnswersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), 1000);
    let received = '';
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Starts a redis-server on a free port (another port is tried, up to three
 * times, when the chosen one was taken meanwhile). Throws naming the package
 * when the binary is missing, or with the server's log when it does not
 * answer PING before the deadline.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? process.env.REDIS_SERVER ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const directory = await mkdtemp(join(tmpdir(), 'draftroom-redis-'));
  let pid = 0;
  const cleanup = removeOnExit(directory, () => [pid]);
  const pidFile = join(directory, 'redis.pid');
  const logFile = join(directory, 'redis.log');

  const launch = async (port: number): Promise<number> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes'];
    args.push(
      '--pidfile',
      pidFile,
      '--dir',
      directory,
      '--logfile',
      logFile,
      '--save',
      '',
      '--appendonly',
      'no',
    );
    const result = await runCommand(binary, args, startTimeoutMs).catch((error: Error) => {
      throw new Error(`${error.message} (install Debian's redis-server package, or set REDIS_SERVER)`);
    });
    if (result.status !== 0)
      throw new Error(`${binary} exited with ${result.status}: ${result.output.trim()}`);
    try {
      await waitFor(async () => (await redisAnswersPing(port)) && existsSync(pidFile), {
        timeoutMs: startTimeoutMs,
        what: `redis-server to answer PING on port ${port}`,
      });
    } catch (error) {
      const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
      if (log.includes('Could not create server TCP listening socket')) throw new PortTakenError(port);
      throw new Error(`${(error as Error).message}\nredis log:\n${log.slice(-4000)}`);
    }
    const started = Number((await readFile(pidFile, 'utf8')).trim());
    // Something else answered on the port and ours exited (it could not bind): not ours.
    if (!processAlive(started)) throw new PortTakenError(port);
    return started;
  };

  let port = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        pid = await launch(port);
        break;
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await cleanup();
    throw error;
  }

  const kill = async (how: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const stopping = pid;
    signal(stopping, how);
    await waitFor(async () => !processAlive(stopping) && !(await portAccepts(port)), {
      timeoutMs: 15_000,
      what: `redis-server (pid ${stopping}) to exit`,
    });
    await rm(pidFile, { force: true });
    pid = 0;
  };
  const start = async () => {
    if (pid !== 0) throw new Error('redis-server is running; kill it before starting it again');
    pid = await launch(port);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => pid,
    kill,
    start,
    restart: async (how) => {
      await kill(how);
      await start();
    },
    stop: async () => {
      if (pid !== 0) await kill('SIGTERM');
      await cleanup();
    },
  };
}

/** The chosen port answered, but not from the redis-server just started. */
class PortTakenError extends Error {
  constructor(port: number) {
    super(`port ${port} was taken by another process`);
    this.name = 'PortTakenError';
  }
}
