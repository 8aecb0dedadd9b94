import type { VersionKind, VersionSummary } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { automaticVersionsToThin } from '../../server/src/versions/thinning';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2011-11-04T12:30:00Z, the Poznań Ministerial Conference: "now" in these tests. */
const NOW = Date.UTC(2011, 10, 4, 12, 30);

function version(id: string, kind: VersionKind, at: number): VersionSummary {
  return {
    id,
    documentId: 'doc',
    kind,
    label: id,
    note: '',
    meeting: null,
    fingerprint: '0'.repeat(64),
    summary: { added: 0, changed: 0, removed: 0, moved: 0 },
    baseline: null,
    createdAt: new Date(at).toISOString(),
    createdBy: null,
  };
}

const auto = (id: string, at: number) => version(id, 'automatic', at);
const named = (id: string, at: number) => version(id, 'named', at);
const thin = (versions: VersionSummary[], now = NOW) => automaticVersionsToThin(versions, now).sort();

describe('automaticVersionsToThin', () => {
  it('keeps everything when there is nothing to thin', () => {
    expect(thin([])).toEqual([]);
    expect(thin([auto('a', NOW - MINUTE)])).toEqual([]);
  });

  it('never drops a named version, however many share an hour or a day', () => {
    const versions = [
      named('n1', NOW - MINUTE),
      named('n2', NOW - 2 * MINUTE),
      named('n3', NOW - 3 * MINUTE),
      named('old1', NOW - 10 * DAY),
      named('old2', NOW - 10 * DAY - MINUTE),
    ];
    expect(thin(versions)).toEqual([]);
  });

  it('keeps the newest automatic checkpoint of each hour within the last day', () => {
    const hourStart = Math.floor(NOW / HOUR) * HOUR; // 12:00
    const versions = [
      auto('12:05', hourStart + 5 * MINUTE),
      auto('12:29', hourStart + 29 * MINUTE),
      auto('12:10', hourStart + 10 * MINUTE),
      auto('11:59', hourStart - MINUTE),
      auto('11:00', hourStart - HOUR),
      auto('10:30', hourStart - 90 * MINUTE),
    ];
    expect(thin(versions)).toEqual(['11:00', '12:05', '12:10']);
  });

  it('does not let named versions take the place of automatic ones', () => {
    const versions = [
      named('named-newest', NOW - MINUTE),
      auto('auto-older', NOW - 2 * MINUTE),
      auto('auto-oldest', NOW - 3 * MINUTE),
    ];
    expect(thin(versions)).toEqual(['auto-oldest']);
  });

  it('keeps the newest automatic checkpoint of each (UTC) day before the last day', () => {
    const dayStart = Math.floor((NOW - 3 * DAY) / DAY) * DAY; // 1 November 00:00Z
    const versions = [
      auto('1st 23:59', dayStart + DAY - MINUTE),
      auto('1st 12:00', dayStart + 12 * HOUR),
      auto('1st 00:00', dayStart),
      auto('31st 23:59', dayStart - MINUTE),
      auto('31st 08:00', dayStart - 16 * HOUR),
      auto('20th', dayStart - 11 * DAY),
    ];
    expect(thin(versions)).toEqual(['1st 00:00', '1st 12:00', '31st 08:00']);
  });

  it('puts a checkpoint exactly 24 hours old in its day, one a millisecond younger in its hour', () => {
    const justInside = NOW - DAY + 1;
    const exactlyADay = NOW - DAY;
    // Same hour, but one is hourly and the other daily: both are kept.
    expect(thin([auto('inside', justInside), auto('day-old', exactlyADay)])).toEqual([]);
    // Another daily checkpoint of the same day, older: dropped in favour of the 24-hour-old one.
    const sameDayOlder = exactlyADay - HOUR;
    expect(Math.floor(sameDayOlder / DAY)).toBe(Math.floor(exactlyADay / DAY));
    expect(thin([auto('day-old', exactlyADay), auto('older', sameDayOlder)])).toEqual(['older']);
    // Another hourly checkpoint of the same hour, older but still within the day: dropped.
    expect(thin([auto('inside', justInside), auto('a-bit-newer', justInside + MINUTE)])).toEqual(['inside']);
  });

  it('separates hours and days exactly at their boundaries', () => {
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    expect(thin([auto('before', hourStart - 1), auto('on', hourStart)])).toEqual([]);
    const midnight = Math.floor((NOW - 5 * DAY) / DAY) * DAY;
    expect(thin([auto('before', midnight - 1), auto('on', midnight)])).toEqual([]);
    expect(thin([auto('on', midnight), auto('after', midnight + 1)])).toEqual(['on']);
  });

  it('drops all but one of checkpoints taken at the same instant', () => {
    const at = NOW - 5 * MINUTE;
    expect(thin([auto('x', at), auto('y', at), auto('z', at)])).toHaveLength(2);
  });

  it('does not depend on the order it is given, and thinning twice drops nothing more', () => {
    const versions: VersionSummary[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 300; i++) {
      const at = NOW - Math.floor(random() * 20 * DAY);
      versions.push(random() < 0.2 ? named(`n${i}`, at) : auto(`a${i}`, at));
    }
    const dropped = new Set(thin(versions));
    expect(thin([...versions].reverse())).toEqual([...dropped].sort());

    const kept = versions.filter((entry) => !dropped.has(entry.id));
    expect(thin(kept)).toEqual([]);
    expect(kept.filter((entry) => entry.kind === 'named')).toHaveLength(
      versions.filter((entry) => entry.kind === 'named').length,
    );
    // Each kept automatic checkpoint is the newest of its bucket.
    const bucketOf = (at: number) =>
      NOW - at < DAY ? `h${Math.floor(at / HOUR)}` : `d${Math.floor(at / DAY)}`;
    const newest = new Map<string, number>();
    for (const entry of versions.filter((v) => v.kind === 'automatic')) {
      const at = Date.parse(entry.createdAt);
      newest.set(bucketOf(at), Math.max(newest.get(bucketOf(at)) ?? 0, at));
    }
    const keptAutomatic = kept.filter((entry) => entry.kind === 'automatic');
    expect(keptAutomatic).toHaveLength(newest.size);
    for (const entry of keptAutomatic) {
      const at = Date.parse(entry.createdAt);
      expect(at).toBe(newest.get(bucketOf(at)));
    }
  });
});
