import { randomUUID } from 'node:crypto';
import type { Amendment } from '@draftroom/shared';
import {
  type AmendmentRow,
  amendmentsWithCosponsors,
  type CosponsorRow,
} from '../../amendments/amendmentRows';
import type {
  AmendmentOutcome,
  AmendmentRepository,
  NewAmendmentRecord,
} from '../../amendments/amendmentStore';
import { actorColumns } from '../../negotiation/negotiationStore';
import { isoText } from './isoTime';
import { bigintOf, type Queryable } from './queryable';
import { isPool, transactionOn } from './transactionOn';

const SELECT_AMENDMENTS = `
  SELECT a.id, a.document_id, a.number, a.kind, a.clause_id, a.clause_number, a.base_text, a.proposed_text,
         a.base_version_label, a.justification, p.code AS proponent_code, ${isoText('a.tabled_at')} AS tabled_at,
         a.status, ${isoText('a.decided_at')} AS decided_at, a.accepted_text, a.fallen_reason, a.compromise,
         a.covers, a.covered_by, a.created_clause_id,
         ${actorColumns('a.tabled_by', 'tabler')}, ${actorColumns('a.decided_by', 'decider')}
  FROM amendments a JOIN participants p ON p.id = a.proponent_participant_id`;

/**
 * Tabling in one statement: the document's next number from its counter row
 * (created at the highest number held + 1, else incremented; the row stays
 * locked until the statement's transaction ends, so tablings through any
 * instance get distinct numbers, without gaps), the newest named version's
 * label, the database's time.
 */
const INSERT_AMENDMENT = `
  WITH numbered AS (
    INSERT INTO amendment_numbers AS n (document_id, last_number)
    SELECT $2, coalesce(max(number), 0) + 1 FROM amendments WHERE document_id = $2
    ON CONFLICT (document_id) DO UPDATE SET last_number = n.last_number + 1
    RETURNING last_number
  )
  INSERT INTO amendments (id, document_id, number, kind, clause_id, clause_number, base_text, proposed_text,
    base_version_label, justification, proponent_participant_id, tabled_by, tabled_at, compromise, covers)
  SELECT $1, $2, numbered.last_number, $3, $4, $5, $6, $7,
    (SELECT label FROM versions WHERE document_id = $2 AND kind = 'named' ORDER BY created_at DESC, seq DESC LIMIT 1),
    $8, $9, $10, clock_timestamp(), $11, $12::jsonb
  FROM numbered`;

/**
 * Amendments in PostgreSQL (schema: schema/amendments.ts), the same records
 * as AmendmentStore gives from SQLite (amendments/amendmentStore.ts), for any
 * number of server instances at once. Built on a Queryable: the pool (each
 * call on its own; `transaction` opens one), or a client inside a transaction
 * so its calls join it (`transaction` is then a savepoint). Numbers are
 * allocated with a per-document counter row (see INSERT_AMENDMENT); status
 * changes apply only to amendments still tabled, and a row's concurrent
 * updates wait for each other, so a decision never overwrites another.
 */
export class PgAmendmentRepository implements AmendmentRepository {
  constructor(private readonly db: Queryable) {}

  /** Runs `work` in one transaction (or a savepoint, on a transaction's client) with a repository bound to it. */
  transaction<T>(work: (amendments: AmendmentRepository) => Promise<T>): Promise<T> {
    return transactionOn(this.db, (client) => work(new PgAmendmentRepository(client)));
  }

  /** Every amendment of a document, in number order, with co-sponsors in the order they signed. */
  async list(documentId: string): Promise<Amendment[]> {
    const result = await this.db.query<AmendmentRow>(
      `${SELECT_AMENDMENTS} WHERE a.document_id = $1 ORDER BY a.number`,
      [documentId],
    );
    return this.withCosponsors(result.rows);
  }

  /**
   * One amendment of a document; undefined when the document has none with
   * this id. Inside a transaction (`transaction`'s repository) it locks the
   * amendment's row until that transaction ends, so what is decided on what it
   * read (a co-signature of a tabled amendment) is not overtaken by a decision
   * through another instance (the decision waits, or is read here).
   */
  async get(documentId: string, amendmentId: string): Promise<Amendment | undefined> {
    const lock = isPool(this.db) ? '' : ' FOR NO KEY UPDATE OF a';
    const result = await this.db.query<AmendmentRow>(
      `${SELECT_AMENDMENTS} WHERE a.document_id = $1 AND a.id = $2${lock}`,
      [documentId, amendmentId],
    );
    return (await this.withCosponsors(result.rows))[0];
  }

  /** The tabled amendments of a document on the given clauses (all clauses when `clauseIds` is omitted), in number order. */
  async open(documentId: string, clauseIds?: readonly string[]): Promise<Amendment[]> {
    const result = await this.db.query<AmendmentRow>(
      `${SELECT_AMENDMENTS} WHERE a.document_id = $1 AND a.status = 'tabled'
         AND ($2::text[] IS NULL OR a.clause_id = ANY($2::text[]))
       ORDER BY a.number`,
      [documentId, clauseIds ? [...clauseIds] : null],
    );
    return this.withCosponsors(result.rows);
  }

  /** The ids of the clauses that have tabled amendments. */
  async openClauseIds(documentId: string): Promise<Set<string>> {
    const result = await this.db.query<{ clause_id: string }>(
      "SELECT DISTINCT clause_id FROM amendments WHERE document_id = $1 AND status = 'tabled'",
      [documentId],
    );
    return new Set(result.rows.map((row) => row.clause_id));
  }

  /** The ids of the clauses that have amendments fallen because their clause was deleted. */
  async fallenClauseIds(documentId: string): Promise<Set<string>> {
    const result = await this.db.query<{ clause_id: string }>(
      `SELECT DISTINCT clause_id FROM amendments
       WHERE document_id = $1 AND status = 'fallen' AND fallen_reason = 'clause-deleted'`,
      [documentId],
    );
    return new Set(result.rows.map((row) => row.clause_id));
  }

  /**
   * Puts the amendments that fell because their clause was deleted back to
   * tabled, for the given clauses; returns their ids, clause by clause in the
   * order given, each clause's in number order.
   */
  async reinstate(documentId: string, clauseIds: readonly string[]): Promise<string[]> {
    if (clauseIds.length === 0) return [];
    const result = await this.db.query<{ id: string }>(
      `WITH changed AS (
         UPDATE amendments SET status = 'tabled', decided_by = NULL, decided_at = NULL, fallen_reason = NULL
         WHERE document_id = $1 AND clause_id = ANY($2::text[]) AND status = 'fallen'
           AND fallen_reason = 'clause-deleted'
         RETURNING id, clause_id, number)
       SELECT id FROM changed ORDER BY array_position($2::text[], clause_id), number`,
      [documentId, [...clauseIds]],
    );
    return result.rows.map((row) => row.id);
  }

  /**
   * Tables an amendment: AM n (the document's next number), the time now, the
   * label of the document's newest named version. Returns it. Throws the
   * database's error when a referenced row (document, participant, user) is missing.
   */
  async insert(record: NewAmendmentRecord): Promise<Amendment> {
    const id = `am-${randomUUID()}`;
    await this.db.query(INSERT_AMENDMENT, [
      id,
      record.documentId,
      record.kind,
      record.clauseId,
      record.clauseNumber,
      record.baseText,
      record.proposedText,
      record.justification,
      record.proponentParticipantId,
      record.tabledBy,
      record.compromise ?? false,
      JSON.stringify(record.covers ?? []),
    ]);
    return (await this.get(record.documentId, id)) as Amendment;
  }

  /**
   * How many amendments a document holds, in all and tabled by one delegation
   * (every status). Inside a transaction (`transaction`'s repository) it first
   * takes the document's tabling lock, held until that transaction ends: a
   * count checked against the limits and the tabling that follows in the same
   * transaction are not overtaken by another tabling through any instance (else
   * tablings arriving at once would all pass the check and exceed the limits).
   */
  async counts(documentId: string, participantId: string): Promise<{ document: number; delegation: number }> {
    if (!isPool(this.db)) {
      await this.db.query("SELECT pg_advisory_xact_lock(hashtextextended('draftroom:tabling:' || $1, 0))", [
        documentId,
      ]);
    }
    const result = await this.db.query<{ document: string; delegation: string }>(
      `SELECT count(*) AS document, count(*) FILTER (WHERE proponent_participant_id = $2) AS delegation
       FROM amendments WHERE document_id = $1`,
      [documentId, participantId],
    );
    const row = result.rows[0];
    return { document: bigintOf(row?.document), delegation: bigintOf(row?.delegation) };
  }

  /** The participant id of an amendment's proponent delegation; undefined for an unknown amendment. */
  async proponentParticipantId(amendmentId: string): Promise<string | undefined> {
    const result = await this.db.query<{ id: string }>(
      'SELECT proponent_participant_id AS id FROM amendments WHERE id = $1',
      [amendmentId],
    );
    return result.rows[0]?.id;
  }

  /** Adds a delegation's co-signature (no change when it already signed); the database's error for an unknown amendment. */
  async addCosponsor(amendmentId: string, participantId: string, userId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO amendment_cosponsors (amendment_id, participant_id, user_id, at)
       VALUES ($1, $2, $3, clock_timestamp())
       ON CONFLICT (amendment_id, participant_id) DO NOTHING`,
      [amendmentId, participantId, userId],
    );
  }

  /** Removes a delegation's co-signature; false when it had none. */
  async removeCosponsor(amendmentId: string, participantId: string): Promise<boolean> {
    const result = await this.db.query(
      'DELETE FROM amendment_cosponsors WHERE amendment_id = $1 AND participant_id = $2',
      [amendmentId, participantId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Records the outcome of an amendment that is still tabled (decided now).
   * Returns false, changing nothing, when it is no longer tabled (of two
   * instances concluding it at once, one gets true).
   */
  async conclude(documentId: string, amendmentId: string, outcome: AmendmentOutcome): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE amendments SET status = $3, decided_by = $4, decided_at = clock_timestamp(), accepted_text = $5,
         fallen_reason = $6, covered_by = $7, created_clause_id = $8
       WHERE document_id = $1 AND id = $2 AND status = 'tabled'`,
      [
        documentId,
        amendmentId,
        outcome.status,
        outcome.decidedBy,
        outcome.acceptedText ?? null,
        outcome.fallenReason ?? null,
        outcome.coveredBy ?? null,
        outcome.createdClauseId ?? null,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Puts the amendments a compromise covered back to tabled; returns their ids in number order. */
  async uncover(documentId: string, compromiseNumber: number): Promise<string[]> {
    const result = await this.db.query<{ id: string }>(
      `WITH changed AS (
         UPDATE amendments SET status = 'tabled', decided_by = NULL, decided_at = NULL, covered_by = NULL
         WHERE document_id = $1 AND covered_by = $2 AND status = 'covered-by-compromise'
         RETURNING id, number)
       SELECT id FROM changed ORDER BY number`,
      [documentId, compromiseNumber],
    );
    return result.rows.map((row) => row.id);
  }

  private async withCosponsors(rows: AmendmentRow[]): Promise<Amendment[]> {
    if (rows.length === 0) return [];
    const result = await this.db.query<CosponsorRow>(
      `SELECT c.amendment_id, p.code, ${isoText('c.at')} AS at, ${actorColumns('c.user_id', 'by')}
       FROM amendment_cosponsors c JOIN participants p ON p.id = c.participant_id
       WHERE c.amendment_id = ANY($1::text[]) ORDER BY c.at, c.seq`,
      [rows.map((row) => row.id)],
    );
    return amendmentsWithCosponsors(rows, result.rows);
  }
}
