/**
 * Someone who can write DATA_DIR — the database and, in its default place,
 * the anchor file — but has not the audit key:
 * - rolls the log back: deletes the newest entries and cuts the anchor file
 *   back to an older (validly MAC'd) line. Nothing on the host tells this
 *   from a log that never went further; a checkpoint shipped off the host
 *   does (`pnpm admin audit:verify --checkpoint`), and the server warns that
 *   the anchor file sits inside DATA_DIR;
 * - downgrades the database below the keyed schema (forged history, the MACs
 *   dropped) and deletes the anchor file, hoping the next start anchors the
 *   forgery as "legacy": it does not when a key existed before that start;
 * - downgrades it with the anchor file left in place: the anchor records
 *   the schema version, so checkpoints are withheld.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRow } from '../../server/src/audit/auditChain';
import { hashAuditEntry } from '../../server/src/audit/auditLog';
import { parseShippedCheckpoint } from '../../server/src/audit/auditShipped';
import { AuditStore, sqliteAuditRepository } from '../../server/src/audit/auditStore';
import { openAuditLog, sqliteAuditSchema, verifyStoredAudit } from '../../server/src/audit/openAuditLog';
import { configWith } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { databasePath } from '../../server/src/store/database';
import { AUDIT_KEYED_SCHEMA_VERSION, migrations } from '../../server/src/store/migrations';
import { api } from '../support/securityHarness';
import { Database } from '../support/storedDocument';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

const repoRoot = join(import.meta.dirname, '..', '..');
const AUDIT_KEY = 'a-test-audit-key-of-at-least-32-characters';

/** The test server's audit chain, through the SQLite AuditRepository. */
const auditStoreOf = (server: TestServer) => sqliteAuditRepository(new AuditStore(server.server.db));

type Line = { seq: number; mac: string; prev?: string; v: number; schema?: number };

describe('rolling the audit log back without the key', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  const anchorPath = () => join(server.dataDir, 'audit-anchors.jsonl');
  const anchorText = () => readFileSync(anchorPath(), 'utf8');
  const anchorLines = (): Line[] =>
    anchorText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);

  /** A server with 8 entries (6 refused sign-ins from 6 addresses, 2 sign-ins), a checkpoint after each. */
  async function withEntries(auditKey = ''): Promise<void> {
    server = await startTestServer({ auditCheckpointSeconds: 0, auditKey });
    for (let i = 0; i < 6; i++) {
      const answer = await api(server, 'POST', '/api/session', {
        body: { email: `guess-${i}@x.example`, password: 'wrong' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      expect(answer.status).toBe(401);
    }
    await server.signIn(DEMO.admin);
    await server.signIn(DEMO.observer);
    await server.server.audit.flushed();
    expect(anchorLines().at(-1)?.seq).toBe(8);
  }

  async function verifyOverApi() {
    const admin = await server.signIn(DEMO.admin);
    return (await api(server, 'GET', '/api/admin/audit/verify', { session: admin })).body;
  }

  /** Reopens the stopped server's database file for the forger's changes. */
  function forge(change: (db: InstanceType<typeof Database>) => void): void {
    const db = new Database(databasePath(server.dataDir));
    try {
      change(db);
    } finally {
      db.close();
    }
  }

  it('chains its checkpoints: each one MACs the one before it and records the schema version', async () => {
    await withEntries();
    const lines = anchorLines();
    expect(lines.length).toBeGreaterThan(8);
    expect(lines[0]).toMatchObject({ v: 2, prev: '', schema: migrations.length });
    for (let index = 1; index < lines.length; index++) {
      expect(lines[index]?.prev).toBe(lines[index - 1]?.mac);
    }
  });

  it('(a) entries 5–8 deleted and the anchor file cut back to its entry-4 line: found against a checkpoint shipped off the host', async () => {
    await withEntries();
    // The line the server also wrote to its log as `auditCheckpoint`, kept off the host.
    const shipped = anchorText().trim().split('\n').at(-1) ?? '';
    const config = configWith({ dataDir: server.dataDir });
    const logger = createLogger('silent');
    const intact = await verifyStoredAudit(
      auditStoreOf(server),
      config,
      logger,
      parseShippedCheckpoint(shipped),
    );
    expect(intact).toMatchObject({ ok: true, entries: 8 });
    await server.stop();
    writeFileSync(
      anchorPath(),
      `${anchorText()
        .split('\n')
        .filter((line) => line && JSON.parse(line).seq <= 4)
        .join('\n')}\n`,
    );
    forge((db) => db.prepare('DELETE FROM audit_log WHERE id > 4').run());
    await server.start();
    await server.signIn(DEMO.commenter);
    await server.server.audit.flushed();

    const result = await verifyStoredAudit(
      auditStoreOf(server),
      config,
      logger,
      parseShippedCheckpoint(shipped),
    );
    expect(result).toMatchObject({ ok: false, why: expect.stringMatching(/^the anchor file was cut back/) });

    // The same from the command line, with the whole log line as shipped.
    const logLine = JSON.stringify({
      level: 30,
      msg: 'audit checkpoint',
      auditCheckpoint: JSON.parse(shipped),
    });
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', join('server', 'src', 'cli', 'admin.ts'), 'audit:verify', '--checkpoint', logLine],
      { cwd: repoRoot, env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' },
    );
    expect(cli.stdout).toMatch(/^audit log BROKEN at entry \d+: the anchor file was cut back/);
    expect(cli.status).toBe(3);
  });

  it('warns at start-up when the anchor file is inside DATA_DIR, not when AUDIT_ANCHOR_FILE is elsewhere', async () => {
    await withEntries();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('warn', sink);
    const inside = openAuditLog(
      auditStoreOf(server),
      sqliteAuditSchema(server.server.db),
      configWith({ dataDir: server.dataDir }),
      logger,
      { createKey: false },
    );
    await inside.close();
    expect(lines.join('')).toContain('the audit anchor file is inside DATA_DIR');
    lines.length = 0;
    const elsewhere = join(server.dataDir, '..', `anchor-elsewhere-${process.pid}.jsonl`);
    try {
      const outside = openAuditLog(
        auditStoreOf(server),
        sqliteAuditSchema(server.server.db),
        configWith({ dataDir: server.dataDir, auditAnchorFile: elsewhere }),
        logger,
        { createKey: false },
      );
      await outside.close();
      expect(lines.join('')).not.toContain('inside DATA_DIR');
    } finally {
      rmSync(elsewhere, { force: true });
    }
  });

  /** Entry 3 rewritten, every hash redone, the MAC column dropped, user_version set below the keyed schema. */
  function downgradeWithForgedEntry(): void {
    forge((db) => {
      db.prepare("UPDATE audit_log SET actor_email = 'someone-else@x.example' WHERE id = 3").run();
      let previous = '0'.repeat(64);
      for (const row of db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[]) {
        const hash = hashAuditEntry({ ...row, prev_hash: previous });
        db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(previous, hash, row.id);
        previous = hash;
      }
      db.exec('ALTER TABLE audit_log DROP COLUMN mac');
      // Later migrations undone, newest first: their added columns and created tables dropped.
      for (const migration of migrations.slice(AUDIT_KEYED_SCHEMA_VERSION).reverse()) {
        for (const [, table] of [...migration.matchAll(/CREATE TABLE (\w+)/g)].reverse())
          db.exec(`DROP TABLE ${table}`);
        const added = /ALTER TABLE (\w+) ADD COLUMN (\w+)/.exec(migration);
        if (added) db.exec(`ALTER TABLE ${added[1]} DROP COLUMN ${added[2]}`);
      }
      db.pragma(`user_version = ${AUDIT_KEYED_SCHEMA_VERSION - 1}`);
    });
  }

  for (const [keyedBy, auditKey] of [
    ['a key file that existed before', ''],
    ['AUDIT_KEY', AUDIT_KEY],
  ] as const) {
    it(`(b) forged, downgraded below the keyed schema, anchor file deleted: not anchored as "legacy" (${keyedBy})`, async () => {
      await withEntries(auditKey);
      await server.stop();
      downgradeWithForgedEntry();
      rmSync(anchorPath());
      await server.start();
      expect(existsSync(anchorPath())).toBe(false);
      expect(await verifyOverApi()).toMatchObject({
        ok: false,
        why: 'the anchor file is missing, so removed entries cannot be ruled out',
      });
    });
  }

  it('(b′) downgraded with the anchor file left in place: the anchor records a newer schema, checkpoints are withheld', async () => {
    await withEntries();
    await server.stop();
    downgradeWithForgedEntry();
    const before = anchorText();
    await server.start();
    await server.signIn(DEMO.commenter);
    await server.server.audit.flushed();
    await server.server.audit.checkpoint();
    expect(anchorText()).toBe(before);
    expect(await verifyOverApi()).toMatchObject({ ok: false });
  });
});
