/**
 * Issue 15: the durability suite's kill -9 cycles (tests/durability/
 * crashCycles.ts) with the documents' text in PostgreSQL (DATABASE_URL, a
 * durable cluster of this file's own: fsync on). Right after each kill the
 * text PostgreSQL holds must contain every token any client had received,
 * exactly once, and its update ids must run without a gap up to the head.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { docFromStoredState } from '../../server/src/collab/documentStorage';
import { PgDocumentStorage } from '../../server/src/store/postgres/pgDocumentStorage';
import { expectCrashCyclesHeld, runCrashCycles } from '../durability/crashCycles';
import { modelTextString } from '../support/modelText';
import { type PostgresServer, startPostgres } from '../support/services/postgres';

let postgres: PostgresServer;
let pool: pg.Pool;
let databaseUrl: string;

beforeAll(async () => {
  postgres = await startPostgres({ durable: true });
  databaseUrl = await postgres.createDatabase('crash_cycles');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await postgres?.stop();
});

/**
 * `ok` when the document's rows are sound: the head names the newest update,
 * and the updates after the compacted state run one by one up to it.
 */
async function integrityOf(documentId: string): Promise<string> {
  const head = await pool.query<{ last: string }>(
    'SELECT last_update_id AS last FROM document_heads WHERE document_id = $1',
    [documentId],
  );
  const state = await pool.query<{ last: string }>(
    'SELECT last_update_id AS last FROM document_states WHERE document_id = $1',
    [documentId],
  );
  const ids = await pool.query<{ id: string }>(
    'SELECT id FROM document_updates WHERE document_id = $1 ORDER BY id',
    [documentId],
  );
  const headId = Number(head.rows[0]?.last ?? -1);
  const from = Number(state.rows[0]?.last ?? 0);
  const after = ids.rows.map((row) => Number(row.id)).filter((id) => id > from);
  const expected = Array.from({ length: headId - from }, (_, n) => from + n + 1);
  if (headId < 0) return 'no head row';
  return after.join(',') === expected.join(',')
    ? 'ok'
    : `head ${headId}, state at ${from}, updates after it ${after.join(',')}`;
}

describe('kill -9 mid-edit with the text in PostgreSQL', () => {
  it('keeps every token a client received or typed, exactly once, over 10 SIGKILL restarts', async () => {
    const storage = new PgDocumentStorage(pool);
    const report = await runCrashCycles({
      cycles: 10,
      clients: 6,
      seed: Date.now() % 100_000,
      serverEnv: { DATABASE_URL: databaseUrl, AUDIT_KEY: 'k'.repeat(44) },
      readStored: async (_server, documentId) => {
        const doc = docFromStoredState(await storage.load(documentId));
        const text = modelTextString(doc);
        doc.destroy();
        return { text, integrity: await integrityOf(documentId) };
      },
    });

    expectCrashCyclesHeld(report, 100);
  });
});
