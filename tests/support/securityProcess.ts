import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './waitFor';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The real entry point (server/src/main.ts) in its own process, on a free
 * port over a temporary data directory: an exception that escapes a handler
 * shows as what it would be in production, the process exiting.
 */
export class ServerProcess {
  output = '';
  exitCode: number | null | undefined;
  port = 0;
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'draftroom-process-'));

  get running(): boolean {
    return this.child !== undefined && this.exitCode === undefined;
  }

  /** Starts (or restarts after an exit) and waits until it listens. */
  async start(): Promise<void> {
    this.exitCode = undefined;
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: this.dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.on('exit', (code) => {
      this.exitCode = code;
    });
    this.port = await waitFor(
      () => {
        if (this.exitCode !== undefined) throw new Error(`server exited: ${this.output.slice(-1000)}`);
        return Number(/"port":(\d+)[^\n]*Draftroom is listening/.exec(this.output)?.[1]);
      },
      { timeoutMs: 30_000, what: 'the server process to listen' },
    );
  }

  /** Makes sure a healthy process is listening: waits for a dying one to exit, then starts a new one. */
  async ensureRunning(): Promise<void> {
    if (this.child && (await this.healthStatus()) === 200) return;
    if (this.running)
      await waitFor(() => this.exitCode !== undefined, { what: 'the failing process to exit' });
    await this.start();
  }

  /** The last lines the process printed (for assertion messages). */
  tail(): string {
    return `server output:\n${this.output.slice(-1500)}`;
  }

  async healthStatus(): Promise<number> {
    return fetch(`http://127.0.0.1:${this.port}/healthz`).then(
      (answer) => answer.status,
      () => 0,
    );
  }

  async dispose(): Promise<void> {
    if (this.running && this.child?.pid !== undefined) {
      process.kill(this.child.pid, 'SIGTERM');
      await waitFor(() => this.exitCode !== undefined, { what: 'the server process to stop' });
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Sends a raw HTTP upgrade request for `path`; resolves with the response head, or '' if none came. */
export function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((done) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    const finish = () => {
      clearTimeout(deadline);
      socket.destroy();
      done(received);
    };
    const deadline = setTimeout(finish, 5_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
  });
}
