import { type ClientIdClaims, UNKNOWN_CLIENT_OWNER } from '../collab/clientIdOwners';
import { StorageWriteError } from '../errors';
import type { SqliteDatabase } from './database';

/**
 * document_client_ids: the owner of each Yjs client id that has content in a
 * document (a user id, SERVER_CLIENT_OWNER or UNKNOWN_CLIENT_OWNER), with
 * when it was first seen. Rows are never removed, except with their document.
 */
export class ClientIdTable {
  private readonly selectOwners;
  private readonly selectOwner;
  private readonly upsert;

  constructor(db: SqliteDatabase) {
    this.selectOwners = db.prepare<[string], { client_id: number; user_id: string }>(
      'SELECT client_id, user_id FROM document_client_ids WHERE document_id = ?',
    );
    this.selectOwner = db.prepare<[string, number], { user_id: string }>(
      'SELECT user_id FROM document_client_ids WHERE document_id = ? AND client_id = ?',
    );
    // An id held by the reserved 'unknown' owner passes to whoever claims it; any other owner keeps it.
    this.upsert = db.prepare<[string, number, string, string]>(
      `INSERT INTO document_client_ids (document_id, client_id, user_id, first_seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (document_id, client_id) DO UPDATE SET user_id = excluded.user_id,
         first_seen_at = excluded.first_seen_at
       WHERE document_client_ids.user_id = '${UNKNOWN_CLIENT_OWNER}'`,
    );
  }

  /** The owners of a document's client ids (empty for an unknown document). */
  owners(documentId: string): Map<number, string> {
    const owners = new Map<number, string>();
    for (const row of this.selectOwners.all(documentId)) owners.set(row.client_id, row.user_id);
    return owners;
  }

  /**
   * Records `claims` (client id → owner, first seen at `at`, ISO 8601), inside
   * the caller's transaction. An id already its claimant's stays as it is;
   * one of UNKNOWN_CLIENT_OWNER passes to the claimant. Throws
   * StorageWriteError when an id belongs to someone else (the caller's
   * transaction then stores nothing).
   */
  record(documentId: string, claims: ClientIdClaims, at: string): void {
    for (const [clientId, owner] of claims) {
      if (this.upsert.run(documentId, clientId, owner, at).changes > 0) continue;
      const current = this.selectOwner.get(documentId, clientId)?.user_id;
      if (current !== owner) {
        throw new StorageWriteError(
          `client id ${clientId} of document ${documentId} has another owner`,
          null,
        );
      }
    }
  }
}
