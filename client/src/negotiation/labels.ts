/** Labels and tones of statuses and positions, shared by the editor, the panel and the dashboard. */
import {
  CLAUSE_STATUS_LABEL,
  type ClauseStatus,
  type DelegationPosition,
  POSITION_LABEL,
  type PositionEntry,
} from '@draftroom/shared';
import { formatDateTime } from '../format';

export { CLAUSE_STATUS_LABEL, POSITION_LABEL };

/** Positions that keep a clause from being agreed. */
export const OBJECTING_POSITIONS: ReadonlySet<DelegationPosition> = new Set([
  'scrutiny-reservation',
  'reservation',
  'opposes',
]);

/** A short mark next to the code, so positions do not rely on colour alone. */
export const POSITION_MARK: Record<DelegationPosition, string> = {
  supports: '✓',
  'scrutiny-reservation': 'SR',
  reservation: 'R',
  'agreed-ad-referendum': 'AR',
  opposes: '✕',
};

export function statusClassName(status: ClauseStatus): string {
  return `status-badge status-badge--${status}`;
}

export function positionClassName(position: DelegationPosition): string {
  return `position-chip position-chip--${position}`;
}

/** "HU — Reservation: pending capital review (László Kovács, 12 Mar 2025, 14:05)". */
export function describePosition(entry: PositionEntry): string {
  const note = entry.note ? `: ${entry.note}` : '';
  const who = `${entry.setBy.name}, ${formatDateTime(entry.setAt)}`;
  return `${entry.participantCode} — ${POSITION_LABEL[entry.position]}${note} (${who})`;
}

/** "Support returnees in their sustainable…" */
export function shorten(text: string, maxLength = 90): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1).trimEnd()}…`;
}
