import type {
  AuthoredUpdates,
  DocumentStorage,
  StoredDocumentState,
  UpdateAuthor,
} from '../collab/documentStorage';
import { StorageWriteError } from '../errors';
import { nowIso, releaseFreePages, type SqliteDatabase } from './database';
import { packState, unpackState } from './stateEncoding';

interface UpdateRow {
  id: number;
  update_bytes: Buffer;
}

/** Document states in SQLite: `document_states` (compacted) + `document_updates` (appended). */
export class SqliteDocumentStorage implements DocumentStorage {
  private readonly selectState;
  private readonly selectUpdates;
  private readonly insertUpdate;
  private readonly upsertState;
  private readonly deleteUpdatesUpTo;
  private readonly countUpdatesStatement;
  private readonly touchDocument;
  private readonly insertClauseEdit;
  private readonly appendRows;

  constructor(private readonly db: SqliteDatabase) {
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
    this.touchDocument = db.prepare('UPDATE documents SET updated_at = ? WHERE id = ?');
    this.insertClauseEdit = db.prepare(
      `INSERT INTO clause_edits (document_id, update_id, clause_id, participant_id, user_id, edited_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.appendRows = this.buildAppendRows(db);
  }

  /**
   * One commit: `alongside` (if any), the batch's rows and their clause
   * edits. Built once: better-sqlite3 builds four wrapper functions for every
   * `db.transaction`, a quarter of a light-load commit's JavaScript time when
   * it was built per commit (issue 16).
   */
  private buildAppendRows(db: SqliteDatabase) {
    return db.transaction(
      (documentId: string, batch: readonly AuthoredUpdates[], createdAt: string, alongside?: () => void) => {
        alongside?.();
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
        this.touchDocument.run(createdAt, documentId);
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

  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: () => void,
  ): number {
    return this.append(documentId, [{ updates, author }], alongside);
  }

  appendBatch(documentId: string, batch: readonly AuthoredUpdates[]): number {
    return this.append(documentId, batch);
  }

  /** One commit: the batch's rows, their clause edits, and `alongside` (whose own error is rethrown as it is). */
  private append(documentId: string, batch: readonly AuthoredUpdates[], alongside?: () => void): number {
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
      return this.appendRows(documentId, batch, nowIso(), guarded);
    } catch (error) {
      const failure = alongsideFailure as { error: unknown } | null;
      if (failure) throw failure.error;
      throw new StorageWriteError(`could not append to document ${documentId}`, error);
    }
  }

  compact(documentId: string, state: Uint8Array, upToUpdateId: number): void {
    const packed = packState(state, 1);
    const replace = this.db.transaction(() => {
      this.upsertState.run(documentId, packed.bytes, packed.encoding, upToUpdateId, nowIso());
      this.deleteUpdatesUpTo.run(documentId, upToUpdateId);
    });
    try {
      replace();
      releaseFreePages(this.db);
    } catch (error) {
      throw new StorageWriteError(`could not compact document ${documentId}`, error);
    }
  }

  countUpdates(documentId: string): number {
    return this.countUpdatesStatement.get(documentId)?.n ?? 0;
  }
}
