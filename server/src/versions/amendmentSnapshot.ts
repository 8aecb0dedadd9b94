/**
 * The amendments' state a version keeps (the `versions.amendments` column,
 * JSON): per amendment its number, what it amends, its proponent and its
 * status when the version was taken. Compare lists the amendments tabled
 * and decided between two sides from two such snapshots.
 *
 * A version taken before snapshots were kept (the column is NULL) gets one
 * read from the amendment records at the version's time: an amendment
 * tabled after it is left out, one decided after it was still tabled. An
 * amendment changes status once (tabled → its outcome), so this is exact
 * for records that keep `tabledAt` and `decidedAt`.
 */
import {
  AMENDMENT_STATUS_LABEL,
  type Amendment,
  type AmendmentChangeEntry,
  type AmendmentKind,
  type AmendmentStatus,
} from '@draftroom/shared';

/** One amendment as a version keeps it. */
export interface AmendmentState {
  id: string;
  number: number;
  kind: AmendmentKind;
  clauseId: string;
  clauseNumber: string;
  proponentCode: string;
  compromise: boolean;
  status: AmendmentStatus;
  coveredBy: number | null;
}

/** The state of `amendments` now, in number order. */
export function amendmentSnapshot(amendments: readonly Amendment[]): AmendmentState[] {
  return [...amendments]
    .sort((a, b) => a.number - b.number)
    .map((amendment) => ({
      id: amendment.id,
      number: amendment.number,
      kind: amendment.kind,
      clauseId: amendment.clauseId,
      clauseNumber: amendment.clauseNumber,
      proponentCode: amendment.proponentCode,
      compromise: amendment.compromise,
      status: amendment.status,
      coveredBy: amendment.coveredBy,
    }));
}

/**
 * The state of `amendments` at `at` (ISO time), read from their records:
 * those tabled by then, each still `tabled` unless it was decided by then.
 */
export function amendmentSnapshotAt(amendments: readonly Amendment[], at: string): AmendmentState[] {
  const moment = Date.parse(at);
  const by = (time: string | null) => time !== null && Date.parse(time) <= moment;
  return amendmentSnapshot(amendments.filter((amendment) => by(amendment.tabledAt))).map((state) => {
    const record = amendments.find((amendment) => amendment.id === state.id);
    return record && by(record.decidedAt) ? state : { ...state, status: 'tabled', coveredBy: null };
  });
}

/** The stored snapshot of a version, or (for a version without one) the records read at its time. */
export function storedAmendmentSnapshot(
  json: string | null,
  versionCreatedAt: string,
  records: readonly Amendment[],
): AmendmentState[] {
  if (json === null) return amendmentSnapshotAt(records, versionCreatedAt);
  return JSON.parse(json) as AmendmentState[];
}

/**
 * The amendments tabled or decided from `earlier` to `later` (see
 * `AmendmentChangeEntry`), in number order.
 */
export function amendmentChangesBetween(
  earlier: readonly AmendmentState[],
  later: readonly AmendmentState[],
): AmendmentChangeEntry[] {
  const before = new Map(earlier.map((state) => [state.id, state]));
  const changes: AmendmentChangeEntry[] = [];
  for (const state of [...later].sort((a, b) => a.number - b.number)) {
    const previous = before.get(state.id);
    const tabled = previous === undefined;
    const decided = state.status !== 'tabled' && (previous === undefined || previous.status === 'tabled');
    if (!tabled && !decided) continue;
    changes.push({
      amendmentId: state.id,
      number: state.number,
      kind: state.kind,
      clauseId: state.clauseId,
      clauseNumber: state.clauseNumber,
      proponentCode: state.proponentCode,
      compromise: state.compromise,
      tabled,
      decided,
      statusBefore: previous?.status ?? null,
      statusAfter: state.status,
      coveredBy: state.coveredBy,
    });
  }
  return changes;
}

/**
 * An entry as one line, for the comparison DOCX: "AM 3 (new clause after
 * 1.1, HU): tabled → rejected", "AM 1 (2.2, UA): tabled".
 */
export function amendmentChangeLine(entry: AmendmentChangeEntry): string {
  const clause = entry.kind === 'insert' ? `new clause after ${entry.clauseNumber}` : entry.clauseNumber;
  const kind = entry.compromise ? 'compromise, ' : entry.kind === 'delete' ? 'deletion, ' : '';
  let after: string = AMENDMENT_STATUS_LABEL[entry.statusAfter];
  if (entry.statusAfter === 'covered-by-compromise' && entry.coveredBy !== null)
    after = `Covered by compromise AM ${entry.coveredBy}`;
  const change = entry.decided ? `Tabled → ${after}` : 'Tabled';
  return `AM ${entry.number} (${kind}${clause}, ${entry.proponentCode}): ${change}`;
}
