import { randomUUID } from 'node:crypto';
import type {
  ChangeCounts,
  Meeting,
  MeetingKind,
  SummaryBaseline,
  VersionKind,
  VersionSummary,
} from '@draftroom/shared';
import { actorColumns, actorFrom } from '../negotiation/negotiationStore';
import { type AsyncOf, asyncOf } from '../store/asyncOf';
import type { SqliteDatabase } from '../store/database';
import { packState, unpackState } from '../store/stateEncoding';

export interface NewVersion {
  documentId: string;
  kind: VersionKind;
  label: string;
  note: string;
  meetingId: string | null;
  state: Uint8Array;
  structureJson: string;
  negotiationJson: string;
  /** The amendments' state (`versions/amendmentSnapshot.ts`, JSON); absent for none kept. */
  amendmentsJson?: string | null;
  fingerprint: string;
  lastUpdateId: number;
  summary: ChangeCounts;
  /** What `summary` counts against (see `VersionSummary.baseline`). */
  baseline: SummaryBaseline | null;
  createdBy: string | null;
  /** ISO time; the service's clock. */
  createdAt: string;
}

/** A stored version with what compare and export need. */
export interface StoredVersion extends VersionSummary {
  state: Uint8Array;
  structureJson: string;
  negotiationJson: string;
  lastUpdateId: number;
}

/** A row of the summary columns (shared with the PostgreSQL repository, which selects the same names). */
export interface VersionRow {
  id: string;
  document_id: string;
  kind: VersionKind;
  label: string;
  note: string;
  meeting_id: string | null;
  fingerprint: string;
  summary: string;
  created_at: string;
  last_update_id: number;
  [key: string]: unknown;
}

const SUMMARY_COLUMNS = `v.id, v.document_id, v.kind, v.label, v.note, v.meeting_id, v.fingerprint, v.summary,
  v.created_at, v.last_update_id, ${actorColumns('v.created_by', 'author')},
  m.title AS meeting_title, m.date_label AS meeting_date, m.place AS meeting_place`;

/**
 * The `summary` column: the counts and, since baselines are recorded, the
 * baseline (`null` for none). A row without the `baseline` key was counted
 * against whatever version was newest when it was taken; the service recounts
 * it (`staleSummaryIds`).
 */
interface StoredSummary extends ChangeCounts {
  baseline?: SummaryBaseline | null;
}

/** The columns of a new meeting's row: what both stores insert (with meetingInsertValues). */
export const MEETING_INSERT_COLUMNS = 'id, process_id, starts_on, ends_on, date_label, title, place, kind';

/** The values of MEETING_INSERT_COLUMNS for `meeting` of `processId` stored under `id`. */
export function meetingInsertValues(
  id: string,
  processId: string,
  meeting: Omit<Meeting, 'id' | 'processId'>,
): unknown[] {
  const { startsOn, endsOn, dateLabel, title, place, kind } = meeting;
  return [id, processId, startsOn, endsOn, dateLabel, title, place, kind];
}

/** The columns of a new version's row: what both stores insert (with versionInsertValues). */
export const VERSION_INSERT_COLUMNS = `id, document_id, kind, label, note, meeting_id, state, state_encoding,
  structure, negotiation, fingerprint, last_update_id, summary, created_by, created_at, amendments`;

/** The values of VERSION_INSERT_COLUMNS for `version` stored under `id` (its state packed: packState, level 6). */
export function versionInsertValues(id: string, version: NewVersion): unknown[] {
  const packed = packState(version.state, 6);
  return [
    id,
    version.documentId,
    version.kind,
    version.label,
    version.note,
    version.meetingId,
    packed.bytes,
    packed.encoding,
    version.structureJson,
    version.negotiationJson,
    version.fingerprint,
    version.lastUpdateId,
    summaryJson(version.summary, version.baseline),
    version.createdBy,
    version.createdAt,
    version.amendmentsJson ?? null,
  ];
}

/** The `summary` column's JSON text: the counts and the baseline they were counted against (null for none). */
export function summaryJson(summary: ChangeCounts, baseline: SummaryBaseline | null): string {
  return JSON.stringify({ ...summary, baseline } satisfies StoredSummary);
}

/** Clause-edit rows (clause id, participant code; in code order) as clause id → codes, each in row order. */
export function editorsFromRows(
  rows: readonly { clause_id: string; code: string }[],
): Record<string, string[]> {
  const editors: Record<string, string[]> = {};
  for (const row of rows) editors[row.clause_id] = [...(editors[row.clause_id] ?? []), row.code];
  return editors;
}

/**
 * Clause-edit rows (clause id, participant code, ISO time of the last edit
 * or null; in code order) as clause id → editors, each in row order.
 */
export function clauseEditsFromRows(
  rows: readonly { clause_id: string; code: string; at: string | null }[],
): Record<string, { code: string; lastEditedAt: string | null }[]> {
  const edits: Record<string, { code: string; lastEditedAt: string | null }[]> = {};
  for (const row of rows) {
    edits[row.clause_id] = [...(edits[row.clause_id] ?? []), { code: row.code, lastEditedAt: row.at }];
  }
  return edits;
}

/** A summary row as the history panel's entry; `summary` is the column's JSON text. */
export function toSummary(row: VersionRow): VersionSummary {
  const { added, changed, removed, moved, baseline } = JSON.parse(row.summary) as StoredSummary;
  return {
    id: row.id,
    documentId: row.document_id,
    kind: row.kind,
    label: row.label,
    note: row.note,
    meeting: row.meeting_id
      ? {
          id: row.meeting_id,
          title: String(row.meeting_title),
          dateLabel: String(row.meeting_date),
          place: String(row.meeting_place),
        }
      : null,
    fingerprint: row.fingerprint,
    summary: { added, changed, removed, moved },
    baseline: baseline ?? null,
    createdAt: row.created_at,
    createdBy: row.author_id ? actorFrom(row, 'author') : null,
  };
}

/** Meetings (the Work Plan) and immutable document versions. */
export class VersionStore {
  private readonly selectLatestMark;

  constructor(private readonly db: SqliteDatabase) {
    this.selectLatestMark = db.prepare<[string], { created_at: string; last_update_id: number }>(
      'SELECT created_at, last_update_id FROM versions WHERE document_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
    );
  }

  addMeeting(processId: string, meeting: Omit<Meeting, 'id' | 'processId'>): Meeting {
    const id = randomUUID();
    const values = meetingInsertValues(id, processId, meeting);
    this.db
      .prepare(
        `INSERT INTO meetings (${MEETING_INSERT_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`,
      )
      .run(...values);
    return { id, processId, ...meeting };
  }

  meetings(processId: string): Meeting[] {
    return this.db
      .prepare<[string], Meeting>(
        `SELECT id, process_id AS processId, starts_on AS startsOn, ends_on AS endsOn, date_label AS dateLabel,
                title, place, kind FROM meetings WHERE process_id = ? ORDER BY starts_on`,
      )
      .all(processId)
      .map((meeting) => ({ ...meeting, kind: meeting.kind as MeetingKind }));
  }

  meetingOfProcess(processId: string, meetingId: string): Meeting | undefined {
    return this.meetings(processId).find((meeting) => meeting.id === meetingId);
  }

  create(version: NewVersion): VersionSummary {
    const id = randomUUID();
    const values = versionInsertValues(id, version);
    this.db
      .prepare(
        `INSERT INTO versions (${VERSION_INSERT_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`,
      )
      .run(...values);
    return this.summary(version.documentId, id) as VersionSummary;
  }

  /** Newest first. */
  list(documentId: string): VersionSummary[] {
    return this.db
      .prepare<[string], VersionRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM versions v LEFT JOIN meetings m ON m.id = v.meeting_id
         WHERE v.document_id = ? ORDER BY v.created_at DESC, v.rowid DESC`,
      )
      .all(documentId)
      .map(toSummary);
  }

  summary(documentId: string, versionId: string): VersionSummary | undefined {
    const row = this.db
      .prepare<[string, string], VersionRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM versions v LEFT JOIN meetings m ON m.id = v.meeting_id
         WHERE v.document_id = ? AND v.id = ?`,
      )
      .get(documentId, versionId);
    return row && toSummary(row);
  }

  load(documentId: string, versionId: string): StoredVersion | undefined {
    const summary = this.summary(documentId, versionId);
    if (!summary) return undefined;
    const row = this.db
      .prepare<
        [string],
        {
          state: Buffer;
          state_encoding: string;
          structure: string;
          negotiation: string;
          last_update_id: number;
        }
      >('SELECT state, state_encoding, structure, negotiation, last_update_id FROM versions WHERE id = ?')
      .get(versionId);
    if (!row) return undefined;
    return {
      ...summary,
      state: unpackState(row.state, row.state_encoding),
      structureJson: row.structure,
      negotiationJson: row.negotiation,
      lastUpdateId: row.last_update_id,
    };
  }

  /** The amendments' state a version kept (JSON), or null when it kept none (taken before they were kept). */
  amendmentsJson(documentId: string, versionId: string): string | null {
    const row = this.db
      .prepare<[string, string], { amendments: string | null }>(
        'SELECT amendments FROM versions WHERE document_id = ? AND id = ?',
      )
      .get(documentId, versionId);
    return row?.amendments ?? null;
  }

  /** When the newest version of a document was taken and what it includes, without loading its state. */
  latestMark(documentId: string): { createdAt: string; lastUpdateId: number } | undefined {
    const row = this.selectLatestMark.get(documentId);
    return row ? { createdAt: row.created_at, lastUpdateId: row.last_update_id } : undefined;
  }

  /** The newest version of a document, or the newest of one kind. */
  latest(documentId: string, kind?: VersionKind): StoredVersion | undefined {
    const id = this.db
      .prepare<[{ documentId: string; kind: string | null }], { id: string }>(
        `SELECT id FROM versions WHERE document_id = @documentId AND (@kind IS NULL OR kind = @kind)
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get({ documentId, kind: kind ?? null })?.id;
    return id ? this.load(documentId, id) : undefined;
  }

  /**
   * Versions whose summary must be recounted: saved before baselines were
   * recorded (no `baseline` key), or counted against a version that is gone
   * (thinned away).
   */
  staleSummaryIds(documentId: string): string[] {
    return this.db
      .prepare<[{ documentId: string }], { id: string }>(
        `SELECT v.id FROM versions v
         WHERE v.document_id = @documentId
           AND (json_type(v.summary, '$.baseline') IS NULL
                OR (json_type(v.summary, '$.baseline') = 'object'
                    AND NOT EXISTS (SELECT 1 FROM versions b WHERE b.document_id = @documentId
                                    AND b.id = json_extract(v.summary, '$.baseline.id'))))`,
      )
      .all({ documentId })
      .map((row) => row.id);
  }

  findByFingerprint(fingerprint: string): VersionSummary[] {
    const ids = this.db
      .prepare<[string], { id: string; document_id: string }>(
        'SELECT id, document_id FROM versions WHERE fingerprint = ?',
      )
      .all(fingerprint);
    return ids.flatMap((row) => this.summary(row.document_id, row.id) ?? []);
  }

  setSummary(versionId: string, summary: ChangeCounts, baseline: SummaryBaseline | null): void {
    this.db
      .prepare('UPDATE versions SET summary = ? WHERE id = ?')
      .run(summaryJson(summary, baseline), versionId);
  }

  /** Deletes automatic checkpoints (never named versions) by id. */
  deleteAutomatic(ids: readonly string[]): void {
    const remove = this.db.prepare("DELETE FROM versions WHERE id = ? AND kind = 'automatic'");
    this.db.transaction(() => {
      for (const id of ids) remove.run(id);
    })();
  }

  /** Participants who edited each clause between two points of the update log. */
  editorsByClause(documentId: string, afterUpdateId: number, upToUpdateId: number): Record<string, string[]> {
    const rows = this.db
      .prepare<[string, number, number], { clause_id: string; code: string }>(
        `SELECT DISTINCT e.clause_id, p.code FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         WHERE e.document_id = ? AND e.update_id > ? AND e.update_id <= ? ORDER BY p.code`,
      )
      .all(documentId, afterUpdateId, upToUpdateId);
    return editorsFromRows(rows);
  }

  /**
   * Who edited each clause between two points of the update log, and when
   * each last did (ISO; null for edits stored before the time was kept whose
   * update was compacted away): clause id → editors by participant code.
   */
  clauseEdits(
    documentId: string,
    afterUpdateId: number,
    upToUpdateId: number,
  ): Record<string, { code: string; lastEditedAt: string | null }[]> {
    const rows = this.db
      .prepare<[string, number, number], { clause_id: string; code: string; at: string | null }>(
        `SELECT e.clause_id, p.code, max(coalesce(e.edited_at, u.created_at)) AS at
         FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         LEFT JOIN document_updates u ON u.id = e.update_id
         WHERE e.document_id = ? AND e.update_id > ? AND e.update_id <= ?
         GROUP BY e.clause_id, p.code ORDER BY p.code`,
      )
      .all(documentId, afterUpdateId, upToUpdateId);
    return clauseEditsFromRows(rows);
  }
}

/** The methods of VersionStore the server uses, in the asynchronous interface every implementation meets. */
const VERSION_REPOSITORY_METHODS = [
  'addMeeting',
  'meetings',
  'meetingOfProcess',
  'create',
  'list',
  'summary',
  'load',
  'amendmentsJson',
  'latestMark',
  'latest',
  'staleSummaryIds',
  'findByFingerprint',
  'setSummary',
  'deleteAutomatic',
  'editorsByClause',
  'clauseEdits',
] as const satisfies readonly (keyof VersionStore)[];

/**
 * Meetings and versions behind an asynchronous interface: the same methods,
 * arguments and results as VersionStore, each as a promise. Implemented by
 * the SQLite store (`sqliteVersionRepository`) and by PostgreSQL
 * (`store/postgres/pgVersionRepository.ts`).
 */
export type VersionRepository = AsyncOf<Pick<VersionStore, (typeof VERSION_REPOSITORY_METHODS)[number]>>;

/** The SQLite store as a VersionRepository: each call runs at once and settles its promise. */
export function sqliteVersionRepository(store: VersionStore): VersionRepository {
  return asyncOf(store, VERSION_REPOSITORY_METHODS);
}
