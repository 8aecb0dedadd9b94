import { join } from 'node:path';
import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, connectClient } from '../support/collabClient';
import { modelTextString } from '../support/modelText';
import { relayOnlyOwnPresence } from '../support/ownPresence';
import { ServerProcess } from '../support/serverProcess';
import { canMountTmpfs, SmallVolume } from '../support/smallVolume';
import { readStoredText } from '../support/storedDocument';
import { DEMO } from '../support/testServer';
import { notExactlyOnce, seededRandom, TokenTypist, tokensIn } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

/** When each token first appeared in a client's copy. */
function watchArrivals(client: CollabClient): Map<string, number> {
  const arrivals = new Map<string, number>();
  client.doc.on('update', () => {
    for (const token of tokensIn(modelTextString(client.doc))) {
      if (!arrivals.has(token)) arrivals.set(token, Date.now());
    }
  });
  return arrivals;
}

function errorLogsAbout(server: ServerProcess, documentId: string): Record<string, unknown>[] {
  return server.logLines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return typeof entry.level === 'number' && entry.level >= 50 && line.includes(documentId) ? [entry] : [];
    } catch {
      return [];
    }
  });
}

const mountable = canMountTmpfs();

// A real full disk needs a small tmpfs, hence root (CAP_SYS_ADMIN); without it there is no honest way to
// make SQLite's writes fail for a running server (root ignores permissions; open descriptors ignore chmod).
describe.skipIf(!mountable)('when SQLite cannot write (disk full)', () => {
  let volume: SmallVolume;
  let server: ServerProcess;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    volume = SmallVolume.mount(24 * 1024 * 1024);
    server = await ServerProcess.start({ dataDir: join(volume.path, 'data') });
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.dispose();
    volume?.unmount();
  });

  function connect(cookie: string, documentId: string): CollabClient {
    const client = relayOnlyOwnPresence(connectClient(server.wsUrl, documentId, cookie));
    clients.push(client);
    return client;
  }

  it('refuses and does not broadcast what it could not store, keeps serving reads, and recovers by itself', async () => {
    const { cookie } = await server.signIn(DEMO.penHolder);
    const documentId = await server.documentIdByTitle(cookie, 'Action Plan');
    const writer = new TokenTypist('c1', connect(cookie, documentId), seededRandom(7));
    const observer = connect(cookie, documentId);
    const seenByObserver = watchArrivals(observer);
    await waitFor(() => writer.client.provider.synced && observer.provider.synced, {
      what: 'clients synced',
    });
    const observed = (token: string) => seenByObserver.has(token);

    const beforeFull = [writer.typeOne(), writer.typeOne(), writer.typeOne()];
    await waitFor(() => beforeFull.every(observed), {
      what: 'tokens stored and broadcast before the disk fills',
    });

    expect(volume.fill()).toBeGreaterThan(0);
    // SQLite reuses WAL space it already has, so a few more commits may still fit: type until one is refused.
    let refused: string | undefined;
    for (let i = 0; i < 2_000 && refused === undefined; i++) {
      const token = writer.typeOne();
      await waitFor(
        () => observed(token) || writer.client.closeCodes.includes(CloseCode.StorageUnavailable),
        {
          what: `${token} stored or refused`,
        },
      );
      if (!observed(token)) refused = token;
    }
    expect(refused, 'a write failed once the disk was full').toBeDefined();

    // The sender is told; on reconnecting it re-sends and is refused again while the disk stays full.
    await waitFor(
      () => writer.client.closeCodes.filter((code) => code === CloseCode.StorageUnavailable).length >= 2,
      {
        what: 'a second refusal after the automatic reconnect',
      },
    );
    expect(observed(refused!)).toBe(false);
    expect(errorLogsAbout(server, documentId).length).toBeGreaterThan(0);

    // Reads still work: a newcomer syncs everything stored, and nothing that was not.
    const reader = connect(cookie, documentId);
    await waitFor(() => reader.provider.synced, { what: 'a reader synced while the disk is full' });
    const readerText = modelTextString(reader.doc);
    expect(notExactlyOnce(readerText, beforeFull)).toEqual({ missing: [], duplicated: [] });
    expect(readerText).not.toContain(refused!);
    expect((await server.getJson('/api/documents', cookie)).status).toBe(200);

    const freedAt = Date.now();
    volume.free();
    await waitFor(() => writer.typed.every(observed), {
      timeoutMs: 30_000,
      what: 'the refused edits arrive after recovery',
    });
    expect(seenByObserver.get(refused!)).toBeGreaterThanOrEqual(freedAt);
    const afterRecovery = writer.typeOne();
    await waitFor(() => observed(afterRecovery), { what: 'a new edit after recovery' });

    for (const copy of [writer.client, observer, reader]) {
      await waitFor(() => notExactlyOnce(modelTextString(copy.doc), writer.typed).missing.length === 0, {
        what: 'every copy holds every token',
      });
      expect(notExactlyOnce(modelTextString(copy.doc), writer.typed)).toEqual({
        missing: [],
        duplicated: [],
      });
    }
    await server.stop();
    const stored = readStoredText(server.databaseFile, documentId);
    expect(stored.integrity).toBe('ok');
    expect(notExactlyOnce(stored.text, writer.typed)).toEqual({ missing: [], duplicated: [] });
  });
});
