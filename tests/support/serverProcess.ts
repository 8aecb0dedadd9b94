/**
 * The real server as a child process (`node --import tsx server/src/main.ts`)
 * on a fixed port over a SQLite file in a temporary directory, for tests that
 * kill it (SIGKILL), restart it, or break its storage. Its log lines (pino
 * JSON on stdout) are kept for assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../../server/src/demo/participants';
import { databasePath } from '../../server/src/store/database';
import type { SignedIn } from './testServer';
import { waitFor } from './waitFor';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A TCP port that was free a moment ago (the server will listen on it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A plain HTTP request without keep-alive (a killed server must not leave a pooled socket behind). */
function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

export interface ServerProcessOptions {
  dataDir?: string;
  /** Extra environment (e.g. ROOM_UNLOAD_DELAY_MS). */
  env?: Record<string, string>;
  /** A file descriptor to give the server as its standard output (then its log lines are not collected). */
  stdoutFd?: number;
}

export class ServerProcess {
  readonly dataDir: string;
  /** Every line the server printed (pino JSON lines and the banner), across restarts. */
  readonly logLines: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    dataDir: string | undefined,
    private readonly env: Record<string, string>,
    private readonly stdoutFd?: number,
  ) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'draftroom-durability-'));
  }

  /** Starts a server on a free port and waits until /healthz answers. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const server = new ServerProcess(
      await findFreePort(),
      options.dataDir,
      options.env ?? {},
      options.stdoutFd,
    );
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get databaseFile(): string {
    return databasePath(this.dataDir);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', join('server', 'src', 'main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        SEED_DEMO: '1',
        LOG_LEVEL: 'warn',
        CLIENT_DIR: '',
        // Clients here reconnect after every kill: far more whole-document answers per user than a
        // person needs; tests of the per-user budgets pass their own values in `env`.
        COLLAB_SYNC_ANSWERS_BURST: '10000',
        COLLAB_PRESENCE_ANSWERS_BURST: '10000',
        ...this.env,
      },
      stdio: ['ignore', this.stdoutFd ?? 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let partial = '';
    const collect = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      this.logLines.push(...lines.filter((line) => line.trim() !== ''));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`server exited: ${this.logLines.slice(-5).join('\n')}`);
        return (await httpRequest(`${this.url}/healthz`)).status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'server /healthz' },
    );
  }

  /** SIGKILL: no shutdown, no flush, no compaction. Resolves when the process is gone. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the graceful shutdown (closes sockets, compacts, closes the database). */
  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
  }

  async dispose(): Promise<void> {
    if (this.running) await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<SignedIn> {
    const response = await httpRequest(`${this.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status}`);
    const setCookie = response.headers['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map(
      (c) => c.split(';')[0] ?? '',
    );
    const csrf = cookies.find((c) => c.startsWith('draftroom_csrf='))?.split('=')[1] ?? '';
    return { cookie: cookies.join('; '), csrfToken: decodeURIComponent(csrf) };
  }

  /** GET an API path with a session cookie; the JSON body and status. */
  async getJson(path: string, cookie: string): Promise<{ status: number; body: unknown }> {
    const response = await httpRequest(`${this.url}${path}`, { headers: { cookie } });
    return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
  }

  /** The id of a document the signed-in user can see, by the start of its title. */
  async documentIdByTitle(cookie: string, titleStart: string): Promise<string> {
    const { body } = await this.getJson('/api/documents', cookie);
    const list = (Array.isArray(body) ? body : ((body as { documents?: unknown[] }).documents ?? [])) as {
      id: string;
      title: string;
    }[];
    const found = list.find((document) => document.title.startsWith(titleStart));
    if (!found) throw new Error(`no document titled "${titleStart}…"`);
    return found.id;
  }
}
