import pg from 'pg';
import { docFromStoredState } from '../../../server/src/collab/documentStorage';
import { readClauses } from '../../../server/src/content/outline';
import { PgDocumentStorage } from '../../../server/src/store/postgres/pgDocumentStorage';
import type { TestServer } from '../testServer';

/** The seeded Action Plan of a server in production mode: its id, and its clause ids in document order. */
export interface SeededPlan {
  documentId: string;
  clauseIds: string[];
}

/**
 * Finds the demo's Action Plan through `server`'s record stores and reads its
 * clause ids from the text PostgreSQL (`databaseUrl`) stores. Throws when the
 * demo is not seeded.
 */
export async function seededPlan(server: TestServer, databaseUrl: string): Promise<SeededPlan> {
  const plan = (await server.server.records.documents.listAll()).find((document) =>
    document.title.startsWith('Action Plan'),
  );
  if (!plan) throw new Error('no seeded Action Plan');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const doc = docFromStoredState(await new PgDocumentStorage(pool).load(plan.id));
    const clauseIds = readClauses(doc).map((clause) => clause.id);
    doc.destroy();
    return { documentId: plan.id, clauseIds };
  } finally {
    await pool.end();
  }
}
