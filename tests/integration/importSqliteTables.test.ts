/**
 * What `import-sqlite` reads of the SQLite file (importTables.ts) covers
 * every table and column of the current schema, so nothing is left behind;
 * a file with a table or column it does not know is refused. And the one
 * place values change type (`pgValue`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger';
import { openDatabase, type SqliteDatabase } from '../../server/src/store/database';
import { checkCoverage, ImportRefusedError, pgValue } from '../../server/src/store/postgres/importCopy';

describe('the tables import-sqlite copies', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'draftroom-import-tables-'));
    db = openDatabase(dir, { synchronous: 'NORMAL' }, createLogger('silent'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are every table and column of a database migrated to the current schema', () => {
    expect(() => checkCoverage(db)).not.toThrow();
  });

  it('refuse a file with a column or a table the import does not know (it would be lost)', () => {
    db.exec('ALTER TABLE comments ADD COLUMN reactions TEXT');
    expect(() => checkCoverage(db)).toThrow(/column comments\.reactions/);
    db.exec('CREATE TABLE reactions (id TEXT PRIMARY KEY)');
    expect(() => checkCoverage(db)).toThrow(/table reactions/);
  });
});

describe('converting a value for PostgreSQL', () => {
  const notes = () => ({ reformattedTimes: {} as Record<string, number> });

  it('keeps text, numbers, JSON text and bytes as they are; 0/1 become booleans', () => {
    const n = notes();
    expect(pgValue('text', 'Prague', 'x.t', n)).toBe('Prague');
    expect(pgValue('integer', 42, 'x.i', n)).toBe(42);
    expect(pgValue('json', '{"b":1,"a":2}', 'x.j', n)).toBe('{"b":1,"a":2}');
    expect(pgValue('bytes', Buffer.from([1, 2]), 'x.b', n)).toEqual(Buffer.from([1, 2]));
    expect(pgValue('boolean', 1, 'x.bo', n)).toBe(true);
    expect(pgValue('boolean', 0, 'x.bo', n)).toBe(false);
    expect(pgValue('time', null, 'x.t', n)).toBeNull();
    expect(() => pgValue('boolean', 2, 'users.is_admin', n)).toThrow(ImportRefusedError);
  });

  it('reads codes from a JSON array; times stay the same instant, and a reformatted one is counted', () => {
    const n = notes();
    expect(pgValue('codes', '["HU","ICMPD"]', 'comments.mentions', n)).toEqual(['HU', 'ICMPD']);
    expect(() => pgValue('codes', '{"HU":1}', 'comments.mentions', n)).toThrow(/comments\.mentions/);
    expect(() => pgValue('codes', 'not json', 'comments.mentions', n)).toThrow(ImportRefusedError);
    expect(pgValue('time', '2026-11-30T08:05:00.250Z', 'a.at', n)).toBe('2026-11-30T08:05:00.250Z');
    expect(n.reformattedTimes).toEqual({});
    expect(pgValue('time', '2026-11-30T08:05:00Z', 'a.at', n)).toBe('2026-11-30T08:05:00.000Z');
    expect(n.reformattedTimes).toEqual({ 'a.at': 1 });
    expect(() => pgValue('time', 'yesterday', 'a.at', n)).toThrow(/a\.at: "yesterday" is not a time/);
  });
});
