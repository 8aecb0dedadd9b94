/**
 * Recognizes the database errors a repository's caller may answer (a 409 for
 * a taken code or address, a 400 for an unknown reference), whichever store
 * raised them: SQLite (better-sqlite3's `SqliteError.code`) or PostgreSQL
 * (node-postgres' `DatabaseError.code`, the SQLSTATE).
 */

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** A row with the same unique key (or primary key) exists: SQLite's UNIQUE/PRIMARYKEY constraint, PostgreSQL's 23505. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** A referenced row does not exist: SQLite's FOREIGNKEY constraint, PostgreSQL's 23503. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
