import { contentClientIdsOf, UNKNOWN_CLIENT_OWNER } from '../collab/clientIdOwners';
import type { Logger } from '../logger';
import { ClientIdTable } from './clientIdTable';
import type { SqliteDatabase } from './database';
import { unpackState } from './stateEncoding';

interface Owner {
  owner: string;
  at: string;
}

/**
 * Fills document_client_ids for the documents stored before it existed, as
 * far as their stored bytes tell (run once, inside the migration that creates
 * the table):
 * - an id written by an appended update whose author is recorded
 *   (document_updates.user_id) belongs to the author of the oldest such update
 *   — the server's own changes were stored under the person who made them
 *   (restore, accept, bracket), so their ids go to that person, who never
 *   writes under them again;
 * - an id found only in the compacted state, or only in updates without an
 *   author, belongs to UNKNOWN_CLIENT_OWNER: compaction dropped the updates
 *   that named its author. The first person to write under it after the
 *   upgrade takes it (see UNKNOWN_CLIENT_OWNER).
 * A stored update Yjs cannot decode names no id (logged): the document holds
 * nothing from it that a client could extend. Cost: one decode of every
 * stored update and state.
 */
export function backfillClientIds(db: SqliteDatabase, logger: Logger): void {
  const table = new ClientIdTable(db);
  const documents = db.prepare<[], { id: string }>('SELECT id FROM documents ORDER BY id').all();
  let known = 0;
  let unknown = 0;
  for (const { id } of documents) {
    const owners = ownersOf(db, id, logger);
    const byTime = new Map<string, Map<number, string>>();
    for (const [clientId, { owner, at }] of owners) {
      if (owner === UNKNOWN_CLIENT_OWNER) unknown++;
      else known++;
      // Grouped by first-seen time, so each group is one `record` call with one timestamp.
      let group = byTime.get(at);
      if (!group) {
        group = new Map();
        byTime.set(at, group);
      }
      group.set(clientId, owner);
    }
    for (const [at, claims] of byTime) table.record(id, claims, at);
  }
  logger.info(
    { documents: documents.length, known, unknown },
    'recorded the owners of stored Yjs client ids',
  );
}

/** Each client id of one document's stored content, with its owner and when it was first stored. */
function ownersOf(db: SqliteDatabase, documentId: string, logger: Logger): Map<number, Owner> {
  const owners = new Map<number, Owner>();
  const rows = db
    .prepare<[string], { id: number; update_bytes: Buffer; user_id: string | null; created_at: string }>(
      'SELECT id, update_bytes, user_id, created_at FROM document_updates WHERE document_id = ? ORDER BY id',
    )
    .all(documentId);
  for (const row of rows) {
    for (const clientId of clientIdsOf(new Uint8Array(row.update_bytes), logger, documentId, row.id)) {
      const current = owners.get(clientId);
      if (current && (current.owner !== UNKNOWN_CLIENT_OWNER || row.user_id === null)) continue;
      owners.set(clientId, { owner: row.user_id ?? UNKNOWN_CLIENT_OWNER, at: row.created_at });
    }
  }
  const state = db
    .prepare<[string], { state: Buffer; state_encoding: string; compacted_at: string }>(
      'SELECT state, state_encoding, compacted_at FROM document_states WHERE document_id = ?',
    )
    .get(documentId);
  if (state) {
    const bytes = unpackState(state.state, state.state_encoding);
    for (const clientId of clientIdsOf(bytes, logger, documentId, 0)) {
      if (!owners.has(clientId))
        owners.set(clientId, { owner: UNKNOWN_CLIENT_OWNER, at: state.compacted_at });
    }
  }
  return owners;
}

function clientIdsOf(update: Uint8Array, logger: Logger, documentId: string, updateId: number): Set<number> {
  try {
    return contentClientIdsOf(update);
  } catch (error) {
    logger.warn(
      { err: error, documentId, updateId },
      'a stored update could not be decoded; no client id read',
    );
    return new Set();
  }
}
