import type { ClientIdClaims } from '../collab/clientIdOwners';
import type {
  AuthoredUpdates,
  StoredDocumentState,
  SyncDocumentStorage,
  UpdateAuthor,
} from '../collab/documentStorage';
import { StorageWriteError } from '../errors';
import { ClientIdTable } from './clientIdTable';
import { notePagesWritten, nowIso, releaseFreePages, type SqliteDatabase } from './database';
import { packState, unpackState } from './stateEncoding';

interface UpdateRow {
  id: number;
  update_bytes: Buffer;
}

/** SQLite's page size (bytes) as the server creates its database. */
const PAGE_BYTES = 4096;
/** Pages a commit of update rows writes besides their bytes: table leaf, index leaf, `sqlite_sequence`. */
const PAGES_PER_COMMIT = 3;
/** Deleted update rows per page they touch (table and index), for the WAL estimate of a compaction. */
const DELETED_ROWS_PER_PAGE = 16;

/** About how many pages a commit of `batch` writes to the WAL (for the checkpointer, walCheckpointer.ts). */
function pagesWritten(batch: readonly AuthoredUpdates[]): number {
  let bytes = 0;
  let clauseEdits = false;
  for (const { updates, author } of batch) {
    for (const update of updates) bytes += update.byteLength;
    clauseEdits ||= (author.touchedClauses?.length ?? 0) > 0;
  }
  return PAGES_PER_COMMIT + (clauseEdits ? 2 : 0) + Math.ceil(bytes / PAGE_BYTES);
}

/** Document states in SQLite: `document_states` (compacted) + `document_updates` (appended). */
export class SqliteDocumentStorage implements SyncDocumentStorage {
  private readonly selectState;
  private readonly selectUpdates;
  private readonly insertUpdate;
  private readonly upsertState;
  private readonly deleteUpdatesUpTo;
  private readonly countUpdatesStatement;
  private readonly settleUpdatedAt;
  private readonly insertClauseEdit;
  private readonly appendRows;
  private readonly clientIds: ClientIdTable;

  constructor(private readonly db: SqliteDatabase) {
    this.clientIds = new ClientIdTable(db);
    this.selectState = db.prepare<
      [string],
      { state: Buffer; state_encoding: string; last_update_id: number }
    >('SELECT state, state_encoding, last_update_id FROM document_states WHERE document_id = ?');
    this.selectUpdates = db.prepare<[string, number], UpdateRow>(
      'SELECT id, update_bytes FROM document_updates WHERE document_id = ? AND id > ? ORDER BY id',
    );
    this.insertUpdate = db.prepare(
      `INSERT INTO document_updates (document_id, update_bytes, user_id, participant_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.upsertState = db.prepare(
      `INSERT INTO document_states (document_id, state, state_encoding, last_update_id, compacted_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (document_id) DO UPDATE SET state = excluded.state, state_encoding = excluded.state_encoding,
         last_update_id = excluded.last_update_id, compacted_at = excluded.compacted_at`,
    );
    this.deleteUpdatesUpTo = db.prepare('DELETE FROM document_updates WHERE document_id = ? AND id <= ?');
    this.countUpdatesStatement = db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM document_updates WHERE document_id = ?',
    );
    // `documents.updated_at` is the time of the newest edit folded into the state; newer edits are the
    // appended rows' `created_at` (DocumentRepository reads the newer of the two): a commit writes no row of `documents`.
    this.settleUpdatedAt = db.prepare<{ documentId: string; upTo: number }>(
      `UPDATE documents SET updated_at = max(updated_at, coalesce((SELECT created_at FROM document_updates
         WHERE document_id = @documentId AND id <= @upTo ORDER BY id DESC LIMIT 1), updated_at))
       WHERE id = @documentId`,
    );
    this.insertClauseEdit = db.prepare(
      `INSERT INTO clause_edits (document_id, update_id, clause_id, participant_id, user_id, edited_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.appendRows = this.buildAppendRows(db);
  }

  /**
   * One commit: `alongside` (if any), the client ids the batch is the first
   * to use, the batch's rows and their clause edits. Built once: better-sqlite3 builds four wrapper functions for every
   * `db.transaction`, a quarter of a light-load commit's JavaScript time when
   * it was built per commit (issue 16).
   */
  private buildAppendRows(db: SqliteDatabase) {
    return db.transaction(
      (
        documentId: string,
        batch: readonly AuthoredUpdates[],
        createdAt: string,
        alongside?: () => void,
        clientIds?: ClientIdClaims,
      ) => {
        alongside?.();
        if (clientIds) this.clientIds.record(documentId, clientIds, createdAt);
        let lastId = 0;
        for (const { updates, author } of batch) {
          for (const update of updates) {
            const result = this.insertUpdate.run(
              documentId,
              Buffer.from(update.buffer, update.byteOffset, update.byteLength),
              author.userId,
              author.participantId,
              createdAt,
            );
            lastId = Number(result.lastInsertRowid);
          }
          for (const clauseId of author.touchedClauses ?? []) {
            this.insertClauseEdit.run(
              documentId,
              lastId,
              clauseId,
              author.participantId,
              author.userId,
              createdAt,
            );
          }
        }
        return lastId;
      },
    );
  }

  load(documentId: string): StoredDocumentState {
    const stateRow = this.selectState.get(documentId);
    const compactedUpTo = stateRow?.last_update_id ?? 0;
    const rows = this.selectUpdates.all(documentId, compactedUpTo);
    return {
      state: stateRow ? unpackState(stateRow.state, stateRow.state_encoding) : null,
      updates: rows.map((row) => new Uint8Array(row.update_bytes)),
      lastUpdateId: rows.at(-1)?.id ?? compactedUpTo,
    };
  }

  loadClientIds(documentId: string): ClientIdClaims {
    return this.clientIds.owners(documentId);
  }

  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: () => void,
    clientIds?: ClientIdClaims,
  ): number {
    return this.append(documentId, [{ updates, author }], alongside, clientIds);
  }

  appendBatch(documentId: string, batch: readonly AuthoredUpdates[], clientIds?: ClientIdClaims): number {
    return this.append(documentId, batch, undefined, clientIds);
  }

  /**
   * One commit: the batch's rows, their clause edits, the client ids they
   * first use, and `alongside` (whose own error is rethrown as it is).
   */
  private append(
    documentId: string,
    batch: readonly AuthoredUpdates[],
    alongside?: () => void,
    clientIds?: ClientIdClaims,
  ): number {
    let alongsideFailure: { error: unknown } | null = null;
    const guarded =
      alongside &&
      (() => {
        try {
          alongside();
        } catch (error) {
          alongsideFailure = { error };
          throw error;
        }
      });
    try {
      const lastId = this.appendRows(documentId, batch, nowIso(), guarded, clientIds);
      notePagesWritten(this.db, pagesWritten(batch));
      return lastId;
    } catch (error) {
      const failure = alongsideFailure as { error: unknown } | null;
      if (failure) throw failure.error;
      throw new StorageWriteError(`could not append to document ${documentId}`, error);
    }
  }

  /**
   * Replaces the state and the updates up to `upToUpdateId` by `state`, in
   * one commit; the document's `updated_at` takes the time of the newest
   * update folded in.
   */
  compact(documentId: string, state: Uint8Array, upToUpdateId: number): void {
    const packed = packState(state, 1);
    const replace = this.db.transaction(() => {
      this.upsertState.run(documentId, packed.bytes, packed.encoding, upToUpdateId, nowIso());
      this.settleUpdatedAt.run({ documentId, upTo: upToUpdateId });
      return this.deleteUpdatesUpTo.run(documentId, upToUpdateId).changes;
    });
    try {
      const deleted = replace();
      notePagesWritten(
        this.db,
        PAGES_PER_COMMIT +
          Math.ceil(packed.bytes.byteLength / PAGE_BYTES) +
          Math.ceil(deleted / DELETED_ROWS_PER_PAGE),
      );
      releaseFreePages(this.db);
    } catch (error) {
      throw new StorageWriteError(`could not compact document ${documentId}`, error);
    }
  }

  countUpdates(documentId: string): number {
    return this.countUpdatesStatement.get(documentId)?.n ?? 0;
  }
}
