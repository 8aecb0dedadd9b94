import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserProfile } from '@draftroom/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { asyncStorage, type DocumentStorage } from '../../server/src/collab/documentStorage';
import { RoomRegistry } from '../../server/src/collab/roomRegistry';
import { readClauses } from '../../server/src/content/outline';
import { seedDemoIfEmpty } from '../../server/src/demo/seed';
import { createLogger, type Logger } from '../../server/src/logger';
import { NegotiationStore } from '../../server/src/negotiation/negotiationStore';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { type RecordStores, sqliteRecordStores } from '../../server/src/store/recordStores';
import { createRepositories, type Repositories } from '../../server/src/store/repositories';
import { VersionService } from '../../server/src/versions/versionService';
import type { VersionRepository } from '../../server/src/versions/versionStore';
import { capturedLogger } from '../support/busFixtures';
import { DEMO } from '../support/testServer';
import { appendToClause, fingerprintOf } from '../support/versionsDoc';

const MINUTE = 60_000;

/** A VersionService over a seeded SQLite database, with its own clock. */
describe('VersionService', () => {
  const logger = createLogger('silent');
  let dir: string;
  let db: SqliteDatabase;
  let repositories: Repositories;
  let records: RecordStores;
  let negotiation: NegotiationStore;
  let rooms: RoomRegistry;
  let service: VersionService;
  let documentId: string;
  let pen: UserProfile;
  let clock: number;
  let storage: DocumentStorage;
  let removeHooks: (() => void) | undefined;

  /** Makes `service` a VersionService over `versions` (its hooks the rooms' only ones), logging to `log`. */
  function useService(versions: VersionRepository, checkpointIntervalMs: number, log: Logger = logger) {
    removeHooks?.();
    service = new VersionService(versions, records.negotiation, rooms, storage, log, {
      checkpointIntervalMs,
      now: () => clock,
    });
    removeHooks = rooms.hooks.add(service.hooks);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-versions-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    repositories = createRepositories(db);
    records = sqliteRecordStores(db);
    await seedDemoIfEmpty(records, logger);
    documentId = (db.prepare('SELECT id FROM documents').get() as { id: string }).id;
    const user = repositories.users.findByEmail(DEMO.penHolder);
    if (!user) throw new Error('no pen-holder');
    pen = user.profile;
    negotiation = new NegotiationStore(db);
    clock = Date.now();
    storage = asyncStorage(repositories.documentStorage);
    rooms = new RoomRegistry(storage, logger, {
      compactAfterUpdates: 100,
      unloadDelayMs: 0,
    });
    useService(records.versions, 10 * MINUTE);
  });
  afterEach(async () => {
    await rooms.closeAll(1001, 'test over');
    await service.settled();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Edits clause `index` as the pen-holder through the open room (stored, then the hooks run). */
  async function edit(index: number, words: string): Promise<Y.Doc> {
    const room = rooms.open(documentId);
    await room.exclusive(() => {
      const clauseId = readClauses(room.doc)[index]?.id ?? '';
      return room.applyServerChange((doc) => appendToClause(doc, clauseId, words), {
        userId: pen.id,
        participantId: pen.participant.id,
        touchedClauses: [clauseId],
      });
    });
    return room.doc;
  }

  /** The document opened, and left by its last client: the registry compacts and unloads it. */
  async function openAndLeave(): Promise<void> {
    rooms.open(documentId);
    await rooms.unload(documentId);
  }

  /** The automatic checkpoints, once every one the hooks started is stored (the history waits for them). */
  const automatic = async () =>
    (await service.history(documentId)).filter((version) => version.kind === 'automatic');

  it('takes an automatic checkpoint on a stored change only once the interval since the newest version passed', async () => {
    await edit(0, ' [right after Rev. 1]');
    clock += 9 * MINUTE;
    await edit(1, ' [nine minutes later]');
    expect(await automatic()).toEqual([]);

    clock += 2 * MINUTE;
    const doc = await edit(2, ' [eleven minutes later]');
    const [checkpoint, ...rest] = await automatic();
    expect(rest).toEqual([]);
    expect(checkpoint?.fingerprint).toBe(fingerprintOf(doc));
    expect(checkpoint?.summary).toEqual({ added: 0, changed: 3, removed: 0, moved: 0 });
    expect(checkpoint?.label).toBe(
      `Automatic checkpoint ${new Date(clock).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
    expect(checkpoint?.createdBy).toBeNull();
  });

  // Server bug: VersionStore.create stamps created_at with the wall clock (nowIso()), not with the
  // service's `now`, so the interval check (and thinning) compares the injected clock with wall-clock
  // times: right after a checkpoint taken at `now`, the next edit finds it 11 minutes old.
  it('takes no second checkpoint one minute after the last one', async () => {
    clock += 11 * MINUTE;
    await edit(0, ' [first]');
    const [first] = await automatic();
    expect(first).toBeDefined();
    clock += MINUTE;
    await edit(1, ' [a minute later]');
    expect((await automatic()).map((version) => version.id)).toEqual([first?.id]);
  });

  it('takes a checkpoint when the last client leaves only if something was stored since the newest version', async () => {
    await openAndLeave();
    expect(rooms.size).toBe(0);
    expect(await automatic()).toEqual([]);

    const doc = await edit(3, ' [before leaving]');
    const text = fingerprintOf(doc);
    await openAndLeave();
    expect((await automatic()).map((version) => version.fingerprint)).toEqual([text]);

    await openAndLeave();
    expect(await automatic()).toHaveLength(1);
  });

  it('saves a named version from storage when the document is not open, with the last stored update', async () => {
    await edit(0, ' [stored]');
    const lastUpdateId = rooms.get(documentId)?.storedUpToUpdateId ?? -1;
    await openAndLeave();
    expect(rooms.size).toBe(0);
    const saved = await service.saveNamed(
      documentId,
      { label: 'From storage', note: '', meetingId: null },
      pen,
    );
    const stored = await records.versions.load(documentId, saved.id);
    expect(stored?.lastUpdateId).toBe(lastUpdateId);
    expect(stored?.structureJson).toContain('[stored]');
    // Counted against the previous named version (the seeded Rev. 1), not the checkpoint taken on leaving.
    expect(saved.baseline).toMatchObject({ kind: 'named', label: 'Rev. 1 — for the Budapest SOM' });
    expect(saved.summary).toEqual({ added: 0, changed: 1, removed: 0, moved: 0 });
  });

  it('freezes statuses, positions and unresolved brackets in the negotiation snapshot', async () => {
    const room = rooms.open(documentId);
    await room.loaded;
    const [first, second] = readClauses(room.doc).map((clause) => clause.id);
    const hu = repositories.users.findByEmail(DEMO.hungarianDrafter)?.profile;
    if (!first || !second || !hu) throw new Error('setup');
    negotiation.setStatus(documentId, first, 'bracketed', pen.id);
    negotiation.setStatus(documentId, second, 'agreed-ad-referendum', pen.id);
    negotiation.setStatus(documentId, second, 'open', pen.id);
    negotiation.setPosition(
      documentId,
      first,
      hu.participant.id,
      { position: 'reservation', note: '' },
      hu.id,
    );
    const open = { id: 'br-00000001', clauseId: first, alternatives: ['shall', 'should'] };
    negotiation.createBracket(documentId, open, { id: hu.id, participantId: hu.participant.id });
    negotiation.createBracket(
      documentId,
      { id: 'br-00000002', clauseId: second, alternatives: ['may'] },
      { id: pen.id, participantId: pen.participant.id },
    );
    negotiation.resolveBracket(documentId, 'br-00000002', 0, pen.id);

    expect(await service.negotiationSnapshot(documentId)).toEqual({
      statuses: { [first]: 'bracketed', [second]: 'open' },
      positions: { [first]: { HU: 'reservation' } },
      // Both wordings were tabled by the bracket's creator (Hungary): each alternative keeps its proponent.
      brackets: {
        'br-00000001': {
          clauseId: first,
          text: 'shall',
          alternatives: ['shall', 'should'],
          proponents: ['HU', 'HU'],
        },
      },
    });
    const saved = await service.saveNamed(documentId, { label: 'Frozen', note: '', meetingId: null }, pen);
    negotiation.setStatus(documentId, first, 'agreed', pen.id);
    const comparable = service.comparableOf((await records.versions.load(documentId, saved.id)) ?? never());
    expect(comparable.statuses).toEqual({ [first]: 'bracketed', [second]: 'open' });
  });

  it('runs the checkpoints of a document one at a time, each reading the newest version after the one before was stored', async () => {
    const calls: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    useService(
      {
        ...records.versions,
        latestMark: async (id) => {
          calls.push('latestMark');
          if (first) {
            first = false;
            await held;
          }
          return records.versions.latestMark(id);
        },
        create: async (version) => {
          calls.push('create');
          return records.versions.create(version);
        },
      },
      0,
    );
    await edit(0, ' [one]');
    const doc = await edit(1, ' [two]');
    // The first checkpoint waits on its read: the second has not started.
    expect(calls).toEqual(['latestMark']);
    release();
    const [newest] = await automatic();
    expect(calls).toEqual(['latestMark', 'create', 'latestMark', 'create']);
    expect(newest?.fingerprint).toBe(fingerprintOf(doc));
  });

  it('logs a checkpoint that failed, and asks the store again on the next stored change', async () => {
    const { logger: log, lines } = capturedLogger('error');
    let failures = 1;
    useService(
      {
        ...records.versions,
        latestMark: async (id) => {
          if (failures-- > 0) throw new Error('the store is down');
          return records.versions.latestMark(id);
        },
      },
      10 * MINUTE,
      log,
    );
    clock += 11 * MINUTE;
    await edit(0, ' [not checkpointed]');
    expect(await automatic()).toEqual([]);
    expect(lines()).toEqual([
      expect.objectContaining({ msg: 'automatic checkpoint failed', documentId, err: expect.anything() }),
    ]);
    const doc = await edit(1, ' [checkpointed]');
    expect((await automatic()).map((version) => version.fingerprint)).toEqual([fingerprintOf(doc)]);
  });
});

function never(): never {
  throw new Error('missing');
}
