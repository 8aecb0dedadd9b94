/**
 * `pnpm admin import-sqlite --from <DATA_DIR>`: moves everything the
 * embedded server kept in its SQLite file (`DATA_DIR/draftroom.db`) into an
 * empty PostgreSQL database, verbatim — the same ids, numbers (update ids,
 * event numbers, amendment numbers, status and position ids, audit entry
 * ids), times, Yjs states and updates, client id owners and clause edits —
 * in ONE transaction: either all of it is there, or nothing is written.
 * The tables and the conversion of their values: importTables.ts and
 * importCopy.ts; PostgreSQL's counters: importCounters.ts; the audit chain
 * (verified with the servers' key, then anchored): audit/importedChain.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Pool } from 'pg';
import type { AuditSchema, ChainHead } from '../../audit/auditCheckpoints';
import type { AuditVerification } from '../../audit/auditVerifier';
import {
  anchorImportedChain,
  type ImportedChain,
  importedChainRefusal,
  verifyImportedChain,
} from '../../audit/importedChain';
import type { Logger } from '../../logger';
import { databasePath, type SqliteDatabase } from '../database';
import { migrations } from '../migrations';
import { type ConversionNotes, checkCoverage, copyTable, ImportRefusedError } from './importCopy';
import { type DerivedCounter, deriveCounters } from './importCounters';
import { TABLES, UNKNOWN_UPDATE_AUTHOR } from './importTables';
import { PgAuditRepository, pgAuditSchema } from './pgAuditRepository';
import { inTransaction, type Queryable } from './queryable';

export { ImportRefusedError } from './importCopy';

export interface ImportSqliteOptions {
  /** The embedded server's DATA_DIR (its `draftroom.db` is opened read-only). */
  from: string;
  /** The embedded server's anchor file (default `<from>/audit-anchors.jsonl`). */
  anchorFrom?: string | undefined;
  /** The audit key of the PostgreSQL servers (`AUDIT_KEY`): the embedded chain must verify with it. */
  key: Buffer;
  /** The PostgreSQL servers' anchor file (`AUDIT_ANCHOR_FILE`, else their `DATA_DIR/audit-anchors.jsonl`). */
  anchorTo: string;
  /** Import an audit chain that does not verify, as it is (default: refuse). */
  acceptBrokenAudit?: boolean;
}

/** What was imported. */
export interface ImportReport {
  /** Rows copied, per table, in the order copied. */
  tables: { table: string; rows: number }[];
  /** PostgreSQL's heads, locks and sequences derived from them. */
  counters: DerivedCounter[];
  /** The audit chain as copied, verified with the key against the embedded anchor. */
  audit: AuditVerification;
  /** The head anchored in the servers' anchor file (undefined: empty log, or the anchor could not be written). */
  anchored: ChainHead | undefined;
  /** Values PostgreSQL holds differently from SQLite (see importTables.ts), in words. */
  notes: string[];
}

/**
 * Opens the embedded database read-only and refuses it unless it is at the current schema version
 * with exactly the tables and columns the import knows. @throws ImportRefusedError
 */
function openSource(from: string): SqliteDatabase {
  const path = databasePath(from);
  if (!existsSync(path))
    throw new ImportRefusedError(
      `no ${path}: --from is the DATA_DIR of the embedded server (its draftroom.db)`,
    );
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== migrations.length) {
      throw new ImportRefusedError(
        version < migrations.length
          ? `${path} has schema version ${version}, not ${migrations.length}: start the embedded server of this Draftroom version on it once (it upgrades the file), stop it, then import`
          : `${path} has schema version ${version}, newer than this Draftroom's ${migrations.length}: import with the version that wrote it`,
      );
    }
    checkCoverage(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Every table the import writes, PostgreSQL's derived ones included (importCounters.ts). */
export const TARGET_TABLES: readonly string[] = [
  ...TABLES.map((copy) => copy.table),
  'document_heads',
  'clause_locks',
  'document_event_heads',
  'amendment_numbers',
];

/**
 * Locks every table the import writes against other writers until the import's transaction ends
 * (instances may run; reads go on), then refuses unless every one is empty.
 * @throws ImportRefusedError naming the tables that hold rows
 */
async function lockEmptyTarget(target: Queryable): Promise<void> {
  await target.query(`LOCK TABLE ${TARGET_TABLES.join(', ')} IN EXCLUSIVE MODE`);
  const counts = await target.query<Record<string, string>>(
    `SELECT ${TARGET_TABLES.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`).join(', ')}`,
  );
  const held = Object.entries(counts.rows[0] ?? {}).filter(([, rows]) => Number(rows) > 0);
  if (held.length > 0) {
    throw new ImportRefusedError(
      `the PostgreSQL database is not empty (${held.map(([table, rows]) => `${table}: ${rows}`).join(', ')}): import-sqlite only fills a new, empty database`,
    );
  }
}

/** What the SQLite file holds that PostgreSQL cannot hold as it is, in words (see importTables.ts). */
function sourceNotes(source: SqliteDatabase): string[] {
  const count = (sql: string) => (source.prepare<[], { n: number }>(sql).get()?.n ?? 0) as number;
  const notes: string[] = [];
  const anonymous = count(
    'SELECT count(*) AS n FROM document_updates WHERE user_id IS NULL OR participant_id IS NULL',
  );
  if (anonymous > 0)
    notes.push(`${anonymous} stored updates had no author: stored with user "${UNKNOWN_UPDATE_AUTHOR}"`);
  const undated = count(
    `SELECT count(*) AS n FROM clause_edits e WHERE e.edited_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM document_updates u WHERE u.id = e.update_id)`,
  );
  if (undated > 0)
    notes.push(
      `${undated} clause edits from before edits kept their time (their updates compacted): dated with their document's last change`,
    );
  return notes;
}

function conversionNotes(conversions: ConversionNotes): string[] {
  return Object.entries(conversions.reformattedTimes).map(
    ([column, n]) =>
      `${n} times in ${column} are given back in ISO 8601 with milliseconds (the same instants)`,
  );
}

/** SQLite's `sqlite_sequence`: the largest id each AUTOINCREMENT table ever gave, by table. */
function issuedIds(source: SqliteDatabase): Record<string, number> {
  const rows = source
    .prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence')
    .all();
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.seq)]));
}

/**
 * Copies the embedded store of `options.from` into the empty PostgreSQL database of `pool` (its
 * schema migrated), in one transaction; then anchors the imported audit chain in
 * `options.anchorTo`. Nothing is written when it is refused or fails.
 * @throws ImportRefusedError when the file is missing or of another schema version, PostgreSQL
 *   holds data, a value does not fit, or the audit chain does not verify with `options.key`
 *   (unless `acceptBrokenAudit`); the database's error when a statement fails
 */
export async function importSqlite(
  pool: Pool,
  options: ImportSqliteOptions,
  logger: Logger,
): Promise<ImportReport> {
  const anchorFrom = options.anchorFrom ?? join(options.from, 'audit-anchors.jsonl');
  const source = openSource(options.from);
  const conversions: ConversionNotes = { reformattedTimes: {} };
  let copied: Pick<ImportReport, 'tables' | 'counters'> & { chain: ImportedChain };
  let notes: string[];
  try {
    // One read transaction: every table from the same moment of the file.
    source.exec('BEGIN');
    notes = sourceNotes(source);
    const issued = issuedIds(source);
    copied = await inTransaction(pool, async (client) => {
      await lockEmptyTarget(client);
      const tables: ImportReport['tables'] = [];
      for (const copy of TABLES) {
        tables.push({ table: copy.table, rows: await copyTable(source, client, copy, conversions) });
      }
      const counters = await deriveCounters(client, issued);
      const chain = await verifyImportedChain(new PgAuditRepository(client), options.key, anchorFrom);
      if (!chain.verification.ok && chain.verification.entries > 0 && !options.acceptBrokenAudit) {
        throw new ImportRefusedError(
          importedChainRefusal(chain, options.key, options.from, anchorFrom, logger),
        );
      }
      return { tables, counters, chain };
    });
  } finally {
    source.close();
  }
  const schema: AuditSchema = await pgAuditSchema(pool);
  const anchored = await anchorImportedChain(
    new PgAuditRepository(pool),
    schema,
    options.key,
    options.anchorTo,
    copied.chain.anchor,
    `imported from the embedded store ${databasePath(options.from)}`,
    logger,
  );
  return {
    tables: copied.tables,
    counters: copied.counters,
    audit: copied.chain.verification,
    anchored,
    notes: [...notes, ...conversionNotes(conversions)],
  };
}

/** The report's lines on the audit chain: how it verified, where it was anchored. */
function auditLines(report: ImportReport, options: ImportSqliteOptions): string[] {
  const { audit, anchored } = report;
  if (audit.entries === 0) return ['audit log: empty (the servers start it anew)'];
  const checkpoint = audit.checkpoint ? ` (embedded checkpoint: entry ${audit.checkpoint.seq})` : '';
  return [
    audit.ok
      ? `audit log: ${audit.entries} entries, verified with AUDIT_KEY${checkpoint}`
      : `audit log: ${audit.entries} entries, imported as they are although they do not verify: entry ${audit.firstBrokenId}: ${audit.why}`,
    anchored
      ? `audit log anchored at entry ${anchored.seq} in ${options.anchorTo}; start every instance with this AUDIT_KEY`
      : `WARNING: the audit log could not be anchored in ${options.anchorTo}: run pnpm admin audit:reanchor --note "imported" with that anchor file`,
  ];
}

/** The report as the CLI prints it: rows per table, the counters, the audit chain, the notes. */
export function formatImportReport(report: ImportReport, options: ImportSqliteOptions): string {
  const width = Math.max(...report.tables.map((entry) => entry.table.length), 24);
  const lines = [`imported from ${databasePath(options.from)}:`];
  for (const { table, rows } of report.tables) lines.push(`  ${table.padEnd(width)} ${rows}`);
  lines.push('PostgreSQL counters set past the imported numbers:');
  for (const { name, value, unit } of report.counters)
    lines.push(`  ${name.padEnd(width)} ${unit === 'rows' ? `${value} rows` : `next after ${value}`}`);
  lines.push(...auditLines(report, options));
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
