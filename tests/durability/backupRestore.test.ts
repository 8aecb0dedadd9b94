import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../server/src/store/backup';
import { type CollabClient, connectClient } from '../support/collabClient';
import { modelTextString } from '../support/modelText';
import { relayOnlyOwnPresence } from '../support/ownPresence';
import { ServerProcess } from '../support/serverProcess';
import { Database, readStoredText } from '../support/storedDocument';
import { DEMO } from '../support/testServer';
import { notExactlyOnce, seededRandom, TokenTypist, tokensIn } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

describe('online backup and restore', () => {
  let server: ServerProcess | undefined;
  const clients: CollabClient[] = [];
  const backupDir = mkdtempSync(join(tmpdir(), 'draftroom-backup-'));

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.dispose();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('restores a backup taken while people type; clients holding newer edits bring them back, exactly once', async () => {
    const s = await ServerProcess.start();
    server = s;
    const { cookie } = await s.signIn(DEMO.penHolder);
    const documentId = await s.documentIdByTitle(cookie, 'Action Plan');
    const typists = [1, 2, 3, 4].map((n) => {
      const client = relayOnlyOwnPresence(connectClient(s.wsUrl, documentId, cookie));
      clients.push(client);
      return new TokenTypist(`c${n}`, client, seededRandom(100 + n));
    });
    await waitFor(() => typists.every((t) => t.client.provider.synced), { what: 'clients synced' });
    const received = () => new Set(typists.flatMap((typist) => typist.receivedTokens()));
    for (const typist of typists) typist.start();
    await waitFor(() => received().size >= 40, { what: 'edits stored and broadcast before the backup' });

    // The online backup, from its own connection (as `pnpm admin backup` does), while everyone types.
    const acknowledgedBeforeBackup = received();
    const backupFile = join(backupDir, 'draftroom-backup.db');
    const source = new Database(s.databaseFile, { readonly: true, fileMustExist: true });
    await backupDatabase(source, backupFile);
    source.close();
    const backup = readStoredText(backupFile, documentId);
    expect(backup.integrity).toBe('ok');
    expect(notExactlyOnce(backup.text, acknowledgedBeforeBackup)).toEqual({ missing: [], duplicated: [] });

    // Newer edits, stored and broadcast after the backup: the restore will lose them from the server…
    const inBackup = new Set(tokensIn(backup.text));
    const newer = () => [...received()].filter((token) => !inBackup.has(token));
    await waitFor(() => newer().length >= 40, { what: 'edits stored after the backup' });
    expect(newer().length).toBeGreaterThanOrEqual(40);

    // Restore: stop, copy the backup over the database, delete -wal and -shm, start.
    await s.stop();
    copyFileSync(backupFile, s.databaseFile);
    rmSync(`${s.databaseFile}-wal`, { force: true });
    rmSync(`${s.databaseFile}-shm`, { force: true });
    await s.start();

    // …but the clients still hold them (and what they typed while it was down), and re-send on reconnecting.
    for (const typist of typists) typist.stop();
    const typed = typists.flatMap((typist) => typist.typed);
    const everythingEverywhere = () =>
      typists.every(
        (typist) =>
          notExactlyOnce(typist.text, typed).missing.length === 0 && typist.text === typists[0]!.text,
      );
    await waitFor(everythingEverywhere, {
      timeoutMs: 30_000,
      what: 'clients re-sent their edits to the restored server',
    });
    const text = typists[0]!.text;
    expect(notExactlyOnce(text, typed)).toEqual({ missing: [], duplicated: [] });
    expect(tokensIn(text)).toHaveLength(typed.length);

    const fresh = relayOnlyOwnPresence(connectClient(s.wsUrl, documentId, cookie));
    clients.push(fresh);
    await waitFor(() => fresh.provider.synced, { what: 'a fresh client synced from the restored server' });
    expect(modelTextString(fresh.doc)).toBe(text);

    await s.stop();
    const stored = readStoredText(s.databaseFile, documentId);
    expect(stored.integrity).toBe('ok');
    expect(stored.text).toBe(text);
  });
});
