import type { Pool, PoolClient } from 'pg';
import { type ClientIdClaims, UNKNOWN_CLIENT_OWNER } from '../../collab/clientIdOwners';
import type {
  AppendResult,
  AuthoredUpdates,
  DocumentStorage,
  RecordsAlongside,
  StoredDocumentState,
  UpdateAuthor,
} from '../../collab/documentStorage';
import { ClauseLockedError, ClientIdTakenError, StorageWriteError } from '../../errors';
import { postgresRecordStores } from '../recordStores';
import { packState, unpackState } from '../stateEncoding';
import { inTransaction, type Queryable } from './queryable';

interface StateRow {
  state: Buffer;
  state_encoding: string;
  last_update_id: string;
}

/** Where `alongside`'s own error is kept, so the commit's caller rethrows it as it is (not as a StorageWriteError). */
interface OwnError {
  error?: unknown;
}

/**
 * Runs `alongside` (if any) on the commit's client: the records it writes
 * join the transaction. Its error is kept in `own` and rethrown, which rolls
 * the transaction back.
 */
async function runAlongside(
  alongside: RecordsAlongside | undefined,
  client: Queryable,
  own: OwnError,
): Promise<void> {
  if (!alongside) return;
  try {
    await alongside(postgresRecordStores(client));
  } catch (error) {
    own.error = error;
    throw error;
  }
}

/**
 * Document states in PostgreSQL (schema: schema/documents.ts), written by any
 * number of server instances at once. A commit locks the document's head row,
 * so the document's commits are serialized across instances, its update ids
 * have no gaps (1, 2, …: an instance that missed a broadcast sees the gap and
 * catches up, `updatesSince`), and a clause agreed before the commit (on any
 * instance: `lockClause` takes the same row lock) refuses it
 * (ClauseLockedError) — the check is inside the commit, not against a cache.
 * Compaction runs once per document at a time (a transaction-scoped advisory
 * lock; an instance finding it taken skips its compaction).
 */
export class PgDocumentStorage implements DocumentStorage {
  constructor(private readonly pool: Pool) {}

  /** One snapshot (REPEATABLE READ): a compaction between reading the state and the updates cannot lose any. */
  async load(documentId: string): Promise<StoredDocumentState> {
    return this.updatesSince(documentId, 0);
  }

  async updatesSince(documentId: string, afterUpdateId: number): Promise<StoredDocumentState> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const states = await client.query<StateRow>(
        'SELECT state, state_encoding, last_update_id FROM document_states WHERE document_id = $1',
        [documentId],
      );
      const stateRow = states.rows[0];
      const compactedUpTo = stateRow ? Number(stateRow.last_update_id) : 0;
      const from = Math.max(afterUpdateId, compactedUpTo);
      const updates = await client.query<{ id: string; update_bytes: Buffer }>(
        'SELECT id, update_bytes FROM document_updates WHERE document_id = $1 AND id > $2 ORDER BY id',
        [documentId, from],
      );
      // From 0 the state is needed even when it folds in no update: a new document's initial content (PgDocumentRepository.create).
      const stateNeeded = stateRow !== undefined && (afterUpdateId === 0 || compactedUpTo > afterUpdateId);
      return {
        state: stateNeeded ? unpackState(stateRow.state, stateRow.state_encoding) : null,
        updates: updates.rows.map((row) => new Uint8Array(row.update_bytes)),
        lastUpdateId: Number(updates.rows.at(-1)?.id ?? compactedUpTo),
      };
    });
  }

  async loadClientIds(documentId: string): Promise<ClientIdClaims> {
    const result = await this.pool.query<{ client_id: string; user_id: string }>(
      'SELECT client_id, user_id FROM document_client_ids WHERE document_id = $1',
      [documentId],
    );
    return new Map(result.rows.map((row) => [Number(row.client_id), row.user_id]));
  }

  appendUpdates(
    documentId: string,
    updates: readonly Uint8Array[],
    author: UpdateAuthor,
    alongside?: RecordsAlongside,
    clientIds?: ClientIdClaims,
  ): Promise<AppendResult> {
    return this.append(documentId, [{ updates, author }], alongside, clientIds);
  }

  appendBatch(
    documentId: string,
    batch: readonly AuthoredUpdates[],
    clientIds?: ClientIdClaims,
  ): Promise<AppendResult> {
    return this.append(documentId, batch, undefined, clientIds);
  }

  /**
   * One commit: lock the head row, refuse if a touched clause is locked,
   * insert the rows and their clause edits, move the head. `alongside` writes
   * its records through repositories on this transaction's client, before the
   * commit: the text and the records are committed together or not at all,
   * and its error rolls both back.
   */
  private async append(
    documentId: string,
    batch: readonly AuthoredUpdates[],
    alongside?: RecordsAlongside,
    clientIds?: ClientIdClaims,
  ): Promise<AppendResult> {
    const rows = batch.flatMap(({ updates, author }) => updates.map((update) => ({ update, author })));
    const touched = [...new Set(batch.flatMap(({ author }) => author.touchedClauses ?? []))];
    const own: OwnError = {};
    try {
      return await this.inTransaction('BEGIN', async (client) => {
        const previous = await this.lockHead(client, documentId);
        if (touched.length > 0) {
          const locked = await client.query<{ clause_id: string }>(
            'SELECT clause_id FROM clause_locks WHERE document_id = $1 AND clause_id = ANY($2::text[])',
            [documentId, touched],
          );
          if (locked.rows.length > 0) throw new ClauseLockedError(locked.rows.map((row) => row.clause_id));
        }
        if (clientIds && clientIds.size > 0) await this.recordClientIds(client, documentId, clientIds);
        const lastUpdateId = previous + rows.length;
        await client.query(
          `INSERT INTO document_updates (document_id, id, update_bytes, user_id, participant_id)
           SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::text[], $5::text[])`,
          [
            documentId,
            rows.map((_, index) => previous + index + 1),
            rows.map(({ update }) => Buffer.from(update.buffer, update.byteOffset, update.byteLength)),
            rows.map(({ author }) => author.userId),
            rows.map(({ author }) => author.participantId),
          ],
        );
        await this.insertClauseEdits(client, documentId, batch, previous);
        await client.query(
          'UPDATE document_heads SET last_update_id = $2, updated_at = now() WHERE document_id = $1',
          [documentId, lastUpdateId],
        );
        await runAlongside(alongside, client, own);
        return { lastUpdateId, previousUpdateId: previous };
      });
    } catch (error) {
      if ('error' in own) throw own.error;
      if (error instanceof ClauseLockedError || error instanceof ClientIdTakenError) throw error;
      throw new StorageWriteError(`could not append to document ${documentId}`, error);
    }
  }

  /** The clause edits of a batch: each author's touched clauses, on the last update of its run. */
  private async insertClauseEdits(
    client: PoolClient,
    documentId: string,
    batch: readonly AuthoredUpdates[],
    previous: number,
  ): Promise<void> {
    const edits: { updateId: number; clauseId: string; author: UpdateAuthor }[] = [];
    let id = previous;
    for (const { updates, author } of batch) {
      id += updates.length;
      for (const clauseId of author.touchedClauses ?? []) edits.push({ updateId: id, clauseId, author });
    }
    if (edits.length === 0) return;
    await client.query(
      `INSERT INTO clause_edits (document_id, update_id, clause_id, participant_id, user_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[])`,
      [
        documentId,
        edits.map((edit) => edit.updateId),
        edits.map((edit) => edit.clauseId),
        edits.map((edit) => edit.author.participantId),
        edits.map((edit) => edit.author.userId),
      ],
    );
  }

  /**
   * Records client id owners inside the commit: a new id is its claimant's,
   * one of UNKNOWN_CLIENT_OWNER passes to the claimant, one owned by anyone
   * else — claimed meanwhile through another instance — fails the commit.
   */
  private async recordClientIds(
    client: PoolClient,
    documentId: string,
    claims: ClientIdClaims,
  ): Promise<void> {
    const ids = [...claims.keys()];
    const owners = ids.map((id) => claims.get(id) as string);
    await client.query(
      `INSERT INTO document_client_ids (document_id, client_id, user_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[])
       ON CONFLICT (document_id, client_id) DO UPDATE SET user_id = excluded.user_id, first_seen_at = now()
       WHERE document_client_ids.user_id = $4`,
      [documentId, ids, owners, UNKNOWN_CLIENT_OWNER],
    );
    const stored = await client.query<{ client_id: string; user_id: string }>(
      'SELECT client_id, user_id FROM document_client_ids WHERE document_id = $1 AND client_id = ANY($2::bigint[])',
      [documentId, ids],
    );
    const taken = stored.rows
      .filter((row) => claims.get(Number(row.client_id)) !== row.user_id)
      .map((row) => Number(row.client_id));
    if (taken.length > 0) throw new ClientIdTakenError(taken);
  }

  /** Locks (creating it if needed) the document's head row; returns its newest update id. */
  private async lockHead(client: PoolClient, documentId: string): Promise<number> {
    await client.query('INSERT INTO document_heads (document_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      documentId,
    ]);
    const head = await client.query<{ last_update_id: string }>(
      'SELECT last_update_id FROM document_heads WHERE document_id = $1 FOR UPDATE',
      [documentId],
    );
    return Number(head.rows[0]?.last_update_id ?? 0);
  }

  /**
   * Replaces the state and the updates up to `upToUpdateId` by `state`,
   * unless another instance is compacting the document right now or has
   * compacted past it already (then nothing changes).
   */
  async compact(documentId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    const packed = packState(state, 1);
    try {
      await this.inTransaction('BEGIN', async (client) => {
        const lease = await client.query<{ taken: boolean }>(
          "SELECT pg_try_advisory_xact_lock(hashtextextended('draftroom:compact:' || $1, 0)) AS taken",
          [documentId],
        );
        if (!lease.rows[0]?.taken) return;
        const replaced = await client.query(
          `INSERT INTO document_states (document_id, state, state_encoding, last_update_id)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (document_id) DO UPDATE SET state = excluded.state, state_encoding = excluded.state_encoding,
             last_update_id = excluded.last_update_id, compacted_at = now()
           WHERE document_states.last_update_id < excluded.last_update_id`,
          [documentId, packed.bytes, packed.encoding, upToUpdateId],
        );
        if (replaced.rowCount === 0) return;
        await client.query('DELETE FROM document_updates WHERE document_id = $1 AND id <= $2', [
          documentId,
          upToUpdateId,
        ]);
      });
    } catch (error) {
      throw new StorageWriteError(`could not compact document ${documentId}`, error);
    }
  }

  async latestUpdateId(documentId: string): Promise<number> {
    const result = await this.pool.query<{ last_update_id: string }>(
      'SELECT last_update_id FROM document_heads WHERE document_id = $1',
      [documentId],
    );
    return Number(result.rows[0]?.last_update_id ?? 0);
  }

  async countUpdates(documentId: string): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM document_updates WHERE document_id = $1',
      [documentId],
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /**
   * Agrees (locks) or reopens a clause. Takes the document's head row lock,
   * so every commit that starts after this one committed sees the lock.
   * `alongside` (the clause's status record) is written in the same
   * transaction, under that lock: two instances changing a clause's status at
   * once leave the lock as the status written last says. Throws
   * StorageWriteError when the write fails (`alongside`'s own error as it is);
   * nothing is then stored.
   */
  async lockClause(
    documentId: string,
    clauseId: string,
    locked: boolean,
    alongside?: RecordsAlongside,
  ): Promise<void> {
    const own: OwnError = {};
    try {
      await this.inTransaction('BEGIN', async (client) => {
        await this.lockHead(client, documentId);
        if (locked) {
          await client.query(
            'INSERT INTO clause_locks (document_id, clause_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
            [documentId, clauseId],
          );
        } else {
          await client.query('DELETE FROM clause_locks WHERE document_id = $1 AND clause_id = $2', [
            documentId,
            clauseId,
          ]);
        }
        await runAlongside(alongside, client, own);
      });
    } catch (error) {
      if ('error' in own) throw own.error;
      throw new StorageWriteError(`could not change the lock of clause ${clauseId}`, error);
    }
  }

  /** The clauses of a document agreed (locked) in the store. */
  async lockedClauses(documentId: string): Promise<string[]> {
    const result = await this.pool.query<{ clause_id: string }>(
      'SELECT clause_id FROM clause_locks WHERE document_id = $1 ORDER BY clause_id',
      [documentId],
    );
    return result.rows.map((row) => row.clause_id);
  }

  private inTransaction<T>(begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work, begin);
  }
}
