import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../../server/src/logger';
import { databasePath, openDatabase } from '../../server/src/store/database';
import { migrations } from '../../server/src/store/migrations';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { packState, unpackState } from '../../server/src/store/stateEncoding';
import { Database } from '../support/storedDocument';
import { waitFor } from '../support/waitFor';

const logger = createLogger('silent');
const author = { userId: 'u1', participantId: 'p1' };

/** A document's text typed as `count` separate updates. */
function typedUpdates(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) text.insert(text.length, `Clause ${i}: the participating states agree. `);
  return { doc, updates };
}

/** A database as the server wrote it before stored states were compressed and pages released. */
function createLegacyDatabase(dataDir: string, state: Uint8Array): void {
  const db = new Database(databasePath(dataDir));
  db.pragma('journal_mode = WAL');
  for (const [index, migration] of migrations.slice(0, 4).entries()) {
    db.exec(migration);
    db.pragma(`user_version = ${index + 1}`);
  }
  const now = new Date().toISOString();
  db.prepare(
    "INSERT INTO participants (id, code, name, kind, color, created_at) VALUES ('p1', 'PL', 'Poland', 'state', '#c00', ?)",
  ).run(now);
  db.prepare(
    "INSERT INTO processes (id, name, description, created_at) VALUES ('pr', 'Prague Process', '', ?)",
  ).run(now);
  db.prepare(
    "INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES ('d1', 'pr', 'Action Plan', ?, ?)",
  ).run(now, now);
  db.prepare(
    "INSERT INTO document_states (document_id, state, last_update_id, compacted_at) VALUES ('d1', ?, 0, ?)",
  ).run(Buffer.from(state), now);
  db.close();
}

describe('stored states and free pages', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'draftroom-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('packs a state smaller and unpacks it byte for byte; raw rows pass through; unknown encodings are refused', () => {
    const state = Y.encodeStateAsUpdate(typedUpdates(200).doc);
    for (const level of [1, 6] as const) {
      const packed = packState(state, level);
      expect(packed.encoding).toBe('deflate');
      expect(packed.bytes.byteLength).toBeLessThan(state.byteLength / 2);
      expect(Buffer.from(unpackState(packed.bytes, packed.encoding)).equals(Buffer.from(state))).toBe(true);
    }
    expect(Buffer.from(unpackState(Buffer.from(state), 'raw')).equals(Buffer.from(state))).toBe(true);
    expect(() => unpackState(Buffer.from(state), 'zstd')).toThrow(/unknown state encoding/);
  });

  it('upgrades a database written before compression: raw states still load, new compactions are compressed', () => {
    const dir = tempDir();
    const { doc: original } = typedUpdates(20);
    createLegacyDatabase(dir, Y.encodeStateAsUpdate(original));
    const db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    try {
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
      const storage = new SqliteDocumentStorage(db);
      const textOf = () => {
        const doc = new Y.Doc();
        const stored = storage.load('d1');
        if (stored.state) Y.applyUpdate(doc, stored.state);
        for (const update of stored.updates) Y.applyUpdate(doc, update);
        return doc.getText('t').toString();
      };
      expect(textOf()).toBe(original.getText('t').toString());
      const more = new Y.Doc();
      Y.applyUpdate(more, Y.encodeStateAsUpdate(original));
      const updates: Uint8Array[] = [];
      more.on('update', (update: Uint8Array) => updates.push(update));
      more.getText('t').insert(0, 'Preamble. ');
      const upTo = storage.appendUpdates('d1', updates, author);
      storage.compact('d1', Y.encodeStateAsUpdate(more), upTo);
      const row = db.prepare("SELECT state_encoding FROM document_states WHERE document_id = 'd1'").get() as {
        state_encoding: string;
      };
      expect(row.state_encoding).toBe('deflate');
      expect(textOf()).toBe(more.getText('t').toString());
    } finally {
      db.close();
    }
  });

  it('gives the pages of compacted update rows back to the file system', async () => {
    const dir = tempDir();
    const db = openDatabase(dir, { synchronous: 'NORMAL' }, logger);
    try {
      const now = new Date().toISOString();
      db.prepare("INSERT INTO processes (id, name, description, created_at) VALUES ('pr', 'P', '', ?)").run(
        now,
      );
      db.prepare(
        "INSERT INTO documents (id, process_id, title, created_at, updated_at) VALUES ('d1', 'pr', 'T', ?, ?)",
      ).run(now, now);
      const storage = new SqliteDocumentStorage(db);
      const { doc, updates } = typedUpdates(5_000);
      let upTo = 0;
      for (let start = 0; start < updates.length; start += 1000) {
        upTo = storage.appendUpdates('d1', updates.slice(start, start + 1000), author);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pagesBefore = db.pragma('page_count', { simple: true }) as number;
      storage.compact('d1', Y.encodeStateAsUpdate(doc), upTo);
      await waitFor(() => db.pragma('freelist_count', { simple: true }) === 0, {
        what: 'free pages released',
      });
      const pagesAfter = db.pragma('page_count', { simple: true }) as number;
      expect(pagesAfter).toBeLessThan(pagesBefore / 2);
      db.pragma('wal_checkpoint(TRUNCATE)');
      expect(statSync(databasePath(dir)).size).toBe(pagesAfter * pageSize);
    } finally {
      db.close();
    }
  });
});
