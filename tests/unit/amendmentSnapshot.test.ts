import type { Amendment } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import {
  type AmendmentState,
  amendmentChangeLine,
  amendmentChangesBetween,
  amendmentSnapshot,
  amendmentSnapshotAt,
  storedAmendmentSnapshot,
} from '../../server/src/versions/amendmentSnapshot';
import { amendmentRecord } from '../support/amendmentRecord';

const actor = { userId: 'u', name: 'Anna Nowak', participantCode: 'PL' };

function record(number: number, overrides: Partial<Amendment>): Amendment {
  return amendmentRecord({
    id: `am-${number}`,
    number,
    clauseId: 'c1',
    baseText: 'a',
    proposedText: 'b',
    baseVersionLabel: null,
    tabledBy: actor,
    tabledAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  });
}

function state(number: number, status: AmendmentState['status']): AmendmentState {
  const [snapshot] = amendmentSnapshot([record(number, { status })]);
  if (!snapshot) throw new Error('no snapshot');
  return snapshot;
}

describe('the amendments’ state in versions', () => {
  it('reads the state at a time from the records: later tablings left out, later decisions still tabled', () => {
    const records = [
      record(2, { status: 'rejected', decidedBy: actor, decidedAt: '2026-01-03T10:00:00.000Z' }),
      record(1, { status: 'accepted', decidedBy: actor, decidedAt: '2026-01-02T10:00:00.000Z' }),
      record(3, { tabledAt: '2026-01-05T10:00:00.000Z' }),
    ];
    const at = amendmentSnapshotAt(records, '2026-01-02T12:00:00.000Z');
    expect(at.map((entry) => [entry.number, entry.status])).toEqual([
      [1, 'accepted'],
      [2, 'tabled'],
    ]);
    expect(storedAmendmentSnapshot(null, '2026-01-02T12:00:00.000Z', records)).toEqual(at);
    expect(storedAmendmentSnapshot(JSON.stringify([state(9, 'withdrawn')]), 'x', records)).toEqual([
      state(9, 'withdrawn'),
    ]);
  });

  it('lists amendments tabled and decided between two states, and nothing else', () => {
    const earlier = [
      state(1, 'tabled'),
      state(2, 'tabled'),
      state(3, 'rejected'),
      state(5, 'covered-by-compromise'),
    ];
    const later = [
      state(1, 'tabled'),
      state(2, 'accepted'),
      state(3, 'rejected'),
      state(4, 'withdrawn'),
      state(5, 'tabled'),
      state(6, 'tabled'),
    ];
    const changes = amendmentChangesBetween(earlier, later);
    expect(
      changes.map((entry) => [
        entry.number,
        entry.tabled,
        entry.decided,
        entry.statusBefore,
        entry.statusAfter,
      ]),
    ).toEqual([
      [2, false, true, 'tabled', 'accepted'],
      [4, true, true, null, 'withdrawn'],
      [6, true, false, null, 'tabled'],
    ]);
    expect(amendmentChangesBetween(later, later)).toEqual([]);
  });

  it('writes an entry as a line for the redline DOCX', () => {
    const [covered] = amendmentChangesBetween(
      [state(1, 'tabled')],
      [{ ...state(1, 'covered-by-compromise'), coveredBy: 7 }],
    );
    expect(covered && amendmentChangeLine(covered)).toBe(
      'AM 1 (1.1, UA): Tabled → Covered by compromise AM 7',
    );
    const [inserted] = amendmentChangesBetween([], [{ ...state(2, 'tabled'), kind: 'insert' }]);
    expect(inserted && amendmentChangeLine(inserted)).toBe('AM 2 (new clause after 1.1, UA): Tabled');
  });
});
