import { randomUUID } from 'node:crypto';
import type { Amendment, AmendmentKind, AmendmentStatus, FallenReason } from '@draftroom/shared';
import { actorColumns } from '../negotiation/negotiationStore';
import { type AsyncOf, asyncOf } from '../store/asyncOf';
import { nowIso, type SqliteDatabase } from '../store/database';
import { sqliteSavepoint, sqliteTransaction } from '../store/sqliteAsyncTransaction';
import {
  type AmendmentRow,
  type AmendmentRowColumns,
  amendmentsWithCosponsors,
  type CosponsorRow,
} from './amendmentRows';

/** SQLite's amendment row: `compromise` 0 or 1, `covers` JSON text. */
interface SqliteAmendmentRow extends AmendmentRowColumns {
  compromise: number;
  covers: string;
}

/** What tabling stores; the number, time and base version label are the store's. */
export interface NewAmendmentRecord {
  documentId: string;
  kind: AmendmentKind;
  clauseId: string;
  clauseNumber: string;
  baseText: string;
  proposedText: string;
  justification: string;
  proponentParticipantId: string;
  tabledBy: string;
  compromise?: boolean;
  /** For a compromise: the numbers it covers. */
  covers?: number[];
}

/** A decision's outcome written to an amendment that is still tabled. */
export interface AmendmentOutcome {
  status: Exclude<AmendmentStatus, 'tabled'>;
  /** Who decided, withdrew, or made it fall or be covered (null: nobody in particular, e.g. a clause deleted in the editor). */
  decidedBy: string | null;
  acceptedText?: string | null;
  fallenReason?: FallenReason | null;
  coveredBy?: number | null;
  createdClauseId?: string | null;
}

const SELECT_AMENDMENTS = `
  SELECT a.id, a.document_id, a.number, a.kind, a.clause_id, a.clause_number, a.base_text, a.proposed_text,
         a.base_version_label, a.justification, p.code AS proponent_code, a.tabled_at, a.status, a.decided_at,
         a.accepted_text, a.fallen_reason, a.compromise, a.covers, a.covered_by, a.created_clause_id,
         ${actorColumns('a.tabled_by', 'tabler')}, ${actorColumns('a.decided_by', 'decider')}
  FROM amendments a JOIN participants p ON p.id = a.proponent_participant_id`;

/** SQLite's `compromise` (0/1) and `covers` (JSON text) as {@link AmendmentRow} has them. */
function decodeSqliteRow(row: SqliteAmendmentRow): AmendmentRow {
  return { ...row, compromise: row.compromise === 1, covers: JSON.parse(row.covers) as number[] };
}

/**
 * Amendments in SQLite (`amendments`, `amendment_cosponsors`). Numbers are
 * given inside the insert (max + 1 per document, one statement in one
 * transaction: two tablings can never get the same number). Status changes
 * apply only to amendments still tabled, so a decision can never overwrite
 * another.
 */
export class AmendmentStore {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Runs `work` in one SQLite transaction (nested calls join the outer one). Immediate: `work` reads
   * then writes, and with several processes on one file a deferred transaction that read before
   * another process wrote could not write (SQLITE_BUSY_SNAPSHOT); this one takes the write lock first.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /**
   * Runs asynchronous `work` in one SQLite transaction, or with `nested`, in a
   * savepoint of the one open (see store/sqliteAsyncTransaction.ts): how
   * {@link sqliteAmendmentRepository} runs its `transaction`.
   */
  transactionAsync<T>(work: () => Promise<T>, nested = false): Promise<T> {
    return nested ? sqliteSavepoint(this.db, work) : sqliteTransaction(this.db, work);
  }

  /** Every amendment of a document, in number order, with co-sponsors in the order they signed. */
  list(documentId: string): Amendment[] {
    const rows = this.db
      .prepare<[string], SqliteAmendmentRow>(`${SELECT_AMENDMENTS} WHERE a.document_id = ? ORDER BY a.number`)
      .all(documentId);
    return this.withCosponsors(documentId, rows);
  }

  /** One amendment of a document; undefined when the document has none with this id. */
  get(documentId: string, amendmentId: string): Amendment | undefined {
    const rows = this.db
      .prepare<[string, string], SqliteAmendmentRow>(
        `${SELECT_AMENDMENTS} WHERE a.document_id = ? AND a.id = ?`,
      )
      .all(documentId, amendmentId);
    return this.withCosponsors(documentId, rows)[0];
  }

  /** The tabled amendments of a document on the given clauses (all clauses when `clauseIds` is omitted), in number order. */
  open(documentId: string, clauseIds?: readonly string[]): Amendment[] {
    const rows = this.db
      .prepare<[string], SqliteAmendmentRow>(
        `${SELECT_AMENDMENTS} WHERE a.document_id = ? AND a.status = 'tabled' ORDER BY a.number`,
      )
      .all(documentId);
    const wanted = clauseIds ? new Set(clauseIds) : null;
    return this.withCosponsors(
      documentId,
      rows.filter((row) => !wanted || wanted.has(row.clause_id)),
    );
  }

  /** The ids of the clauses that have tabled amendments (one indexed query, no texts read). */
  openClauseIds(documentId: string): Set<string> {
    const rows = this.db
      .prepare<[string], { clause_id: string }>(
        "SELECT DISTINCT clause_id FROM amendments WHERE document_id = ? AND status = 'tabled'",
      )
      .all(documentId);
    return new Set(rows.map((row) => row.clause_id));
  }

  /**
   * The ids of the clauses that have amendments fallen because their clause
   * was deleted (one indexed query, no texts read): the clauses whose return
   * (an undo, a cut clause pasted back, a version restored) tables them again.
   */
  fallenClauseIds(documentId: string): Set<string> {
    const rows = this.db
      .prepare<[string], { clause_id: string }>(
        `SELECT DISTINCT clause_id FROM amendments
         WHERE document_id = ? AND status = 'fallen' AND fallen_reason = 'clause-deleted'`,
      )
      .all(documentId);
    return new Set(rows.map((row) => row.clause_id));
  }

  /**
   * Puts the amendments that fell because their clause was deleted back to
   * tabled, for the given clauses (which are in the text again); returns
   * their ids. Amendments that fell as moot, or were decided, stay as they are.
   */
  reinstate(documentId: string, clauseIds: readonly string[]): string[] {
    const statement = this.db.prepare<[string, string], { id: string }>(
      `UPDATE amendments SET status = 'tabled', decided_by = NULL, decided_at = NULL, fallen_reason = NULL
       WHERE document_id = ? AND clause_id = ? AND status = 'fallen' AND fallen_reason = 'clause-deleted'
       RETURNING id`,
    );
    return clauseIds.flatMap((clauseId) => statement.all(documentId, clauseId).map((row) => row.id));
  }

  /**
   * Tables an amendment: AM n (n = the document's highest number + 1), the
   * time now, the label of the document's newest named version. Returns it.
   */
  insert(record: NewAmendmentRecord): Amendment {
    const id = `am-${randomUUID()}`;
    this.db
      .prepare(
        `INSERT INTO amendments (id, document_id, number, kind, clause_id, clause_number, base_text, proposed_text,
           base_version_label, justification, proponent_participant_id, tabled_by, tabled_at, compromise, covers)
         SELECT @id, @documentId, coalesce((SELECT max(number) FROM amendments WHERE document_id = @documentId), 0) + 1,
           @kind, @clauseId, @clauseNumber, @baseText, @proposedText,
           (SELECT label FROM versions WHERE document_id = @documentId AND kind = 'named'
            ORDER BY created_at DESC, rowid DESC LIMIT 1),
           @justification, @proponent, @tabledBy, @at, @compromise, @covers`,
      )
      .run({
        id,
        documentId: record.documentId,
        kind: record.kind,
        clauseId: record.clauseId,
        clauseNumber: record.clauseNumber,
        baseText: record.baseText,
        proposedText: record.proposedText,
        justification: record.justification,
        proponent: record.proponentParticipantId,
        tabledBy: record.tabledBy,
        at: nowIso(),
        compromise: record.compromise ? 1 : 0,
        covers: JSON.stringify(record.covers ?? []),
      });
    return this.get(record.documentId, id) as Amendment;
  }

  /** How many amendments a document holds, in all and tabled by one delegation (every status: all stay on record). */
  counts(documentId: string, participantId: string): { document: number; delegation: number } {
    const row = this.db
      .prepare<[string, string], { document: number; delegation: number | null }>(
        `SELECT count(*) AS document, sum(proponent_participant_id = ?) AS delegation
         FROM amendments WHERE document_id = ?`,
      )
      .get(participantId, documentId);
    return { document: row?.document ?? 0, delegation: row?.delegation ?? 0 };
  }

  /** The participant id of an amendment's proponent delegation (for attributing accepted text). */
  proponentParticipantId(amendmentId: string): string | undefined {
    return this.db
      .prepare<[string], { id: string }>('SELECT proponent_participant_id AS id FROM amendments WHERE id = ?')
      .get(amendmentId)?.id;
  }

  /** Adds a delegation's co-signature (no change when it already signed). */
  addCosponsor(amendmentId: string, participantId: string, userId: string): void {
    this.db
      .prepare(
        `INSERT INTO amendment_cosponsors (amendment_id, participant_id, user_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (amendment_id, participant_id) DO NOTHING`,
      )
      .run(amendmentId, participantId, userId, nowIso());
  }

  /** Removes a delegation's co-signature; false when it had none. */
  removeCosponsor(amendmentId: string, participantId: string): boolean {
    const result = this.db
      .prepare('DELETE FROM amendment_cosponsors WHERE amendment_id = ? AND participant_id = ?')
      .run(amendmentId, participantId);
    return result.changes > 0;
  }

  /** Whether a delegation co-signed an amendment. */
  hasCosponsor(amendmentId: string, participantId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM amendment_cosponsors WHERE amendment_id = ? AND participant_id = ?')
        .get(amendmentId, participantId) !== undefined
    );
  }

  /**
   * Records the outcome of an amendment that is still tabled (decided now).
   * Returns false, changing nothing, when it is no longer tabled.
   */
  conclude(documentId: string, amendmentId: string, outcome: AmendmentOutcome): boolean {
    const result = this.db
      .prepare(
        `UPDATE amendments SET status = @status, decided_by = @decidedBy, decided_at = @at,
           accepted_text = @acceptedText, fallen_reason = @fallenReason, covered_by = @coveredBy,
           created_clause_id = @createdClauseId
         WHERE document_id = @documentId AND id = @id AND status = 'tabled'`,
      )
      .run({
        documentId,
        id: amendmentId,
        status: outcome.status,
        decidedBy: outcome.decidedBy,
        at: nowIso(),
        acceptedText: outcome.acceptedText ?? null,
        fallenReason: outcome.fallenReason ?? null,
        coveredBy: outcome.coveredBy ?? null,
        createdClauseId: outcome.createdClauseId ?? null,
      });
    return result.changes > 0;
  }

  /**
   * Puts the amendments a compromise covered back to tabled (the compromise
   * was withdrawn or rejected); returns their ids.
   */
  uncover(documentId: string, compromiseNumber: number): string[] {
    const rows = this.db
      .prepare<[string, number], { id: string }>(
        `UPDATE amendments SET status = 'tabled', decided_by = NULL, decided_at = NULL, covered_by = NULL
         WHERE document_id = ? AND covered_by = ? AND status = 'covered-by-compromise' RETURNING id`,
      )
      .all(documentId, compromiseNumber);
    return rows.map((row) => row.id);
  }

  private withCosponsors(documentId: string, rows: SqliteAmendmentRow[]): Amendment[] {
    if (rows.length === 0) return [];
    const cosponsorRows = this.db
      .prepare<[string], CosponsorRow>(
        `SELECT c.amendment_id, p.code, c.at, ${actorColumns('c.user_id', 'by')}
         FROM amendment_cosponsors c
           JOIN amendments a ON a.id = c.amendment_id
           JOIN participants p ON p.id = c.participant_id
         WHERE a.document_id = ? ORDER BY c.at, c.rowid`,
      )
      .all(documentId);
    return amendmentsWithCosponsors(rows.map(decodeSqliteRow), cosponsorRows);
  }
}

/**
 * The amendments' records as the services use them, asynchronous: SQLite
 * ({@link sqliteAmendmentRepository}) or PostgreSQL
 * (store/postgres/pgAmendmentRepository.ts). Each method is the
 * AmendmentStore method of the same name, with the same arguments and result.
 */
export type AmendmentRepository = AsyncOf<
  Pick<
    AmendmentStore,
    | 'list'
    | 'get'
    | 'open'
    | 'openClauseIds'
    | 'fallenClauseIds'
    | 'reinstate'
    | 'insert'
    | 'counts'
    | 'proponentParticipantId'
    | 'addCosponsor'
    | 'removeCosponsor'
    | 'conclude'
    | 'uncover'
  >
> & {
  /**
   * Runs `work` in one transaction, given a repository bound to it: every
   * call made through that repository commits together when `work` resolves,
   * or none does when it rejects (with that rejection). A transaction started
   * on a bound repository is nested: its own calls are undone alone when its
   * work rejects. `work` should await only the given repository's calls.
   */
  transaction<T>(work: (amendments: AmendmentRepository) => Promise<T>): Promise<T>;
};

const AMENDMENT_REPOSITORY_METHODS = [
  'list',
  'get',
  'open',
  'openClauseIds',
  'fallenClauseIds',
  'reinstate',
  'insert',
  'counts',
  'proponentParticipantId',
  'addCosponsor',
  'removeCosponsor',
  'conclude',
  'uncover',
] as const;

/** The SQLite AmendmentStore as an AmendmentRepository (each call runs at once; transactions as AmendmentStore.transactionAsync). */
export function sqliteAmendmentRepository(store: AmendmentStore): AmendmentRepository {
  const records = asyncOf(store, AMENDMENT_REPOSITORY_METHODS);
  const bound = (nested: boolean): AmendmentRepository => ({
    ...records,
    transaction: (work) => store.transactionAsync(() => work(bound(true)), nested),
  });
  return bound(false);
}
