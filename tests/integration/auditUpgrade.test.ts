import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashAuditEntry } from '../../server/src/audit/auditLog';
import { databasePath } from '../../server/src/store/database';
import { migrations } from '../../server/src/store/migrations';
import { auditIds, rewriteWithPublicRule } from '../support/auditFixtures';
import { api } from '../support/securityHarness';
import { Database } from '../support/storedDocument';
import { DEMO, type SignedIn, TestServer } from '../support/testServer';

const KEYED = migrations.findIndex((migration) => migration.includes('ALTER TABLE audit_log ADD COLUMN mac'));

/** A database as the server wrote it before the audit was keyed, with `count` entries (hash chain only). */
function legacyDatabase(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'draftroom-audit-legacy-'));
  const db = new Database(databasePath(dir));
  for (const [index, migration] of migrations.slice(0, KEYED).entries()) {
    db.exec(migration);
    db.pragma(`user_version = ${index + 1}`);
  }
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_user_id, actor_email, action, target, detail, ip, prev_hash, hash)
     VALUES (@at, @actor_user_id, @actor_email, @action, @target, @detail, @ip, @prev_hash, @hash)`,
  );
  let previous = GENESIS_HASH;
  for (let i = 1; i <= count; i++) {
    const row = {
      at: `2026-0${i}-01T00:00:00.000Z`,
      actor_user_id: null,
      actor_email: `old-${i}@x.example`,
      action: 'sign-in-refused' as const,
      target: `old-${i}@x.example`,
      detail: '{}',
      ip: '192.0.2.1',
      prev_hash: previous,
    };
    previous = hashAuditEntry(row);
    insert.run({ ...row, hash: previous });
  }
  db.close();
  return dir;
}

function anchorLines(server: TestServer): { seq: number; legacyThrough: number; note?: string }[] {
  const text = readFileSync(join(server.dataDir, 'audit-anchors.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('upgrading an audit log written before it was keyed', () => {
  let server: TestServer;
  let admin: SignedIn;
  afterEach(async () => {
    await server?.dispose();
  });

  async function upgraded(legacyEntries: number): Promise<void> {
    server = await new TestServer({
      dataDir: legacyDatabase(legacyEntries),
      auditCheckpointSeconds: 0,
    }).start();
    admin = await server.signIn(DEMO.admin);
    await server.server.audit.flushed();
  }
  const verify = async () => (await api(server, 'GET', '/api/admin/audit/verify', { session: admin })).body;

  it('anchors the old entries at the first start (logged in the anchor file), then MACs new ones: intact', async () => {
    await upgraded(5);
    expect(anchorLines(server)[0]).toMatchObject({
      seq: 5,
      legacyThrough: 5,
      note: 'entries before this were written unkeyed, anchored at upgrade',
    });
    const macs = server.server.db.prepare('SELECT id, mac FROM audit_log ORDER BY id').all() as {
      id: number;
      mac: string | null;
    }[];
    expect(macs.map((row) => row.mac === null)).toEqual([true, true, true, true, true, false]);
    expect(await verify()).toMatchObject({ ok: true, entries: 6, checkpoint: { seq: 6 } });
  });

  it('detects an old entry rewritten with every following hash redone: the old part no longer matches its anchor', async () => {
    await upgraded(5);
    rewriteWithPublicRule(server.server.db, 2, { note: 'rewritten' });
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenId: 5,
      why: expect.stringMatching(/written before the audit was keyed \(up to 5\)/),
    });
  });

  it('names a deleted old entry as missing, and detects the old entries deleted after the upgrade', async () => {
    await upgraded(5);
    server.server.db.prepare('DELETE FROM audit_log WHERE id = 2').run();
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 2, why: 'entry 2 is missing' });
    server.server.db.prepare('DELETE FROM audit_log WHERE id <= 5').run();
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 1, why: 'entries 1–5 are missing' });
  });
});

describe('a log trimmed while the server was stopped', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  it('is not re-anchored by the restart: the gap stays visible until an administrator re-anchors it', async () => {
    server = await new TestServer({ auditCheckpointSeconds: 0 }).start();
    await server.signIn(DEMO.observer);
    await server.signIn(DEMO.commenter);
    await server.signIn(DEMO.penHolder);
    await server.stop();
    const db = new Database(databasePath(server.dataDir));
    db.prepare('DELETE FROM audit_log WHERE id > 1').run();
    db.close();

    await server.start();
    const admin = await server.signIn(DEMO.admin);
    await server.server.audit.flushed();
    expect(auditIds(server.server.db)).toEqual([1, 4]);
    const verify = async () => (await api(server, 'GET', '/api/admin/audit/verify', { session: admin })).body;
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 2, why: 'entries 2–3 are missing' });

    // After restoring a backup the operator re-anchors on purpose; the note is kept in the anchor file.
    server.server.db.prepare('DELETE FROM audit_log WHERE id > 1').run();
    await server.server.audit.reanchor('restored the backup of entry 1');
    expect(anchorLines(server).at(-1)).toMatchObject({ seq: 1, note: 'restored the backup of entry 1' });
    await server.signIn(DEMO.observer);
    await server.server.audit.flushed();
    expect(auditIds(server.server.db)).toEqual([1, 2]);
    expect(await verify()).toMatchObject({ ok: true, entries: 2 });
  });
});
