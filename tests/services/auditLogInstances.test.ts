/**
 * Two AuditLogs on one PostgreSQL, as two server instances hold them (a
 * pool each), appending at once: ONE chain, every entry stored once, and
 * each instance's anchor file — its own, or one both share — covers and
 * verifies the whole chain, whichever instance wrote its newest checkpoint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnchorFile } from '../../server/src/audit/auditAnchor';
import type { AuditRow } from '../../server/src/audit/auditChain';
import type { AuditLog } from '../../server/src/audit/auditLog';
import { parseShippedCheckpoint, shippedCheckpointProblem } from '../../server/src/audit/auditShipped';
import { chainRows } from '../../server/src/audit/auditStore';
import { auditAnchorPath, openAuditLog, verifyStoredAudit } from '../../server/src/audit/openAuditLog';
import { configWith, type ServerConfig } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { PgAuditRepository, pgAuditSchema } from '../../server/src/store/postgres/pgAuditRepository';
import { migratedDatabase } from '../support/services/migratedDatabase';

const { instancePool } = migratedDatabase('audit_log_instances', { poolSize: 4 });

const AUDIT_KEY = 'a-services-audit-key-of-at-least-32-characters';
const logger = createLogger('silent');
const PER_INSTANCE = 40;

interface Instance {
  name: string;
  audit: AuditLog;
  config: ServerConfig;
}

describe('two instances appending to one audit chain in PostgreSQL', () => {
  let dirs: string[];
  let instances: Instance[];
  let reader: PgAuditRepository;

  beforeEach(async () => {
    reader = new PgAuditRepository(instancePool(2));
    await instancePool(1).query('DELETE FROM audit_log');
    dirs = [];
    instances = [];
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.audit.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** An instance with its own pool and data directory; `anchor` overrides its anchor file. */
  async function instance(name: string, anchor?: string): Promise<Instance> {
    const dataDir = mkdtempSync(join(tmpdir(), `draftroom-audit-${name}-`));
    dirs.push(dataDir);
    const pool = instancePool(4);
    const config = configWith({
      dataDir,
      auditKey: AUDIT_KEY,
      auditCheckpointSeconds: 0,
      ...(anchor ? { auditAnchorFile: anchor } : {}),
    });
    const audit = openAuditLog(new PgAuditRepository(pool), await pgAuditSchema(pool), config, logger);
    const opened = { name, audit, config };
    instances.push(opened);
    return opened;
  }

  /** Both instances record PER_INSTANCE sign-ins each, interleaved, then wait until theirs are stored. */
  async function appendAtOnce(a: Instance, b: Instance): Promise<string[]> {
    await Promise.all([a.audit.flushed(), b.audit.flushed()]);
    const targets: string[] = [];
    for (let i = 0; i < PER_INSTANCE; i++) {
      for (const { name, audit } of [a, b]) {
        const target = `${name}-${i}`;
        audit.record('sign-in', { email: `${target}@x.example`, ip: '192.0.2.7' }, target);
        targets.push(target);
      }
      if (i % 10 === 9) await Promise.resolve();
    }
    await Promise.all([a.audit.flushed(), b.audit.flushed()]);
    return targets;
  }

  async function storedRows(): Promise<AuditRow[]> {
    const rows: AuditRow[] = [];
    for await (const row of chainRows(reader, 7)) rows.push(row);
    return rows;
  }

  /** One chain: ids 1…n, each linked to the one before; every target exactly once. */
  async function expectOneChain(targets: string[]): Promise<AuditRow[]> {
    const rows = await storedRows();
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: targets.length }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(rows.map((row) => row.target).sort()).toEqual([...targets].sort());
    return rows;
  }

  const anchorLines = (path: string) =>
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; head: string; mac: string; prev: string });

  it('each with its own anchor file: one chain, every entry once, and each anchor covers and verifies it all', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const targets = await appendAtOnce(a, b);
    const rows = await expectOneChain(targets);
    const head = rows.at(-1) as AuditRow;

    // A checkpoint records the head read from the store: each instance's covers the other's entries.
    await Promise.all([a.audit.checkpoint(), b.audit.checkpoint()]);
    for (const { audit, config } of [a, b]) {
      expect(anchorLines(auditAnchorPath(config)).at(-1)).toMatchObject({ seq: head.id, head: head.hash });
      expect(await audit.verify()).toEqual({
        ok: true,
        entries: targets.length,
        checkpoint: { seq: head.id, at: expect.any(String) },
      });
      // As the admin CLI verifies: through a repository of its own, with this instance's anchor file.
      expect(await verifyStoredAudit(reader, config, logger)).toMatchObject({
        ok: true,
        entries: rows.length,
      });
    }

    // Entries of b alone: a's next checkpoint covers them.
    b.audit.record('sign-out', { email: 'b-late@x.example' }, 'b-late');
    await b.audit.flushed();
    await a.audit.checkpoint();
    expect(anchorLines(auditAnchorPath(a.config)).at(-1)).toMatchObject({ seq: head.id + 1 });
    expect(await a.audit.verify()).toMatchObject({
      ok: true,
      entries: head.id + 1,
      checkpoint: { seq: head.id + 1 },
    });
  });

  it('sharing one anchor file: checkpoints of both chain in it, and any of its lines holds as a shipped checkpoint', async () => {
    const shared = join(mkdtempSync(join(tmpdir(), 'draftroom-audit-shared-')), 'anchors.jsonl');
    dirs.push(join(shared, '..'));
    const [a, b] = [await instance('a', shared), await instance('b', shared)];
    const targets = await appendAtOnce(a, b);
    const rows = await expectOneChain(targets);
    await Promise.all([a.audit.checkpoint(), b.audit.checkpoint()]);

    const lines = anchorLines(shared);
    expect(lines.at(-1)).toMatchObject({ seq: rows.length });
    expect(lines.length).toBeGreaterThan(2);
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]?.prev).toBe(lines[i - 1]?.mac);
      expect(lines[i]?.seq).toBeGreaterThan(lines[i - 1]?.seq ?? 0);
    }
    for (const { audit } of [a, b]) {
      expect(await audit.verify()).toMatchObject({
        ok: true,
        entries: rows.length,
        checkpoint: { seq: rows.length },
      });
    }
    const key = Buffer.from(AUDIT_KEY);
    const anchor = new AnchorFile(shared);
    const text = readFileSync(shared, 'utf8').trim().split('\n');
    for (const line of [text[0], text[Math.floor(text.length / 2)], text.at(-1)]) {
      expect(
        await shippedCheckpointProblem(reader, anchor, key, parseShippedCheckpoint(line ?? '')),
      ).toBeUndefined();
    }
  });
});
