/**
 * SQL that reads a `timestamptz` column as the text the SQLite store keeps
 * (`nowIso()`: ISO 8601 in UTC with milliseconds and `Z`, e.g.
 * `2026-11-30T08:05:00.250Z`); microseconds are truncated, as a JavaScript
 * Date would. `column` is an SQL expression, never user input.
 */
export function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
