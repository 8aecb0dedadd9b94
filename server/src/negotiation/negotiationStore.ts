import type {
  Actor,
  Bracket,
  ClauseStatus,
  ClauseStatusEntry,
  DelegationPosition,
  PositionEntry,
} from '@draftroom/shared';
import { type AsyncOf, asyncOf } from '../store/asyncOf';
import { nowIso, type SqliteDatabase } from '../store/database';

/** SQL selecting an actor's columns for the user id in `column`, aliased with `prefix`. */
export function actorColumns(column: string, prefix: string): string {
  return `${column} AS ${prefix}_id,
    (SELECT u.name FROM users u WHERE u.id = ${column}) AS ${prefix}_name,
    (SELECT p.code FROM users u JOIN participants p ON p.id = u.participant_id WHERE u.id = ${column}) AS ${prefix}_code`;
}

export function actorFrom(row: Record<string, unknown>, prefix: string): Actor {
  return {
    userId: String(row[`${prefix}_id`] ?? ''),
    name: String(row[`${prefix}_name`] ?? ''),
    participantCode: String(row[`${prefix}_code`] ?? ''),
  };
}

/** A status row with its actor's columns (`actorColumns(…, 'by')`); `at` is ISO 8601 UTC text. */
export interface StatusRow {
  clause_id: string;
  status: ClauseStatus;
  at: string;
  [key: string]: unknown;
}

/** A position row with its participant's code and its actor's columns (`actorColumns(…, 'by')`). */
export interface PositionRow {
  clause_id: string;
  participant_code: string;
  position: DelegationPosition;
  note: string;
  at: string;
  [key: string]: unknown;
}

export function toStatusEntry(row: StatusRow): ClauseStatusEntry {
  return { clauseId: row.clause_id, status: row.status, changedAt: row.at, changedBy: actorFrom(row, 'by') };
}

export function toPositionEntry(row: PositionRow): PositionEntry {
  return {
    clauseId: row.clause_id,
    participantCode: row.participant_code,
    position: row.position,
    note: row.note,
    setAt: row.at,
    setBy: actorFrom(row, 'by'),
  };
}

/** A bracket row with its proponent's code and the creator's and resolver's columns. */
export interface BracketRow {
  id: string;
  clause_id: string;
  proponent_code: string;
  created_at: string;
  resolution: 'kept' | 'dropped' | null;
  kept_index: number | null;
  resolved_at: string | null;
  [key: string]: unknown;
}

/**
 * `addAlternative` refused, storing nothing: the bracket is resolved, or
 * already holds as many wordings as allowed. Checked where the wording
 * is stored (PostgreSQL: under the bracket's row lock), so requests arriving
 * at once through any instances cannot all pass a check read before.
 */
export class AlternativeRefusedError extends Error {
  constructor(readonly reason: 'resolved' | 'full') {
    super(reason === 'resolved' ? 'the bracket is resolved' : 'the bracket holds the most wordings it may');
    this.name = 'AlternativeRefusedError';
  }
}

/** The methods of NegotiationStore the server uses: the NegotiationRepository interface. */
const NEGOTIATION_METHODS = [
  'nextEventSeq',
  'lastEventSeq',
  'setStatus',
  'statuses',
  'statusHistory',
  'agreedClauses',
  'setPosition',
  'positions',
  'positionHistory',
  'createBracket',
  'addAlternative',
  'resolveBracket',
  'bracketIdTaken',
  'bracket',
  'brackets',
] as const satisfies readonly (keyof NegotiationStore)[];

/**
 * Clause statuses, delegation positions, brackets and the negotiation event
 * numbering of a document, asynchronous: NegotiationStore's methods with the
 * same arguments and results (SQLite: `sqliteNegotiationRepository`;
 * PostgreSQL: store/postgres/pgNegotiationRepository.ts).
 */
export type NegotiationRepository = AsyncOf<Pick<NegotiationStore, (typeof NEGOTIATION_METHODS)[number]>>;

/** The SQLite store as a NegotiationRepository (each call runs at once, its result a settled promise). */
export function sqliteNegotiationRepository(store: NegotiationStore): NegotiationRepository {
  return asyncOf(store, NEGOTIATION_METHODS);
}

/** Clause statuses, delegation positions and brackets, each with its full history. */
export class NegotiationStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Allocates the next event sequence number of a document (events are ordered for everyone by it). */
  nextEventSeq(documentId: string): number {
    const row = this.db
      .prepare<[string, string, string], { seq: number }>(
        `INSERT INTO document_events (document_id, seq, at)
         SELECT ?, coalesce(max(seq), 0) + 1, ? FROM document_events WHERE document_id = ? RETURNING seq`,
      )
      .get(documentId, nowIso(), documentId);
    return row?.seq ?? 0;
  }

  lastEventSeq(documentId: string): number {
    return (
      this.db
        .prepare<[string], { seq: number | null }>(
          'SELECT max(seq) AS seq FROM document_events WHERE document_id = ?',
        )
        .get(documentId)?.seq ?? 0
    );
  }

  setStatus(documentId: string, clauseId: string, status: ClauseStatus, userId: string): ClauseStatusEntry {
    this.db
      .prepare(
        'INSERT INTO clause_status_history (document_id, clause_id, status, user_id, at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(documentId, clauseId, status, userId, nowIso());
    const entry = this.statuses(documentId, clauseId)[0];
    if (!entry) throw new Error('status not stored');
    return entry;
  }

  /** The current status of each clause that has one (clauses without are open). */
  statuses(documentId: string, clauseId?: string): ClauseStatusEntry[] {
    const rows = this.db
      .prepare<[string, string | null, string | null], StatusRow>(
        `SELECT clause_id, status, at, ${actorColumns('user_id', 'by')} FROM clause_status_history h
         WHERE document_id = ? AND (? IS NULL OR clause_id = ?)
           AND id = (SELECT max(id) FROM clause_status_history
                     WHERE document_id = h.document_id AND clause_id = h.clause_id)`,
      )
      .all(documentId, clauseId ?? null, clauseId ?? null);
    return rows.map(toStatusEntry);
  }

  statusHistory(documentId: string, clauseId: string): ClauseStatusEntry[] {
    const rows = this.db
      .prepare<[string, string], StatusRow>(
        `SELECT clause_id, status, at, ${actorColumns('user_id', 'by')} FROM clause_status_history
         WHERE document_id = ? AND clause_id = ? ORDER BY id`,
      )
      .all(documentId, clauseId);
    return rows.map(toStatusEntry);
  }

  agreedClauses(documentId: string): string[] {
    return this.statuses(documentId)
      .filter((entry) => entry.status === 'agreed')
      .map((entry) => entry.clauseId);
  }

  setPosition(
    documentId: string,
    clauseId: string,
    participantId: string,
    position: { position: DelegationPosition; note: string },
    userId: string,
  ): PositionEntry {
    const inserted = this.db
      .prepare(
        `INSERT INTO position_history (document_id, clause_id, participant_id, position, note, user_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(documentId, clauseId, participantId, position.position, position.note, userId, nowIso());
    // The entry just inserted (one user may set the positions of several delegations on one clause).
    const row = this.db
      .prepare<[number], PositionRow>(
        `SELECT h.clause_id, p.code AS participant_code, h.position, h.note, h.at, ${actorColumns('h.user_id', 'by')}
         FROM position_history h JOIN participants p ON p.id = h.participant_id WHERE h.id = ?`,
      )
      .get(Number(inserted.lastInsertRowid));
    if (!row) throw new Error('position not stored');
    return toPositionEntry(row);
  }

  /** The current position of each participant on each clause. */
  positions(documentId: string, clauseId?: string): PositionEntry[] {
    const rows = this.db
      .prepare<[string, string | null, string | null], PositionRow>(
        `SELECT h.clause_id, p.code AS participant_code, h.position, h.note, h.at, ${actorColumns('h.user_id', 'by')}
         FROM position_history h JOIN participants p ON p.id = h.participant_id
         WHERE h.document_id = ? AND (? IS NULL OR h.clause_id = ?)
           AND h.id = (SELECT max(id) FROM position_history
                       WHERE document_id = h.document_id AND clause_id = h.clause_id AND participant_id = h.participant_id)
         ORDER BY h.clause_id, p.code`,
      )
      .all(documentId, clauseId ?? null, clauseId ?? null);
    return rows.map(toPositionEntry);
  }

  positionHistory(documentId: string, clauseId: string): PositionEntry[] {
    const rows = this.db
      .prepare<[string, string], PositionRow>(
        `SELECT h.clause_id, p.code AS participant_code, h.position, h.note, h.at, ${actorColumns('h.user_id', 'by')}
         FROM position_history h JOIN participants p ON p.id = h.participant_id
         WHERE h.document_id = ? AND h.clause_id = ? ORDER BY h.id`,
      )
      .all(documentId, clauseId);
    return rows.map(toPositionEntry);
  }

  createBracket(
    documentId: string,
    bracket: { id: string; clauseId: string; alternatives: string[] },
    user: { id: string; participantId: string },
  ): Bracket {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO brackets (id, document_id, clause_id, proponent_participant_id, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(bracket.id, documentId, bracket.clauseId, user.participantId, user.id, nowIso());
      bracket.alternatives.forEach((text, index) => {
        this.insertAlternative(documentId, bracket.id, index, text, user.participantId);
      });
    })();
    return this.bracket(documentId, bracket.id) as Bracket;
  }

  /**
   * Adds a wording after the bracket's last one; returns the bracket. Throws
   * AlternativeRefusedError (nothing stored) when the bracket is resolved, or
   * holds `maxAlternatives` wordings already (no bound when omitted); the
   * database's error (foreign key) for an unknown bracket.
   */
  addAlternative(
    documentId: string,
    bracketId: string,
    text: string,
    participantId: string,
    maxAlternatives = Number.POSITIVE_INFINITY,
  ): Bracket {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare<[string, string], { resolution: string | null; n: number | null; count: number }>(
            `SELECT b.resolution,
               (SELECT max(idx) FROM bracket_alternatives a WHERE a.document_id = b.document_id AND a.bracket_id = b.id) AS n,
               (SELECT count(*) FROM bracket_alternatives a WHERE a.document_id = b.document_id AND a.bracket_id = b.id) AS count
             FROM brackets b WHERE b.document_id = ? AND b.id = ?`,
          )
          .get(documentId, bracketId);
        if (row?.resolution) throw new AlternativeRefusedError('resolved');
        if (row && row.count >= maxAlternatives) throw new AlternativeRefusedError('full');
        this.insertAlternative(documentId, bracketId, (row?.n ?? -1) + 1, text, participantId);
        return this.bracket(documentId, bracketId) as Bracket;
      })
      .immediate();
  }

  private insertAlternative(
    documentId: string,
    bracketId: string,
    index: number,
    text: string,
    participantId: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO bracket_alternatives (document_id, bracket_id, idx, text, proponent_participant_id)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(documentId, bracketId, index, text, participantId);
  }

  /**
   * Resolves an open bracket (`keptIndex`: the alternative kept; null: dropped)
   * and returns it; undefined, changing nothing, when the document has no such
   * bracket or it is resolved already (a resolution is decided once, also when
   * two instances race: the condition is checked by the write itself).
   */
  resolveBracket(
    documentId: string,
    bracketId: string,
    keptIndex: number | null,
    userId: string,
  ): Bracket | undefined {
    const result = this.db
      .prepare(
        `UPDATE brackets SET resolution = ?, kept_index = ?, resolved_by = ?, resolved_at = ?
         WHERE id = ? AND document_id = ? AND resolution IS NULL`,
      )
      .run(keptIndex === null ? 'dropped' : 'kept', keptIndex, userId, nowIso(), bracketId, documentId);
    return result.changes === 0 ? undefined : this.bracket(documentId, bracketId);
  }

  /** True when this document already has a bracket with this id (ids are scoped per document). */
  bracketIdTaken(documentId: string, bracketId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM brackets WHERE document_id = ? AND id = ?')
        .get(documentId, bracketId) !== undefined
    );
  }

  bracket(documentId: string, bracketId: string): Bracket | undefined {
    return this.brackets(documentId, bracketId)[0];
  }

  brackets(documentId: string, bracketId?: string): Bracket[] {
    const rows = this.db
      .prepare<[string, string | null, string | null], BracketRow>(
        `SELECT b.id, b.clause_id, p.code AS proponent_code, b.created_at, b.resolution, b.kept_index, b.resolved_at,
                ${actorColumns('b.created_by', 'creator')}, ${actorColumns('b.resolved_by', 'resolver')}
         FROM brackets b JOIN participants p ON p.id = b.proponent_participant_id
         WHERE b.document_id = ? AND (? IS NULL OR b.id = ?) ORDER BY b.created_at`,
      )
      .all(documentId, bracketId ?? null, bracketId ?? null);
    const alternatives = this.db.prepare<[string, string], { idx: number; text: string; code: string }>(
      `SELECT a.idx, a.text, p.code FROM bracket_alternatives a JOIN participants p ON p.id = a.proponent_participant_id
       WHERE a.document_id = ? AND a.bracket_id = ? ORDER BY a.idx`,
    );
    return rows.map((row) => {
      const options = alternatives
        .all(documentId, row.id)
        .map((a) => ({ index: a.idx, text: a.text, proponentCode: a.code }));
      return {
        id: row.id,
        clauseId: row.clause_id,
        proponentCode: row.proponent_code,
        createdAt: row.created_at,
        createdBy: actorFrom(row, 'creator'),
        alternatives: options,
        resolution: bracketResolution(row, options),
      };
    });
  }
}

/** A bracket's resolution from its row and its alternatives (null while it is open). */
export function bracketResolution(
  row: BracketRow,
  options: { index: number; text: string }[],
): Bracket['resolution'] {
  if (!row.resolution || !row.resolved_at) return null;
  const by = actorFrom(row, 'resolver');
  if (row.resolution === 'dropped') return { kind: 'dropped', by, at: row.resolved_at };
  const kept = options.find((option) => option.index === row.kept_index);
  return { kind: 'kept', index: row.kept_index ?? 0, text: kept?.text ?? '', by, at: row.resolved_at };
}
