import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditAction,
  type AuditLog,
  GENESIS_HASH,
  hashAuditEntry,
} from '../../server/src/audit/auditLog';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { auditLogIn } from '../support/auditFixtures';

interface Row {
  id: number;
  at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  action: AuditAction;
  target: string;
  detail: string;
  ip: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
}

const COLUMNS = ['at', 'actor_user_id', 'actor_email', 'action', 'target', 'detail', 'ip'] as const;

describe('AuditLog (hash chain over a real SQLite file)', () => {
  let dir: string;
  let db: SqliteDatabase;
  let audit: AuditLog;
  const logger = createLogger('silent');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-audit-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    audit = auditLogIn(dir, db);
  });
  afterEach(async () => {
    await audit.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[];

  async function recordThree(): Promise<Row[]> {
    audit.record('sign-in', { userId: 'u-1', email: 'anna@pl.example', ip: '192.0.2.1' }, 'anna@pl.example');
    audit.record('sign-in-refused', { email: 'eve@x.example', ip: '192.0.2.66' }, 'eve@x.example');
    audit.record(
      'role-changed',
      { userId: 'u-admin', email: 'admin@x.example', ip: '192.0.2.9' },
      'anna@pl.example',
      {
        documentId: 'doc-1',
        role: 'observer',
      },
    );
    await audit.flushed();
    return rows();
  }

  it('an empty log verifies', async () => {
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 0 });
  });

  it('chains every entry to the previous one from the genesis hash, and verifies', async () => {
    const [first, second, third] = await recordThree();
    expect(first?.prev_hash).toBe(GENESIS_HASH);
    expect(second?.prev_hash).toBe(first?.hash);
    expect(third?.prev_hash).toBe(second?.hash);
    for (const row of rows()) expect(row.hash).toBe(hashAuditEntry(row));
    expect(new Set(rows().map((row) => row.hash)).size).toBe(3);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('stores who, what, when and where; a missing actor is null, a missing ip empty', async () => {
    const before = new Date().toISOString();
    await recordThree();
    const [newest, middle] = await audit.list(10);
    expect(newest).toMatchObject({
      actorUserId: 'u-admin',
      actorEmail: 'admin@x.example',
      action: 'role-changed',
      target: 'anna@pl.example',
      detail: { documentId: 'doc-1', role: 'observer' },
      ip: '192.0.2.9',
    });
    expect(newest && newest.at >= before && newest.at <= new Date().toISOString()).toBe(true);
    expect(middle).toMatchObject({ actorUserId: null, actorEmail: 'eve@x.example', detail: {} });
    audit.record('refused', {});
    expect((await audit.list(1))[0]).toMatchObject({
      actorUserId: null,
      actorEmail: null,
      ip: '',
      target: '',
    });
  });

  it('lists newest first, with a limit and a cursor', async () => {
    await recordThree();
    expect((await audit.list(10)).map((entry) => entry.action)).toEqual([
      'role-changed',
      'sign-in-refused',
      'sign-in',
    ]);
    expect(await audit.list(1)).toHaveLength(1);
    const [, middle] = await audit.list(10);
    expect((await audit.list(10, middle?.id)).map((entry) => entry.action)).toEqual(['sign-in']);
  });

  it.each(COLUMNS)('names the entry whose %s was changed', async (column) => {
    const [, second] = await recordThree();
    const forged = column === 'detail' ? '{"forged":true}' : 'forged';
    db.prepare(`UPDATE audit_log SET ${column} = ? WHERE id = ?`).run(forged, second?.id);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      entries: 2,
      firstBrokenId: second?.id,
      why: 'its content does not match its hash',
    });
  });

  it('names a forged entry that was re-hashed (its MAC gives it away), and a deleted entry as missing', async () => {
    const [first, second] = await recordThree();
    db.prepare('UPDATE audit_log SET target = ? WHERE id = ?').run('someone-else', second?.id);
    const forged = rows()[1] as Row;
    db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run(hashAuditEntry(forged), second?.id);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBrokenId: second?.id,
      why: expect.stringMatching(/MAC does not match/),
    });

    db.prepare('DELETE FROM audit_log WHERE id = ?').run(first?.id);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      entries: 1,
      firstBrokenId: first?.id,
      why: `entry ${first?.id} is missing`,
    });
  });

  it('keeps naming the first broken entry while new entries are appended after it', async () => {
    const [first] = await recordThree();
    db.prepare('UPDATE audit_log SET ip = ? WHERE id = ?').run('10.0.0.1', first?.id);
    audit.record('sign-out', { userId: 'u-1' });
    expect(await audit.verify()).toMatchObject({ ok: false, firstBrokenId: first?.id });
    // The new entry still links to the stored hash of the last one.
    expect(rows().at(-1)?.prev_hash).toBe(rows().at(-2)?.hash);
  });

  it('continues the chain after the database is reopened', async () => {
    await recordThree();
    await audit.close();
    db.close();
    db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    audit = auditLogIn(dir, db);
    audit.record('sign-out', { userId: 'u-1' });
    await audit.flushed();
    expect(rows().at(-1)?.prev_hash).toBe(rows().at(-2)?.hash);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('hashes fields unambiguously: moving text from one field to the next changes the hash', () => {
    const base = {
      prev_hash: GENESIS_HASH,
      at: '2026-01-01T00:00:00.000Z',
      actor_user_id: null,
      actor_email: 'a@x.example',
      action: 'refused' as const,
      target: 'ab',
      detail: '{}',
      ip: '',
    };
    const hash = hashAuditEntry(base);
    expect(hashAuditEntry({ ...base })).toBe(hash);
    expect(hashAuditEntry({ ...base, target: 'a', actor_email: 'a@x.exampleb' })).not.toBe(hash);
    expect(hashAuditEntry({ ...base, actor_user_id: '', actor_email: 'a@x.example' })).not.toBe(hash);
    for (const column of [...COLUMNS, 'prev_hash'] as const) {
      expect(hashAuditEntry({ ...base, [column]: `${base[column]}x` }), column).not.toBe(hash);
    }
  });
});
