import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditIds, rewriteWithPublicRule } from '../support/auditFixtures';
import { api } from '../support/securityHarness';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** The newest checkpoint line of the server's anchor file. */
function lastCheckpoint(server: TestServer): {
  seq: number;
  head: string;
  legacyThrough: number;
  note?: string;
} {
  const lines = readFileSync(join(server.dataDir, 'audit-anchors.jsonl'), 'utf8').trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}');
}

describe('the audit chain against someone who can write the database but has not the audit key', () => {
  let server: TestServer;
  let admin: SignedIn;
  afterEach(async () => {
    await server?.dispose();
  });

  /**
   * A server (checkpoints 50 ms after new entries) with 8 entries: sign-ins refused (each from its own
   * address: refused sign-ins from one address are aggregated) and accepted.
   */
  async function serverWithEntries(): Promise<number[]> {
    server = await startTestServer({ auditCheckpointSeconds: 0.05 });
    for (let i = 0; i < 6; i++) {
      const answer = await api(server, 'POST', '/api/session', {
        body: { email: `guess-${i}@x.example`, password: 'wrong' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      expect(answer.status).toBe(401);
    }
    admin = await server.signIn(DEMO.admin);
    await server.signIn(DEMO.observer);
    await server.server.audit.flushed();
    const ids = auditIds(server.server.db);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await waitFor(() => lastCheckpoint(server).seq === 8, { what: 'the checkpoint of entry 8' });
    return ids;
  }

  const verify = async () => {
    const answer = await api(server, 'GET', '/api/admin/audit/verify', { session: admin });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('reports an intact chain with the checkpoint it was held against', async () => {
    await serverWithEntries();
    expect(await verify()).toEqual({ ok: true, entries: 8, checkpoint: { seq: 8, at: expect.any(String) } });
  });

  it('detects the last 3 entries deleted (entries 6–8 missing), also after new entries are written', async () => {
    await serverWithEntries();
    server.server.db.prepare('DELETE FROM audit_log WHERE id > 5').run();
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 5,
      firstBrokenId: 6,
      why: expect.stringMatching(
        /^entries 6–8 are missing: the checkpoint of .* records entry 8 as the newest$/,
      ),
    });
    await server.signIn(DEMO.commenter);
    await server.server.audit.flushed();
    expect(auditIds(server.server.db)).toEqual([1, 2, 3, 4, 5, 9]);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 6, why: 'entries 6–8 are missing' });
  });

  it('detects every entry deleted (entries 1–8 missing)', async () => {
    await serverWithEntries();
    server.server.db.prepare('DELETE FROM audit_log').run();
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 0,
      firstBrokenId: 1,
      why: expect.stringMatching(/^entries 1–8 are missing/),
    });
  });

  it('names an entry edited with every following hash recomputed by the public rule: its MAC does not match', async () => {
    await serverWithEntries();
    rewriteWithPublicRule(server.server.db, 3, { note: 'nothing happened' });
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 3,
      firstBrokenId: 3,
      why: 'its MAC does not match: it was edited, renumbered or forged',
    });
  });

  it('names a deleted entry 4 as missing (not entry 5 as broken), with or without the hashes after it redone', async () => {
    await serverWithEntries();
    server.server.db.prepare('DELETE FROM audit_log WHERE id = 4').run();
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 4,
      firstBrokenId: 4,
      why: 'entry 4 is missing',
    });
    rewriteWithPublicRule(server.server.db, 5, { forged: true });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 4, why: 'entry 4 is missing' });
  });

  it('names a forged entry renumbered into the gap (its MAC binds its number)', async () => {
    await serverWithEntries();
    const { db } = server.server;
    db.prepare('DELETE FROM audit_log WHERE id = 4').run();
    db.prepare('UPDATE audit_log SET id = 4 WHERE id = 5').run();
    rewriteWithPublicRule(
      db,
      4,
      JSON.parse(
        (db.prepare('SELECT detail FROM audit_log WHERE id = 4').get() as { detail: string }).detail,
      ),
    );
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: 4, why: expect.stringMatching(/MAC/) });
  });
});
