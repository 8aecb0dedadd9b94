import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asyncStorage } from '../../server/src/collab/documentStorage';
import type { Room, RoomHooks } from '../../server/src/collab/room';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { readClauses } from '../../server/src/content/outline';
import { seedDemoIfEmpty } from '../../server/src/demo/seed';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { sqliteRecordStores } from '../../server/src/store/recordStores';
import { createRepositories, type Repositories } from '../../server/src/store/repositories';
import { DEMO } from '../support/testServer';
import { appendToClause } from '../support/versionsDoc';

/**
 * The registry's hook set (server/src/collab/roomHooks.ts) over a seeded
 * SQLite database: hooks added after the registry was built run on every
 * stored change and when the last client leaves, in the order they were
 * added; one that throws is logged and the others still run; a removed hook
 * no longer runs.
 */
describe('RoomRegistry hooks', () => {
  const lines: string[] = [];
  const logger = createLogger(
    'error',
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  let dir: string;
  let db: SqliteDatabase;
  let repositories: Repositories;
  let rooms: RoomRegistry;
  let documentId: string;

  beforeEach(async () => {
    lines.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'draftroom-hooks-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    repositories = createRepositories(db);
    await seedDemoIfEmpty(sqliteRecordStores(db), logger);
    documentId = (db.prepare('SELECT id FROM documents').get() as { id: string }).id;
    rooms = new RoomRegistry(asyncStorage(repositories.documentStorage), logger, {
      compactAfterUpdates: 100,
      unloadDelayMs: 0,
    });
  });
  afterEach(async () => {
    await rooms.closeAll(1001, 'test over');
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Appends `words` to the first clause as a server change (stored, broadcast, then the hooks run). */
  async function edit(room: Room, words: string): Promise<void> {
    const user = repositories.users.findByEmail(DEMO.penHolder)?.profile;
    if (!user) throw new Error('no pen-holder');
    const changed = await room.exclusive(() => {
      const clauseId = readClauses(room.doc)[0]?.id ?? '';
      return room.applyServerChange((doc) => appendToClause(doc, clauseId, words), {
        userId: user.id,
        participantId: user.participant.id,
        touchedClauses: [clauseId],
      });
    });
    expect(changed).toBe(true);
  }

  /** The room of the demo document, loaded. */
  async function openLoaded(): Promise<Room> {
    const room = rooms.open(documentId);
    await room.loaded;
    return room;
  }

  /** Hooks that write what they saw into `calls` under `name`. */
  const recording = (calls: string[], name: string): RoomHooks => ({
    onStored: (room) => calls.push(`${name} stored ${room.documentId} at ${room.storedUpToUpdateId}`),
    onLastLeft: (room) => calls.push(`${name} last-left ${room.documentId}`),
  });

  it('runs hooks added after the registry was built, in order, on rooms opened before and after', async () => {
    const calls: string[] = [];
    const early = await openLoaded();
    rooms.hooks.add(recording(calls, 'versions'));
    rooms.hooks.add(recording(calls, 'amendments'));
    await edit(early, ' first');
    const stored = early.storedUpToUpdateId;
    expect(calls).toEqual([
      `versions stored ${documentId} at ${stored}`,
      `amendments stored ${documentId} at ${stored}`,
    ]);
    await rooms.unload(documentId);
    expect(calls.slice(2)).toEqual([
      `versions last-left ${documentId}`,
      `amendments last-left ${documentId}`,
    ]);
    const reopened = await openLoaded();
    expect(reopened).not.toBe(early);
    await edit(reopened, ' second');
    expect(calls.slice(4)).toEqual([
      `versions stored ${documentId} at ${reopened.storedUpToUpdateId}`,
      `amendments stored ${documentId} at ${reopened.storedUpToUpdateId}`,
    ]);
    expect(reopened.storedUpToUpdateId).toBeGreaterThan(stored);
  });

  it('logs a hook that throws and still runs the ones after it; the change stays stored', async () => {
    const calls: string[] = [];
    rooms.hooks.add({
      onStored: () => {
        throw new Error('checkpoint failed');
      },
      onLastLeft: () => {
        throw new Error('last-left failed');
      },
    });
    rooms.hooks.add(recording(calls, 'after'));
    const room = await openLoaded();
    await expect(edit(room, ' kept despite the hook')).resolves.toBeUndefined();
    expect(calls).toEqual([`after stored ${documentId} at ${room.storedUpToUpdateId}`]);
    expect(readClauses(room.doc)[0]?.text).toMatch(/ kept despite the hook$/);
    await rooms.unload(documentId);
    expect(calls[1]).toBe(`after last-left ${documentId}`);
    expect(rooms.get(documentId)).toBeUndefined();
    const logged = lines.map(
      (line) => JSON.parse(line) as { msg: string; hook: string; err: { message: string } },
    );
    expect(logged.map((entry) => [entry.msg, entry.hook, entry.err.message])).toEqual([
      ['a room hook failed', 'stored', 'checkpoint failed'],
      ['a room hook failed', 'last-left', 'last-left failed'],
    ]);
    const stored = await openLoaded();
    expect(readClauses(stored.doc)[0]?.text).toMatch(/ kept despite the hook$/);
  });

  it('stops running a hook once it is removed', async () => {
    const calls: string[] = [];
    const remove = rooms.hooks.add(recording(calls, 'removed'));
    rooms.hooks.add(recording(calls, 'kept'));
    const room = await openLoaded();
    await edit(room, ' one');
    remove();
    await edit(room, ' two');
    expect(calls.map((call) => call.split(' ')[0])).toEqual(['removed', 'kept', 'kept']);
  });
});
