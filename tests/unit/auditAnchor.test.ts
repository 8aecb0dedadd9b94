import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnchorFile } from '../../server/src/audit/auditAnchor';
import { auditKeyPath, loadAuditKey } from '../../server/src/audit/auditKey';
import type { AuditLog } from '../../server/src/audit/auditLog';
import { RefusalAggregator } from '../../server/src/audit/refusalAggregator';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { auditLogIn } from '../support/auditFixtures';

const logger = createLogger('silent');

describe('the audit key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without AUDIT_KEY: creates a 256-bit key file readable by its owner only, and reuses it', () => {
    const key = loadAuditKey({ auditKey: '', dataDir: dir }, logger, true);
    expect(key).toHaveLength(32);
    expect(statSync(auditKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(loadAuditKey({ auditKey: '', dataDir: dir }, logger, true).equals(key)).toBe(true);
    expect(readFileSync(auditKeyPath(dir), 'utf8').trim()).toBe(key.toString('hex'));
  });

  it('uses AUDIT_KEY when set (no file), refuses a short one, and never creates a file when told not to', () => {
    const secret = 'a-secret-from-the-secret-store-0123456789';
    expect(loadAuditKey({ auditKey: secret, dataDir: dir }, logger, true).toString()).toBe(secret);
    expect(() => statSync(auditKeyPath(dir))).toThrow();
    expect(() => loadAuditKey({ auditKey: 'short', dataDir: dir }, logger, true)).toThrow(/at least 32/);
    expect(() => loadAuditKey({ auditKey: '', dataDir: dir }, logger, false)).toThrow(
      /no audit key: set AUDIT_KEY/,
    );
    writeFileSync(auditKeyPath(dir), 'not hex');
    expect(() => loadAuditKey({ auditKey: '', dataDir: dir }, logger, true)).toThrow(/256-bit hex/);
  });

  it('AUDIT_KEY=hex:<a key file’s digits> is that file’s key (moving to PostgreSQL keeps the key); bad digits are refused', () => {
    const fileKey = loadAuditKey({ auditKey: '', dataDir: dir }, logger, true);
    const digits = readFileSync(auditKeyPath(dir), 'utf8').trim();
    const other = mkdtempSync(join(tmpdir(), 'draftroom-key-'));
    expect(loadAuditKey({ auditKey: `hex:${digits}`, dataDir: other }, logger, false).equals(fileKey)).toBe(
      true,
    );
    // The digits alone are a 64-character secret of their own, not the file's key.
    expect(loadAuditKey({ auditKey: digits, dataDir: other }, logger, false).equals(fileKey)).toBe(false);
    expect(() =>
      loadAuditKey({ auditKey: `hex:${digits.slice(1)}x`, dataDir: other }, logger, false),
    ).toThrow(/64 hex digits/);
    rmSync(other, { recursive: true });
  });
});

describe('the anchor file and the checkpoints', () => {
  let dir: string;
  let db: SqliteDatabase;
  let audit: AuditLog;
  const anchorPath = () => join(dir, 'audit-anchors.jsonl');
  const key = () => loadAuditKey({ auditKey: '', dataDir: dir }, logger, false);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-anchor-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    audit = auditLogIn(dir, db);
    for (let i = 0; i < 3; i++) audit.record('sign-in-refused', { email: `x${i}@x.example` });
    await audit.flushed();
  });
  afterEach(async () => {
    await audit.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a new log with a checkpoint of 0 entries and follows every entry (interval 0)', () => {
    const lines = readFileSync(anchorPath(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.seq)).toEqual([0, 1, 2, 3]);
    expect(lines[0]).toMatchObject({ legacyThrough: 0, note: 'new audit log' });
    expect(new AnchorFile(anchorPath()).read(key())).toMatchObject({ state: 'ok', checkpoint: { seq: 3 } });
  });

  it('skips a last line cut short by a crash, but calls a complete line without the key’s MAC altered', async () => {
    appendFileSync(anchorPath(), '{"v":1,"seq":9');
    expect(new AnchorFile(anchorPath()).read(key())).toMatchObject({ state: 'ok', checkpoint: { seq: 3 } });
    appendFileSync(
      anchorPath(),
      `\n${JSON.stringify({ v: 1, seq: 1, head: 'x', at: 'now', legacyThrough: 0, legacyHead: 'x', mac: 'f'.repeat(64) })}\n`,
    );
    expect(new AnchorFile(anchorPath()).read(key()).state).toBe('altered');
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBrokenId: 4,
      why: expect.stringMatching(/not a checkpoint made with the audit key/),
    });
  });

  it('when the anchor file is deleted: verification says so, a restart withholds checkpoints, re-anchoring restores it', async () => {
    await audit.close();
    unlinkSync(anchorPath());
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBrokenId: 4,
      why: expect.stringMatching(/anchor file is missing/),
    });
    audit = auditLogIn(dir, db);
    audit.record('sign-out', { userId: 'u-1' });
    await audit.flushed();
    expect(() => statSync(anchorPath())).toThrow();
    expect(await audit.verify()).toMatchObject({
      ok: false,
      why: expect.stringMatching(/anchor file is missing/),
    });
    expect(await audit.reanchor('the anchor file was lost with the old volume')).toMatchObject({ seq: 4 });
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 4, checkpoint: { seq: 4 } });
  });
});

describe('an anchor file removed together with every MAC', () => {
  it('is not taken for an upgrade at the next start: checkpoints are withheld and verification says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'draftroom-strip-'));
    let db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    let audit = auditLogIn(dir, db);
    for (let i = 0; i < 3; i++) audit.record('sign-in-refused', { email: `x${i}@x.example` });
    await audit.close();
    db.prepare('UPDATE audit_log SET mac = NULL').run();
    db.close();
    unlinkSync(join(dir, 'audit-anchors.jsonl'));
    try {
      db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
      audit = auditLogIn(dir, db);
      await audit.flushed();
      expect(() => statSync(join(dir, 'audit-anchors.jsonl'))).toThrow();
      expect(await audit.verify()).toMatchObject({
        ok: false,
        firstBrokenId: 4,
        why: expect.stringMatching(/anchor file is missing/),
      });
      await audit.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the refusal aggregator', () => {
  it('writes the first refusal of a source per window, sums up the rest, and counts sources past the cap together', () => {
    const rows: { target: string; detail: Record<string, unknown> }[] = [];
    const aggregator = new RefusalAggregator(
      (_action, _actor, target, detail) => rows.push({ target, detail }),
      { windowMs: 60_000, maxRowsPerWindow: 2, maxSummarySources: 3 },
    );
    for (let i = 0; i < 10; i++) aggregator.refused('refused', { ip: '192.0.2.1' }, `/a/${i}`, { why: 'w' });
    aggregator.refused('refused', { ip: '192.0.2.2' }, '/b', { why: 'w' });
    for (let i = 3; i < 8; i++) aggregator.refused('refused', { ip: `192.0.2.${i}` }, '/c', { why: 'w' });
    expect(rows).toEqual([
      { target: '/a/0', detail: { why: 'w' } },
      { target: '/b', detail: { why: 'w' } },
    ]);
    aggregator.close();
    const targets = Array.from({ length: 9 }, (_, i) => `/a/${i + 1}`);
    // Past the first rows, 3 sources (AUDIT_REFUSAL_SUMMARY_ADDRESSES) still get a summary row of their own.
    const withheld = {
      target: '/c',
      detail: { why: 'w', repeated: 1, windowSeconds: 60, firstRowWithheld: true },
    };
    expect(rows.slice(2)).toEqual([
      { target: '/a/9', detail: { why: 'w', repeated: 9, windowSeconds: 60, targets } },
      withheld,
      withheld,
      withheld,
      { target: '', detail: { why: 'refusals from many sources', repeated: 2, windowSeconds: 60 } },
    ]);
  });
});
