/**
 * Copying the tables of importTables.ts from the SQLite file into
 * PostgreSQL: the values converted by their column's kind (`pgValue`, the one
 * place SQLite's types become PostgreSQL's), a batch of rows per statement.
 */
import type { SqliteDatabase } from '../database';
import { type ColumnKind, TABLES, type TableCopy } from './importTables';
import type { Queryable } from './queryable';

/** The cast each kind's parameter gets in the INSERT. */
const CASTS: Readonly<Record<ColumnKind, string>> = {
  text: '',
  integer: '::bigint',
  boolean: '::boolean',
  time: '::timestamptz',
  json: '::json',
  jsonb: '::jsonb',
  codes: '::text[]',
  bytes: '::bytea',
};

/** A row or file the import will not write, with what is wrong. */
export class ImportRefusedError extends Error {}

/** What converting a table's values changed, for the report. */
export interface ConversionNotes {
  /** Times whose text PostgreSQL gives back differently (same instant, e.g. milliseconds added), by column. */
  reformattedTimes: Record<string, number>;
}

/**
 * The PostgreSQL value of SQLite `value` in a column of `kind` (see ColumnKind).
 * @throws ImportRefusedError naming `where` when the value does not fit (a time that is no time,
 *   a boolean other than 0/1, codes that are not a JSON array of strings)
 */
export function pgValue(kind: ColumnKind, value: unknown, where: string, notes: ConversionNotes): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      if (value !== 0 && value !== 1)
        throw new ImportRefusedError(`${where}: ${String(value)} is not 0 or 1`);
      return value === 1;
    case 'time': {
      const instant = new Date(String(value));
      if (Number.isNaN(instant.getTime())) throw new ImportRefusedError(`${where}: "${value}" is not a time`);
      const iso = instant.toISOString();
      if (iso !== value) notes.reformattedTimes[where] = (notes.reformattedTimes[where] ?? 0) + 1;
      return iso;
    }
    case 'codes': {
      let codes: unknown;
      try {
        codes = JSON.parse(String(value));
      } catch {
        codes = undefined;
      }
      if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string'))
        throw new ImportRefusedError(`${where}: ${String(value)} is not a list of codes`);
      return codes;
    }
    default:
      return value;
  }
}

/**
 * Refuses a SQLite file whose tables or columns are not exactly those of TABLES (a column the
 * import does not know would be lost). @throws ImportRefusedError naming them
 */
export function checkCoverage(source: SqliteDatabase): void {
  const tables = source
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => row.name);
  const problems: string[] = [];
  for (const table of tables) {
    const copy = TABLES.find((candidate) => candidate.table === table);
    if (!copy) {
      problems.push(`table ${table}`);
      continue;
    }
    const columns = source.pragma(`table_info(${table})`) as { name: string }[];
    for (const { name } of columns) if (!(name in copy.columns)) problems.push(`column ${table}.${name}`);
    for (const name of Object.keys(copy.columns))
      if (!columns.some((column) => column.name === name)) problems.push(`missing column ${table}.${name}`);
  }
  for (const { table } of TABLES) if (!tables.includes(table)) problems.push(`missing table ${table}`);
  if (problems.length > 0)
    throw new ImportRefusedError(
      `the SQLite file does not have the schema the import knows: ${problems.join(', ')}`,
    );
}

/** Rows per INSERT statement, and the bytes of BLOBs after which a batch is sent early. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Copies every row of `copy.table` from `source` into PostgreSQL (`target`, the import's
 * transaction), in `copy.order`, a batch of rows per statement; resolves with the rows copied.
 * @throws ImportRefusedError for a value that does not fit; the database's error for a row it refuses
 */
export async function copyTable(
  source: SqliteDatabase,
  target: Queryable,
  copy: TableCopy,
  notes: ConversionNotes,
): Promise<number> {
  const names = Object.keys(copy.columns);
  const selected = names.map((name) => (copy.read?.[name] ? `${copy.read[name]} AS ${name}` : name));
  const statement = source.prepare(`SELECT ${selected.join(', ')} FROM ${copy.table} ORDER BY ${copy.order}`);
  const kinds = names.map((name) => copy.columns[name] as ColumnKind);
  const insert = `INSERT INTO ${copy.table} (${names.join(', ')})${copy.identity ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  let batch: unknown[][] = [];
  let bytes = 0;
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const tuples = batch.map(
      (_, row) =>
        `(${kinds.map((kind, column) => `$${row * kinds.length + column + 1}${CASTS[kind]}`).join(', ')})`,
    );
    await target.query(insert + tuples.join(', '), batch.flat());
    copied += batch.length;
    batch = [];
    bytes = 0;
  };
  // Read a batch at a time, sent before the next is read: the statement's rows are not all held at once.
  for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
    const values = names.map((name, column) =>
      pgValue(kinds[column] as ColumnKind, row[name], `${copy.table}.${name}`, notes),
    );
    for (const value of values) if (Buffer.isBuffer(value)) bytes += value.byteLength;
    batch.push(values);
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return copied;
}
