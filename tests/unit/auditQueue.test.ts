/**
 * The audit log's append queue over a real SQLite file whose `audit_log`
 * table is renamed away for a while (every append then fails, as on a lost
 * database), and two audit logs of one database sharing one anchor file (as
 * instances sharing DATA_DIR do).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnchorFile } from '../../server/src/audit/auditAnchor';
import { loadAuditKey } from '../../server/src/audit/auditKey';
import type { AuditLog } from '../../server/src/audit/auditLog';
import type { AuditQueueOptions } from '../../server/src/audit/auditQueue';
import { parseShippedCheckpoint, shippedCheckpointProblem } from '../../server/src/audit/auditShipped';
import { AuditStore, sqliteAuditRepository } from '../../server/src/audit/auditStore';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { auditLogIn } from '../support/auditFixtures';
import { waitFor } from '../support/waitFor';

const silent = createLogger('silent');

describe('the audit queue when the store refuses appends', () => {
  let dir: string;
  let db: SqliteDatabase;
  let audit: AuditLog;
  let logged: { msg: string; auditEntry?: { target: string } }[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-audit-queue-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, silent);
    logged = [];
  });
  afterEach(async () => {
    await audit?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An audit log whose log lines are kept in `logged`. */
  async function openLog(queue: AuditQueueOptions): Promise<void> {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    audit = auditLogIn(dir, db, {}, { logger: createLogger('info', sink), queue });
    await audit.flushed();
  }
  const storeAway = () => db.exec('ALTER TABLE audit_log RENAME TO audit_log_away');
  const storeBack = () => db.exec('ALTER TABLE audit_log_away RENAME TO audit_log');
  const loggedTargets = (msg: string) =>
    logged.filter((line) => line.msg === msg).map((line) => line.auditEntry?.target);
  const record = (target: string) => audit.record('sign-in', { email: `${target}@x.example` }, target);

  it('keeps the entries a failing store refuses, logs each once, and stores them in order once it accepts', async () => {
    await openLog({ retryMs: 5, maxRetryMs: 20, flushTimeoutMs: 200 });
    storeAway();
    for (const target of ['t1', 't2', 't3']) record(target);
    await waitFor(() => logged.some((line) => line.msg.startsWith('the audit log cannot be written')));
    expect(loggedTargets('audit entry waits to be stored')).toEqual(['t1', 't2', 't3']);
    // A read waits for what was recorded before it; past the flush timeout it is refused (503).
    await expect(audit.list(10)).rejects.toMatchObject({ status: 503, code: 'audit_unavailable' });
    record('t4'); // recorded while appends fail: logged at once
    expect(loggedTargets('audit entry waits to be stored')).toEqual(['t1', 't2', 't3', 't4']);

    storeBack();
    await audit.flushed();
    expect((await audit.list(10)).map((entry) => entry.target)).toEqual(['t4', 't3', 't2', 't1']);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 4, checkpoint: { seq: 4 } });
    expect(logged.some((line) => line.msg === 'the audit log is written again')).toBe(true);
  });

  it('past its bound, logs and counts the entries it cannot hold, and records how many in one entry', async () => {
    await openLog({ maxQueued: 3, retryMs: 5, maxRetryMs: 20 });
    storeAway();
    for (const target of ['t1', 't2', 't3', 't4', 't5']) record(target);
    audit.record('refused', {}, 't6');
    expect(
      loggedTargets('the audit queue is full: entry not stored (counted in an audit-entries-lost entry)'),
    ).toEqual(['t4', 't5', 't6']);

    storeBack();
    await audit.flushed();
    const entries = (await audit.list(10)).reverse();
    expect(entries.map((entry) => entry.target)).toEqual(['t1', 't2', 't3', '']);
    expect(entries[3]).toMatchObject({
      action: 'audit-entries-lost',
      detail: { why: 'the audit queue was full', lost: 3, actions: { 'sign-in': 2, refused: 1 } },
    });
    record('t7');
    await audit.flushed();
    expect((await audit.list(1))[0]?.target).toBe('t7');
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 5 });
  });

  it('closing waits for the queue up to the flush timeout, then logs what it could not store', async () => {
    await openLog({ retryMs: 5, maxRetryMs: 20, flushTimeoutMs: 100 });
    storeAway();
    record('t1');
    await audit.close();
    expect(loggedTargets('audit entry not stored before the stop')).toEqual(['t1']);
    record('t2');
    expect(loggedTargets('audit entry recorded after the audit log closed: not stored')).toEqual(['t2']);
    storeBack();
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
  });
});

describe('two audit logs of one database sharing one anchor file', () => {
  let dir: string;
  let db: SqliteDatabase;
  let logs: AuditLog[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-audit-shared-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, silent);
    logs = [];
  });
  afterEach(async () => {
    for (const log of logs) await log.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const anchorPath = () => join(dir, 'audit-anchors.jsonl');
  const anchorLines = () => readFileSync(anchorPath(), 'utf8').trim().split('\n');
  const lineOf = (text: string) => JSON.parse(text) as { seq: number; mac: string; prev: string };

  it('each checkpoint records the head read from the store and chains to the file’s newest line, whoever wrote it', async () => {
    const [a, b] = [0, 1].map(() => auditLogIn(dir, db, { auditCheckpointSeconds: 3600 })) as [
      AuditLog,
      AuditLog,
    ];
    logs.push(a, b);
    for (let i = 0; i < 3; i++) a.record('sign-in', { email: `a${i}@x.example` });
    for (let i = 0; i < 2; i++) b.record('sign-in', { email: `b${i}@x.example` });
    await Promise.all([a.flushed(), b.flushed()]);
    await a.checkpoint(); // covers b's entries too
    await b.checkpoint(); // the file's newest line already records the head: nothing written
    b.record('sign-out', { email: 'b0@x.example' });
    await b.checkpoint();
    await a.checkpoint();

    const lines = anchorLines().map(lineOf);
    expect(lines.map((line) => line.seq)).toEqual([0, 5, 6]);
    expect(lines[1]?.prev).toBe(lines[0]?.mac);
    expect(lines[2]?.prev).toBe(lines[1]?.mac);
    for (const log of [a, b]) {
      expect(await log.verify()).toMatchObject({ ok: true, entries: 6, checkpoint: { seq: 6 } });
    }

    const store = sqliteAuditRepository(new AuditStore(db));
    const key = loadAuditKey({ auditKey: '', dataDir: dir }, silent, false);
    const anchor = new AnchorFile(anchorPath());
    for (const text of anchorLines()) {
      expect(
        await shippedCheckpointProblem(store, anchor, key, parseShippedCheckpoint(text)),
      ).toBeUndefined();
    }
    // The line after a shipped checkpoint removed: the next one does not follow any line before it.
    const [first, , last] = anchorLines();
    writeFileSync(anchorPath(), `${first}\n${last}\n`);
    expect(
      await shippedCheckpointProblem(store, anchor, key, parseShippedCheckpoint(first ?? '')),
    ).toMatchObject({
      why: expect.stringMatching(/does not follow the ones before it/),
    });
  });
});
