/**
 * The bench runner's handle on a server under test: our server or the
 * reference, each in its own child process (plain `node` on a bundle, as
 * production runs ours: serverBundles.ts), measured through the probe over
 * IPC. The runner itself is the load generator.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneParagraphState } from '../support/modelText';
import { serverCommand } from './serverBundles';
import type { DraftroomChildOptions } from './servers/draftroomServer';
import type { ProbeReply, ReadyMessage, ServerStats, WindowStats } from './servers/probe';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The repository: the servers' working directory. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServerKind = 'draftroom' | 'reference';

export const SERVER_LABEL: Record<ServerKind, string> = {
  draftroom: 'Draftroom',
  reference: 'y-websocket-server 0.1.1',
};

/** The demo user the bench signs in as (pen-holder: may edit every demo document). */
export const BENCH_USER = { email: 'anna.nowak@pl.example', password: 'prague-process-2011' };

export interface StartOptions extends Partial<DraftroomChildOptions> {
  /** Extra node flags, e.g. `--cpu-prof` (BENCH_CPU_PROF). */
  nodeFlags?: string[];
}

/** Binary over the IPC channel (JSON-serialised). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export class ServerUnderTest {
  private nextRequestId = 1;
  private readonly pending = new Map<number, (reply: ProbeReply) => void>();
  /** Session cookie of the bench user (our server only; the reference needs none). */
  cookie = '';
  private exited: Promise<void>;

  private constructor(
    readonly kind: ServerKind,
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {
    child.on('message', (message: ProbeReply) => {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('error', () => undefined);
    // A server that dies answers no pending request: fail them instead of hanging.
    child.once('exit', (code) => {
      for (const [id, resolve] of this.pending)
        resolve({ id, ok: false, error: `server exited with ${code}` });
      this.pending.clear();
    });
  }

  static async start(kind: ServerKind, options: StartOptions = {}): Promise<ServerUnderTest> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'draftroom-bench-'));
    const command = await serverCommand(kind);
    const child = fork(command.script, [JSON.stringify({ ...options, dataDir })], {
      cwd: repoRoot,
      execArgv: [...command.execArgv, '--expose-gc', ...(options.nodeFlags ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
      child.on('message', (message: ReadyMessage) => {
        if (message.ready) resolve(message.port);
      });
    });
    const server = new ServerUnderTest(kind, child, port, dataDir, ownsDataDir);
    if (kind === 'draftroom') server.cookie = await server.signIn();
    return server;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  collabUrl(documentId: string): string {
    return `${this.wsUrl}/collab/${documentId}`;
  }

  async request<T>(command: string, args?: unknown): Promise<T> {
    const id = this.nextRequestId++;
    if (!this.child.connected)
      throw new Error(`${this.kind} server is gone (exit code ${this.child.exitCode})`);
    const reply = await new Promise<ProbeReply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, command, args }, (error) => {
        if (error) resolve({ id, ok: false, error: String(error) });
      });
    });
    if (!reply.ok) throw new Error(`${this.kind} ${command}: ${reply.error}`);
    return reply.result as T;
  }

  /**
   * `count` new documents, each starting as `initialState` (by default a fresh
   * one-paragraph state): the clients type into its text node (`modelText`).
   * Pass the same state to both servers, and to clients that need a copy of it.
   */
  createDocuments(count: number, title = 'Bench', initialState = oneParagraphState()): Promise<string[]> {
    return this.request('createDocuments', { count, title, initialState: toBase64(initialState) });
  }

  resetStats(): Promise<void> {
    return this.request('reset');
  }

  stats(): Promise<ServerStats> {
    return this.request('stats');
  }

  /**
   * CPU time (user + system) the server process used so far, in ms, read from
   * /proc by this process: right even when the server is too busy to answer.
   */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  }

  /** The highest RSS the server process ever had (VmHWM), in bytes. */
  peakRssBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
  }

  /** SIGKILL and remove the data directory (when not needed afterwards, and faster than a busy server's stop). */
  async dispose(): Promise<void> {
    await this.kill();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Event-loop delay and peak RSS between two wall-clock moments (see wallClockMs). */
  windowStats(from: number, to: number): Promise<WindowStats> {
    return this.request('window', { from, to });
  }

  /** Stats after a full garbage collection. */
  statsAfterGc(): Promise<ServerStats> {
    return this.request('gc');
  }

  /** Graceful stop (ours compacts open documents), then the process exits. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await this.writeProfile();
      await this.request('stop').catch(() => undefined);
      await this.exited;
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** SIGKILL: nothing is flushed or compacted. The data directory is kept. */
  async kill(): Promise<void> {
    await this.writeProfile();
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** BENCH_CPU_PROF: the server writes its CPU profile so far (the path is printed). */
  private async writeProfile(): Promise<void> {
    if (!process.env.BENCH_CPU_PROF) return;
    const path = await this.request<string>('writeProfile').catch(() => undefined);
    if (path) process.stdout.write(`  ${this.kind} CPU profile: ${path}\n`);
  }

  private async signIn(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(BENCH_USER),
    });
    if (response.status !== 200) throw new Error(`bench sign-in failed: ${response.status}`);
    return response.headers
      .getSetCookie()
      .map((header) => header.split(';')[0] ?? '')
      .join('; ');
  }
}
