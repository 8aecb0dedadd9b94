import type {
  Bracket,
  BracketAlternative,
  ClauseStatus,
  ClauseStatusEntry,
  DelegationPosition,
  PositionEntry,
} from '@draftroom/shared';
import {
  AlternativeRefusedError,
  actorColumns,
  actorFrom,
  type BracketRow,
  bracketResolution,
  type NegotiationRepository,
  type PositionRow,
  type StatusRow,
  toPositionEntry,
  toStatusEntry,
} from '../../negotiation/negotiationStore';
import { nowIso } from '../database';
import { isoText } from './isoTime';
import { bigintOf, type Queryable } from './queryable';
import { transactionOn } from './transactionOn';

/** The current status of each clause of document $1 (of clause $2 only unless null): its newest history row. */
const CURRENT_STATUSES = `SELECT DISTINCT ON (clause_id) clause_id, status, at, user_id FROM clause_status_history
  WHERE document_id = $1 AND ($2::text IS NULL OR clause_id = $2) ORDER BY clause_id, id DESC`;

const STATUS_COLUMNS = `h.clause_id, h.status, ${isoText('h.at')} AS at, ${actorColumns('h.user_id', 'by')}`;

const POSITION_COLUMNS = `h.clause_id, p.code AS participant_code, h.position, h.note, ${isoText('h.at')} AS at,
  ${actorColumns('h.user_id', 'by')}`;

/** A bracket row and (LEFT JOIN, `alt_` columns) one of its alternatives, or none. */
interface BracketAlternativeRow extends BracketRow {
  alt_index: number | null;
  alt_text: string | null;
  alt_code: string | null;
}

/**
 * Clause statuses, delegation positions, brackets and the negotiation event
 * numbering in PostgreSQL (schema: schema/negotiation.ts): the
 * NegotiationRepository interface with NegotiationStore's results — the
 * same ids, ISO 8601 UTC times (`nowIso()`, the service's clock), orders
 * (clause ids and participant codes by code point) and nulls. Built on a
 * Queryable: the pool, or a transaction's client so its writes join that
 * transaction (a write of several rows then runs in a savepoint of it).
 * Event numbers come from a per-document counter row and alternative
 * numbers are counted under the bracket's row lock, so several instances
 * writing at once never draw the same one. Every method rejects with the
 * database's error when a statement fails — e.g. an unknown user,
 * participant or document (foreign keys) or a bracket id the document has
 * already (primary key) — and then stores nothing.
 */
export class PgNegotiationRepository implements NegotiationRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Allocates the next event number of a document (1, 2, 3…): increments its
   * counter row, whose lock is held until the allocation commits, and records
   * the event's time.
   */
  async nextEventSeq(documentId: string): Promise<number> {
    const result = await this.db.query<{ seq: string }>(
      `WITH head AS (
         INSERT INTO document_event_heads (document_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (document_id) DO UPDATE SET last_seq = document_event_heads.last_seq + 1
         RETURNING last_seq)
       INSERT INTO document_events (document_id, seq, at) SELECT $1, last_seq, $2 FROM head RETURNING seq`,
      [documentId, nowIso()],
    );
    return bigintOf(result.rows[0]?.seq);
  }

  /** The newest event number of a document; 0 before its first event. */
  async lastEventSeq(documentId: string): Promise<number> {
    const result = await this.db.query<{ last_seq: string }>(
      'SELECT last_seq FROM document_event_heads WHERE document_id = $1',
      [documentId],
    );
    return bigintOf(result.rows[0]?.last_seq);
  }

  /** Records a clause's status (its history keeps every one); returns the entry stored. */
  async setStatus(
    documentId: string,
    clauseId: string,
    status: ClauseStatus,
    userId: string,
  ): Promise<ClauseStatusEntry> {
    const result = await this.db.query<StatusRow>(
      `WITH h AS (
         INSERT INTO clause_status_history (document_id, clause_id, status, user_id, at)
         VALUES ($1, $2, $3, $4, $5) RETURNING clause_id, status, at, user_id)
       SELECT ${STATUS_COLUMNS} FROM h`,
      [documentId, clauseId, status, userId, nowIso()],
    );
    const row = result.rows[0];
    if (!row) throw new Error('status not stored');
    return toStatusEntry(row);
  }

  /** The current status of each clause that has one (clauses without are open), by clause id. */
  async statuses(documentId: string, clauseId?: string): Promise<ClauseStatusEntry[]> {
    const result = await this.db.query<StatusRow>(
      `SELECT ${STATUS_COLUMNS} FROM (${CURRENT_STATUSES}) h ORDER BY h.clause_id`,
      [documentId, clauseId ?? null],
    );
    return result.rows.map(toStatusEntry);
  }

  /** Every status a clause has had, oldest first. */
  async statusHistory(documentId: string, clauseId: string): Promise<ClauseStatusEntry[]> {
    const result = await this.db.query<StatusRow>(
      `SELECT ${STATUS_COLUMNS} FROM clause_status_history h
       WHERE h.document_id = $1 AND h.clause_id = $2 ORDER BY h.id`,
      [documentId, clauseId],
    );
    return result.rows.map(toStatusEntry);
  }

  /** The clauses whose current status is `agreed`, by clause id. */
  async agreedClauses(documentId: string): Promise<string[]> {
    const result = await this.db.query<{ clause_id: string }>(
      `SELECT clause_id FROM (${CURRENT_STATUSES}) h WHERE status = 'agreed' ORDER BY clause_id`,
      [documentId, null],
    );
    return result.rows.map((row) => row.clause_id);
  }

  /** Records a participant's position on a clause, set by `userId`; returns the entry stored. */
  async setPosition(
    documentId: string,
    clauseId: string,
    participantId: string,
    position: { position: DelegationPosition; note: string },
    userId: string,
  ): Promise<PositionEntry> {
    const result = await this.db.query<PositionRow>(
      `WITH h AS (
         INSERT INTO position_history (document_id, clause_id, participant_id, position, note, user_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING clause_id, participant_id, position, note, user_id, at)
       SELECT ${POSITION_COLUMNS} FROM h JOIN participants p ON p.id = h.participant_id`,
      [documentId, clauseId, participantId, position.position, position.note, userId, nowIso()],
    );
    const row = result.rows[0];
    if (!row) throw new Error('position not stored');
    return toPositionEntry(row);
  }

  /** The current position of each participant on each clause, by clause id then participant code. */
  async positions(documentId: string, clauseId?: string): Promise<PositionEntry[]> {
    const result = await this.db.query<PositionRow>(
      `SELECT ${POSITION_COLUMNS}
       FROM (SELECT DISTINCT ON (clause_id, participant_id) clause_id, participant_id, position, note, user_id, at
             FROM position_history WHERE document_id = $1 AND ($2::text IS NULL OR clause_id = $2)
             ORDER BY clause_id, participant_id, id DESC) h
       JOIN participants p ON p.id = h.participant_id
       ORDER BY h.clause_id, p.code`,
      [documentId, clauseId ?? null],
    );
    return result.rows.map(toPositionEntry);
  }

  /** Every position set on a clause, oldest first. */
  async positionHistory(documentId: string, clauseId: string): Promise<PositionEntry[]> {
    const result = await this.db.query<PositionRow>(
      `SELECT ${POSITION_COLUMNS} FROM position_history h JOIN participants p ON p.id = h.participant_id
       WHERE h.document_id = $1 AND h.clause_id = $2 ORDER BY h.id`,
      [documentId, clauseId],
    );
    return result.rows.map(toPositionEntry);
  }

  /** Stores a bracket and its alternatives (numbered 0, 1, … in order) at once; returns it. */
  async createBracket(
    documentId: string,
    bracket: { id: string; clauseId: string; alternatives: string[] },
    user: { id: string; participantId: string },
  ): Promise<Bracket> {
    await transactionOn(this.db, async (client) => {
      await client.query(
        `INSERT INTO brackets (id, document_id, clause_id, proponent_participant_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [bracket.id, documentId, bracket.clauseId, user.participantId, user.id, nowIso()],
      );
      await client.query(
        `INSERT INTO bracket_alternatives (document_id, bracket_id, idx, text, proponent_participant_id)
         SELECT $1, $2, idx - 1, text, $4 FROM unnest($3::text[]) WITH ORDINALITY AS a (text, idx)`,
        [documentId, bracket.id, bracket.alternatives, user.participantId],
      );
    });
    return (await this.bracket(documentId, bracket.id)) as Bracket;
  }

  /**
   * Adds an alternative after the bracket's last one (its number counted
   * under the bracket's row lock); returns the bracket. Throws
   * AlternativeRefusedError (nothing stored) when the bracket is resolved or
   * holds `maxAlternatives` wordings (no bound when omitted) — read under
   * that lock, so of proposals arriving at once through any instances, only
   * those that fit are stored. Rejects (foreign key) when the document has no
   * such bracket.
   */
  async addAlternative(
    documentId: string,
    bracketId: string,
    text: string,
    participantId: string,
    maxAlternatives?: number,
  ): Promise<Bracket> {
    await transactionOn(this.db, async (client) => {
      const locked = await client.query<{ resolution: string | null }>(
        'SELECT resolution FROM brackets WHERE document_id = $1 AND id = $2 FOR NO KEY UPDATE',
        [documentId, bracketId],
      );
      if (locked.rows[0]?.resolution) throw new AlternativeRefusedError('resolved');
      const inserted = await client.query(
        `INSERT INTO bracket_alternatives (document_id, bracket_id, idx, text, proponent_participant_id)
         SELECT $1, $2, coalesce(max(idx), -1) + 1, $3, $4 FROM bracket_alternatives
         WHERE document_id = $1 AND bracket_id = $2
         HAVING $5::int IS NULL OR count(*) < $5::int`,
        [documentId, bracketId, text, participantId, maxAlternatives ?? null],
      );
      if (inserted.rowCount === 0) throw new AlternativeRefusedError('full');
    });
    return (await this.bracket(documentId, bracketId)) as Bracket;
  }

  /** Resolves a bracket: keeps alternative `keptIndex`, or drops it (null); returns it (undefined if unknown). */
  async resolveBracket(
    documentId: string,
    bracketId: string,
    keptIndex: number | null,
    userId: string,
  ): Promise<Bracket | undefined> {
    const result = await this.db.query(
      `UPDATE brackets SET resolution = $1, kept_index = $2, resolved_by = $3, resolved_at = $4
       WHERE id = $5 AND document_id = $6 AND resolution IS NULL`,
      [keptIndex === null ? 'dropped' : 'kept', keptIndex, userId, nowIso(), bracketId, documentId],
    );
    return result.rowCount === 0 ? undefined : this.bracket(documentId, bracketId);
  }

  /** True when this document already has a bracket with this id (ids are scoped per document). */
  async bracketIdTaken(documentId: string, bracketId: string): Promise<boolean> {
    const result = await this.db.query('SELECT 1 FROM brackets WHERE document_id = $1 AND id = $2', [
      documentId,
      bracketId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  /** One bracket of the document, or undefined. */
  async bracket(documentId: string, bracketId: string): Promise<Bracket | undefined> {
    return (await this.brackets(documentId, bracketId))[0];
  }

  /**
   * The brackets of a document (only `bracketId` if given), oldest first
   * (ties by id), each with its alternatives in order: one statement, so one
   * snapshot.
   */
  async brackets(documentId: string, bracketId?: string): Promise<Bracket[]> {
    const result = await this.db.query<BracketAlternativeRow>(
      `SELECT b.id, b.clause_id, p.code AS proponent_code, ${isoText('b.created_at')} AS created_at,
              b.resolution, b.kept_index, ${isoText('b.resolved_at')} AS resolved_at,
              ${actorColumns('b.created_by', 'creator')}, ${actorColumns('b.resolved_by', 'resolver')},
              a.idx AS alt_index, a.text AS alt_text, ap.code AS alt_code
       FROM brackets b JOIN participants p ON p.id = b.proponent_participant_id
       LEFT JOIN bracket_alternatives a ON a.document_id = b.document_id AND a.bracket_id = b.id
       LEFT JOIN participants ap ON ap.id = a.proponent_participant_id
       WHERE b.document_id = $1 AND ($2::text IS NULL OR b.id = $2)
       ORDER BY b.created_at, b.id, a.idx`,
      [documentId, bracketId ?? null],
    );
    return groupBrackets(result.rows);
  }
}

/** Brackets from their rows joined with their alternatives (rows of one bracket are adjacent, in order). */
function groupBrackets(rows: readonly BracketAlternativeRow[]): Bracket[] {
  const groups: { row: BracketAlternativeRow; options: BracketAlternative[] }[] = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (group?.row.id !== row.id) {
      group = { row, options: [] };
      groups.push(group);
    }
    if (row.alt_index !== null) {
      group.options.push({
        index: row.alt_index,
        text: row.alt_text ?? '',
        proponentCode: row.alt_code ?? '',
      });
    }
  }
  return groups.map(({ row, options }) => ({
    id: row.id,
    clauseId: row.clause_id,
    proponentCode: row.proponent_code,
    createdAt: row.created_at,
    createdBy: actorFrom(row, 'creator'),
    alternatives: options,
    resolution: bracketResolution(row, options),
  }));
}
