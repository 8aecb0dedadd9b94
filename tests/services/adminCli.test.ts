import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docFromStoredState } from '../../server/src/collab/documentStorage';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { postgresRecordStores, type RecordStores } from '../../server/src/store/recordStores';
import { type AdminRun, runAdmin } from '../support/services/adminProcess';
import { migratedDatabase } from '../support/services/migratedDatabase';

/**
 * The admin CLI with `DATABASE_URL` works on the servers' PostgreSQL store:
 * what it creates is there (a document with its initial text, readable by the
 * servers' document storage), a password it sets signs the user's sessions
 * out there, and the SQLite file of `DATA_DIR` is never made.
 */
const database = migratedDatabase('admin_cli');

let dataDir: string;
let pool: pg.Pool;
let records: RecordStores;

/** Runs `pnpm admin <args>` on the test's PostgreSQL; resolves with its exit code and output. */
function admin(...args: string[]): Promise<AdminRun> {
  return runAdmin({ DATA_DIR: dataDir, DATABASE_URL: database.url(), AUDIT_KEY: 'k'.repeat(44) }, args);
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'draftroom-admin-cli-'));
  pool = database.instancePool(2);
  records = postgresRecordStores(pool);
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the admin CLI on PostgreSQL (DATABASE_URL)', () => {
  it('creates a participant, a process, an account and a document there; the SQLite file is not made', async () => {
    expect((await admin('participant:add', '--code', 'SK', '--name', 'Slovakia')).status).toBe(0);
    expect((await admin('process:add', '--name', 'Bratislava Process')).status).toBe(0);
    const joined = await admin(
      'process:join',
      '--process',
      'Bratislava Process',
      '--participant',
      'sk',
      '--role',
      'drafter',
    );
    expect(joined.stdout).toMatch(/SK takes part in "Bratislava Process" as drafter/);
    const added = await admin(
      'user:add',
      ...[
        '--email',
        'Ana@Example.org',
        '--name',
        'Ana B',
        '--participant',
        'SK',
        '--password',
        'a long password 1',
      ],
    );
    expect(added.status).toBe(0);
    const created = await admin(
      'document:add',
      '--process',
      'Bratislava Process',
      '--title',
      'Joint Declaration',
    );
    expect(created.status).toBe(0);

    const participant = await records.participants.findByCode('SK');
    expect(participant).toMatchObject({ name: 'Slovakia', kind: 'state' });
    const process = await records.processes.findByName('Bratislava Process');
    expect(await records.processes.listMemberships(process?.id ?? '')).toEqual([
      expect.objectContaining({ code: 'SK', defaultRole: 'drafter' }),
    ]);
    const account = await records.users.findByEmail('ana@example.org');
    expect(account?.profile).toMatchObject({ name: 'Ana B', isAdmin: false, participant: { code: 'SK' } });
    const documentId = created.stdout.match(/document created: (\S+)/)?.[1] ?? '';
    expect(await records.documents.findAccessible(documentId, account?.profile.id ?? '')).toMatchObject({
      title: 'Joint Declaration',
      role: 'drafter',
    });
    // Its initial text is where the servers load documents from.
    const stored = await new PgDocumentStorage(pool).load(documentId);
    expect(docFromStoredState(stored).getXmlFragment('content').toString()).toContain('Joint Declaration');

    expect((await admin('user:list')).stdout).toMatch(/ana@example\.org\s+SK\s+Ana B/);
    expect(existsSync(join(dataDir, 'draftroom.db'))).toBe(false);
  });

  it('a new password signs out every session of the account in PostgreSQL', async () => {
    const account = await records.users.findByEmail('ana@example.org');
    const userId = account?.profile.id ?? '';
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    await records.sessions.create('cli-session-1', userId, now, later);
    await records.sessions.create('cli-session-2', userId, now, later);
    const changed = await admin(
      'user:password',
      '--email',
      'ana@example.org',
      '--password',
      'another long one 2',
    );
    expect(changed.stdout).toMatch(/their sessions were signed out/);
    expect(await records.sessions.findUserId('cli-session-1', now)).toBeUndefined();
    expect(await records.sessions.findUserId('cli-session-2', now)).toBeUndefined();
    expect((await records.users.findByEmail('ana@example.org'))?.passwordHash).not.toBe(
      account?.passwordHash,
    );
  });

  it('a refused command exits 1 with the reason; backup is refused (PostgreSQL is backed up with pg_dump)', async () => {
    const unknown = await admin(
      'process:join',
      '--process',
      'Nowhere',
      '--participant',
      'SK',
      '--role',
      'drafter',
    );
    expect(unknown).toMatchObject({ status: 1, stderr: 'error: no process named "Nowhere"\n' });
    const taken = await admin('participant:add', '--code', 'SK', '--name', 'Slovakia again');
    expect(taken.status).toBe(1);
    const backup = await admin('backup', '--to', join(dataDir, 'copy.db'));
    expect(backup).toMatchObject({ status: 1, stderr: expect.stringMatching(/pg_dump/) });
    expect(existsSync(join(dataDir, 'copy.db'))).toBe(false);
  });
});
