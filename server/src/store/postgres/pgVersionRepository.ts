import { randomUUID } from 'node:crypto';
import type {
  ChangeCounts,
  Meeting,
  MeetingKind,
  SummaryBaseline,
  VersionKind,
  VersionSummary,
} from '@draftroom/shared';
import { actorColumns } from '../../negotiation/negotiationStore';
import {
  clauseEditsFromRows,
  editorsFromRows,
  MEETING_INSERT_COLUMNS,
  meetingInsertValues,
  type NewVersion,
  type StoredVersion,
  summaryJson,
  toSummary,
  VERSION_INSERT_COLUMNS,
  type VersionRepository,
  type VersionRow,
  versionInsertValues,
} from '../../versions/versionStore';
import { unpackState } from '../stateEncoding';
import { isoText } from './isoTime';
import { bigintOf, type Queryable } from './queryable';

/** The summary columns under the names VersionStore's rows have (`toSummary` reads both). */
const SUMMARY_COLUMNS = `v.id, v.document_id, v.kind, v.label, v.note, v.meeting_id, v.fingerprint,
  v.summary::text AS summary, ${isoText('v.created_at')} AS created_at, v.last_update_id,
  ${actorColumns('v.created_by', 'author')},
  m.title AS meeting_title, m.date_label AS meeting_date, m.place AS meeting_place`;

const FROM_VERSIONS = 'FROM versions v LEFT JOIN meetings m ON m.id = v.meeting_id';

/** Newest first; `seq` (insertion order) breaks ties of time as SQLite's rowid does. */
const NEWEST_FIRST = 'ORDER BY v.created_at DESC, v.seq DESC';

const MEETING_COLUMNS = `id, process_id AS "processId", starts_on AS "startsOn", ends_on AS "endsOn",
  date_label AS "dateLabel", title, place, kind`;

interface FrozenRow extends VersionRow {
  state: Buffer;
  state_encoding: string;
  structure: string;
  negotiation: string;
}

function toStoredVersion(row: FrozenRow): StoredVersion {
  return {
    ...toSummary(row),
    state: unpackState(row.state, row.state_encoding),
    structureJson: row.structure,
    negotiationJson: row.negotiation,
    lastUpdateId: bigintOf(row.last_update_id),
  };
}

/**
 * Meetings (the Work Plan) and immutable document versions in PostgreSQL
 * (schema: schema/versions.ts): the VersionRepository interface with the
 * SQLite store's results — same ids, ISO 8601 UTC times, orders, nulls and
 * JSON text. Built on a Queryable: the pool, or a transaction's client so
 * its writes join that transaction. Clause attribution (`editorsByClause`,
 * `clauseEdits`) reads `clause_edits` and `document_updates` of
 * schema/documents.ts, whose update ids are numbered per document. Every
 * method rejects with the database's error when a statement fails.
 */
export class PgVersionRepository implements VersionRepository {
  constructor(private readonly db: Queryable) {}

  /** Adds a meeting to a process's Work Plan; returns it with its new id. */
  async addMeeting(processId: string, meeting: Omit<Meeting, 'id' | 'processId'>): Promise<Meeting> {
    const id = randomUUID();
    const values = meetingInsertValues(id, processId, meeting);
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    await this.db.query(`INSERT INTO meetings (${MEETING_INSERT_COLUMNS}) VALUES (${placeholders})`, values);
    return { id, processId, ...meeting };
  }

  /** A process's meetings by start date (ISO dates, compared as text), then in the order they were added. */
  async meetings(processId: string): Promise<Meeting[]> {
    const result = await this.db.query<Meeting>(
      `SELECT ${MEETING_COLUMNS} FROM meetings WHERE process_id = $1 ORDER BY starts_on COLLATE "C", seq`,
      [processId],
    );
    return result.rows.map((meeting) => ({ ...meeting, kind: meeting.kind as MeetingKind }));
  }

  /** The meeting if it belongs to the process; undefined for an unknown id or another process's meeting. */
  async meetingOfProcess(processId: string, meetingId: string): Promise<Meeting | undefined> {
    const result = await this.db.query<Meeting>(
      `SELECT ${MEETING_COLUMNS} FROM meetings WHERE process_id = $1 AND id = $2`,
      [processId, meetingId],
    );
    const meeting = result.rows[0];
    return meeting && { ...meeting, kind: meeting.kind as MeetingKind };
  }

  /**
   * Stores a version (its state deflated at level 6) and returns its summary.
   * Rejects when `meetingId` names no meeting (foreign key).
   */
  async create(version: NewVersion): Promise<VersionSummary> {
    const id = randomUUID();
    const values = versionInsertValues(id, version);
    // summary is the 13th column: json in PostgreSQL.
    const placeholders = values.map((_, i) => (i === 12 ? `$${i + 1}::json` : `$${i + 1}`)).join(', ');
    await this.db.query(`INSERT INTO versions (${VERSION_INSERT_COLUMNS}) VALUES (${placeholders})`, values);
    return (await this.summary(version.documentId, id)) as VersionSummary;
  }

  /** Newest first. */
  async list(documentId: string): Promise<VersionSummary[]> {
    const result = await this.db.query<VersionRow>(
      `SELECT ${SUMMARY_COLUMNS} ${FROM_VERSIONS} WHERE v.document_id = $1 ${NEWEST_FIRST}`,
      [documentId],
    );
    return result.rows.map(toSummary);
  }

  /** One version's summary; undefined for an unknown id or a version of another document. */
  async summary(documentId: string, versionId: string): Promise<VersionSummary | undefined> {
    const result = await this.db.query<VersionRow>(
      `SELECT ${SUMMARY_COLUMNS} ${FROM_VERSIONS} WHERE v.document_id = $1 AND v.id = $2`,
      [documentId, versionId],
    );
    const row = result.rows[0];
    return row && toSummary(row);
  }

  /** A version with its frozen state, structure and negotiation; undefined as for `summary`. */
  async load(documentId: string, versionId: string): Promise<StoredVersion | undefined> {
    const result = await this.db.query<FrozenRow>(
      `SELECT ${SUMMARY_COLUMNS}, v.state, v.state_encoding, v.structure, v.negotiation
       ${FROM_VERSIONS} WHERE v.document_id = $1 AND v.id = $2`,
      [documentId, versionId],
    );
    const row = result.rows[0];
    return row && toStoredVersion(row);
  }

  /** The amendments' state a version kept (JSON), or null when it kept none (taken before they were kept). */
  async amendmentsJson(documentId: string, versionId: string): Promise<string | null> {
    const result = await this.db.query<{ amendments: string | null }>(
      'SELECT amendments FROM versions WHERE document_id = $1 AND id = $2',
      [documentId, versionId],
    );
    return result.rows[0]?.amendments ?? null;
  }

  /** When the newest version of a document was taken and what it includes, without loading its state. */
  async latestMark(documentId: string): Promise<{ createdAt: string; lastUpdateId: number } | undefined> {
    const result = await this.db.query<{ created_at: string; last_update_id: string }>(
      `SELECT ${isoText('v.created_at')} AS created_at, v.last_update_id FROM versions v
       WHERE v.document_id = $1 ${NEWEST_FIRST} LIMIT 1`,
      [documentId],
    );
    const row = result.rows[0];
    return row ? { createdAt: row.created_at, lastUpdateId: bigintOf(row.last_update_id) } : undefined;
  }

  /** The newest version of a document, or the newest of one kind. */
  async latest(documentId: string, kind?: VersionKind): Promise<StoredVersion | undefined> {
    const result = await this.db.query<FrozenRow>(
      `SELECT ${SUMMARY_COLUMNS}, v.state, v.state_encoding, v.structure, v.negotiation
       ${FROM_VERSIONS} WHERE v.document_id = $1 AND ($2::text IS NULL OR v.kind = $2) ${NEWEST_FIRST} LIMIT 1`,
      [documentId, kind ?? null],
    );
    const row = result.rows[0];
    return row && toStoredVersion(row);
  }

  /**
   * Versions whose summary must be recounted: saved before baselines were
   * recorded (no `baseline` key), or counted against a version that is gone
   * (thinned away). Oldest first.
   */
  async staleSummaryIds(documentId: string): Promise<string[]> {
    const result = await this.db.query<{ id: string }>(
      `SELECT v.id FROM versions v
       WHERE v.document_id = $1
         AND (v.summary -> 'baseline' IS NULL
              OR (json_typeof(v.summary -> 'baseline') = 'object'
                  AND NOT EXISTS (SELECT 1 FROM versions b WHERE b.document_id = $1
                                  AND b.id = v.summary -> 'baseline' ->> 'id')))
       ORDER BY v.created_at, v.seq`,
      [documentId],
    );
    return result.rows.map((row) => row.id);
  }

  /** Every version (of any document) with this fingerprint, in the order they were taken. */
  async findByFingerprint(fingerprint: string): Promise<VersionSummary[]> {
    const result = await this.db.query<VersionRow>(
      `SELECT ${SUMMARY_COLUMNS} ${FROM_VERSIONS} WHERE v.fingerprint = $1 ORDER BY v.seq`,
      [fingerprint],
    );
    return result.rows.map(toSummary);
  }

  /** Replaces a version's change summary and its baseline; an unknown id changes nothing. */
  async setSummary(
    versionId: string,
    summary: ChangeCounts,
    baseline: SummaryBaseline | null,
  ): Promise<void> {
    await this.db.query('UPDATE versions SET summary = $1::json WHERE id = $2', [
      summaryJson(summary, baseline),
      versionId,
    ]);
  }

  /** Deletes automatic checkpoints (never named versions) by id, in one statement. */
  async deleteAutomatic(ids: readonly string[]): Promise<void> {
    await this.db.query("DELETE FROM versions WHERE id = ANY($1::text[]) AND kind = 'automatic'", [[...ids]]);
  }

  /** Participants who edited each clause between two points of the update log: clause id → codes in code order. */
  async editorsByClause(
    documentId: string,
    afterUpdateId: number,
    upToUpdateId: number,
  ): Promise<Record<string, string[]>> {
    const result = await this.db.query<{ clause_id: string; code: string }>(
      `SELECT DISTINCT e.clause_id, p.code COLLATE "C" AS code
       FROM clause_edits e JOIN participants p ON p.id = e.participant_id
       WHERE e.document_id = $1 AND e.update_id > $2 AND e.update_id <= $3 ORDER BY code`,
      [documentId, afterUpdateId, upToUpdateId],
    );
    return editorsFromRows(result.rows);
  }

  /**
   * Who edited each clause between two points of the update log, and when
   * each last did (ISO; null for an edit with no time of its own whose
   * update is gone): clause id → editors in participant code order.
   */
  async clauseEdits(
    documentId: string,
    afterUpdateId: number,
    upToUpdateId: number,
  ): Promise<Record<string, { code: string; lastEditedAt: string | null }[]>> {
    const result = await this.db.query<{ clause_id: string; code: string; at: string | null }>(
      `SELECT e.clause_id, p.code COLLATE "C" AS code, ${isoText('max(coalesce(e.edited_at, u.created_at))')} AS at
       FROM clause_edits e JOIN participants p ON p.id = e.participant_id
       LEFT JOIN document_updates u ON u.document_id = e.document_id AND u.id = e.update_id
       WHERE e.document_id = $1 AND e.update_id > $2 AND e.update_id <= $3
       GROUP BY e.clause_id, p.code ORDER BY code`,
      [documentId, afterUpdateId, upToUpdateId],
    );
    return clauseEditsFromRows(result.rows);
  }
}
