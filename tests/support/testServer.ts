import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, type ServerConfig } from '../../server/src/config';
import { DEMO_PASSWORD } from '../../server/src/demo/participants';
import { createLogger } from '../../server/src/logger';
import { type DraftroomServer, startServer } from '../../server/src/server';

export { DEMO_PASSWORD };

export const DEMO = {
  penHolder: 'anna.nowak@pl.example',
  hungarianDrafter: 'laszlo.kovacs@hu.example',
  czechDrafter: 'jana.novakova@cz.example',
  secretariat: 'martin.weber@icmpd.example',
  commenter: 'olena.bondar@ua.example',
  observer: 'sofia.rossi@unhcr.example',
  admin: 'admin@icmpd.example',
} as const;

export interface SignedIn {
  cookie: string;
  csrfToken: string;
}

/** A real Draftroom server on port 0 over a real SQLite file in a temporary directory, seeded with the demo. */
export class TestServer {
  server!: DraftroomServer;
  readonly dataDir: string;
  private config: ServerConfig;

  constructor(overrides: Partial<ServerConfig> = {}) {
    this.dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'draftroom-test-'));
    this.config = configWith({
      seedDemo: true,
      roomUnloadDelayMs: 0,
      // Many tests open a fresh socket (a join and a whole-document answer) per case, far more often than
      // a person; the per-user answer budgets are tested with their own values (userBudgets, slowReaders).
      collabSyncAnswersBurst: 10_000,
      collabPresenceAnswersBurst: 10_000,
      ...overrides,
      dataDir: this.dataDir,
    });
  }

  async start(overrides: Partial<ServerConfig> = {}): Promise<this> {
    this.config = { ...this.config, ...overrides };
    const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    this.server = await startServer(this.config, logger);
    return this;
  }

  /** Stops and starts again on the same database (and the same port, so clients reconnect). */
  async restart(): Promise<void> {
    const port = this.server.port;
    await this.server.stop();
    await this.start({ port });
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.server.port}`;
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<SignedIn> {
    const response = await fetch(`${this.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status}`);
    const cookies = response.headers.getSetCookie().map((header) => header.split(';')[0] ?? '');
    const csrf = cookies.find((c) => c.startsWith('draftroom_csrf='))?.split('=')[1] ?? '';
    return { cookie: cookies.join('; '), csrfToken: decodeURIComponent(csrf) };
  }

  /** The id of the seeded Action Plan. */
  actionPlanId(): string {
    const row = this.server.db.prepare("SELECT id FROM documents WHERE title LIKE 'Action Plan%'").get() as
      | { id: string }
      | undefined;
    if (!row) throw new Error('no seeded Action Plan');
    return row.id;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  async dispose(): Promise<void> {
    await this.server.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  return new TestServer(overrides).start();
}
