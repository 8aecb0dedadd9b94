/**
 * WAL checkpoints off the event loop (server/src/store/walCheckpointer.ts):
 * the server's connection never checkpoints inside a commit, a worker thread
 * does, the WAL stays bounded (also when a reader pins it for a while), a
 * failing worker hands checkpoints back to SQLite, and closing the database
 * ends the worker. Real SQLite files, real worker threads.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../../server/src/logger';
import { databasePath, openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { type WalCheckpointOptions, walCheckpointerOf } from '../../server/src/store/walCheckpointer';
import { Database } from '../support/storedDocument';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');
const author = { userId: 'u1', participantId: 'p1' };

interface Fixture {
  dir: string;
  db: SqliteDatabase;
  storage: SqliteDocumentStorage;
  /** One commit of one typed update (about 3 WAL pages). */
  type(): void;
}

/** Frames in the WAL now, read by a connection of its own (a PASSIVE checkpoint reports them). */
function walFrames(dir: string): number {
  const reader = new Database(databasePath(dir));
  try {
    const [result] = reader.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    return result?.log ?? 0;
  } finally {
    reader.close();
  }
}

describe('WAL checkpoints in a worker thread', () => {
  const opened: Fixture[] = [];
  afterEach(() => {
    for (const { db, dir } of opened.splice(0)) {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function open(walCheckpoints: WalCheckpointOptions): Fixture {
    const dir = mkdtempSync(join(tmpdir(), 'draftroom-wal-'));
    const db = openDatabase(dir, { synchronous: 'NORMAL', walCheckpoints }, logger);
    const now = new Date().toISOString();
    db.prepare("INSERT INTO processes (id, name, description, created_at) VALUES ('pr', 'P', '', ?)").run(
      now,
    );
    db.prepare(
      "INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES ('d1', 'pr', 'T', ?, ?)",
    ).run(now, now);
    const storage = new SqliteDocumentStorage(db);
    const doc = new Y.Doc();
    let last: Uint8Array = new Uint8Array();
    doc.on('update', (update: Uint8Array) => {
      last = update;
    });
    const type = () => {
      doc.getText('t').insert(doc.getText('t').length, 'The participating states agree. ');
      storage.appendBatch('d1', [{ updates: [last], author }]);
    };
    const fixture = { dir, db, storage, type };
    opened.push(fixture);
    return fixture;
  }

  it('never checkpoints inside a commit: a worker does, and the WAL starts over instead of growing', async () => {
    // No hard limit in reach: the WAL must start over by itself.
    const { db, dir, type } = open({ checkpointPages: 60, hardLimitPages: 100_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const checkpointer = walCheckpointerOf(db)!;
    let commits = 0;
    // As at light load: the checkpoint asked for after a commit runs before the next commit.
    for (let round = 1; round <= 10; round++) {
      while (checkpointer.requested < round) {
        type();
        commits++;
        // Never inside the commit's turn (between the commit and its broadcast): on the next one.
        expect(checkpointer.requested).toBe(round - 1);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await waitFor(() => checkpointer.completed >= round, { what: `checkpoint ${round}` });
    }
    expect(commits).toBeGreaterThan(100);
    expect(checkpointer.lastResult?.checkpointed).toBe(checkpointer.lastResult?.log);
    expect(checkpointer.lastResult?.log).toBeLessThan(100);
    expect(checkpointer.restarts).toBe(0);
    // After the last checkpoint the next commit started the WAL over.
    type();
    expect(walFrames(dir)).toBeLessThan(10);
  });

  it('checkpoints on the event loop once the WAL reaches the hard limit and no reader pins it any more', async () => {
    const { db, dir, type } = open({ checkpointPages: 20, hardLimitPages: 100 });
    const checkpointer = walCheckpointerOf(db)!;
    // A reader in a read transaction pins the WAL: no checkpoint can let it start over.
    const reader = new Database(databasePath(dir));
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM document_updates').get();
    let requested = 0;
    while (walFrames(dir) < 150) {
      for (let i = 0; i < 10; i++) type();
      requested++;
      await waitFor(() => checkpointer.completed >= requested, { what: 'a checkpoint while pinned' });
    }
    expect(checkpointer.restarts).toBe(0);
    reader.exec('COMMIT');
    reader.close();
    const completed = checkpointer.completed;
    type();
    for (let i = 0; i < 10; i++) type();
    await waitFor(() => checkpointer.completed > completed, { what: 'a checkpoint after the reader left' });
    expect(checkpointer.restarts).toBe(1);
    type();
    expect(walFrames(dir)).toBeLessThan(20);
  });

  it('gives checkpoints back to SQLite when the worker keeps failing', async () => {
    const { db, dir, type } = open({ checkpointPages: 10 });
    const checkpointer = walCheckpointerOf(db)!;
    // The worker opens the file by name: while it is elsewhere, every checkpoint fails.
    renameSync(databasePath(dir), `${databasePath(dir)}.away`);
    try {
      await waitFor(
        () => {
          for (let i = 0; i < 5; i++) type();
          return !checkpointer.active;
        },
        { what: 'the fallback' },
      );
    } finally {
      renameSync(`${databasePath(dir)}.away`, databasePath(dir));
    }
    expect(checkpointer.completed).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('ends the worker when the database closes', async () => {
    const { db, type } = open({ checkpointPages: 10 });
    const checkpointer = walCheckpointerOf(db)!;
    for (let i = 0; i < 10; i++) type();
    await waitFor(() => checkpointer.completed >= 1, { what: 'a checkpoint' });
    expect(checkpointer.active).toBe(true);
    db.close();
    expect(checkpointer.active).toBe(false);
  });
});
