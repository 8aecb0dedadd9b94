import { describe, expect, it } from 'vitest';
import { configWith, loadConfig } from '../../server/src/config';
import { dateTimeForPeople, isKnownTimeZone } from '../../server/src/export/peopleDates';

describe('dates in exports, for people, in the process time zone', () => {
  const moment = '2026-11-30T00:53:43.935Z';

  it('writes a moment as day, month, year and time with the zone, in the given zone', () => {
    expect(dateTimeForPeople(moment, 'Europe/Prague')).toBe('30 November 2026, 01:53 CET');
    expect(dateTimeForPeople('2026-07-30T00:53:43.935Z', 'Europe/Prague')).toBe('30 July 2026, 02:53 CEST');
    expect(dateTimeForPeople(new Date(moment), 'Europe/Kyiv')).toBe('30 November 2026, 02:53 EET');
    expect(dateTimeForPeople(moment, 'UTC')).toBe('30 November 2026, 00:53 UTC');
    // Across midnight: the day is the zone's, not UTC's.
    expect(dateTimeForPeople('2026-11-29T23:30:00Z', 'Europe/Prague')).toBe('30 November 2026, 00:30 CET');
  });

  it('writes a calendar date as that day, and keeps a string that is no date', () => {
    expect(dateTimeForPeople('2011-11-04', 'Asia/Tashkent')).toBe('4 November 2011');
    expect(dateTimeForPeople('Spring 2012', 'Europe/Prague')).toBe('Spring 2012');
  });

  it('takes the zone from PROCESS_TIME_ZONE (default Europe/Prague) and refuses an unknown one', () => {
    expect(configWith({}).processTimeZone).toBe('Europe/Prague');
    expect(loadConfig({ PROCESS_TIME_ZONE: 'Asia/Tashkent' }, '').processTimeZone).toBe('Asia/Tashkent');
    expect(isKnownTimeZone('Europe/Atlantis')).toBe(false);
    expect(() => loadConfig({ PROCESS_TIME_ZONE: 'Europe/Atlantis' }, '')).toThrow(/PROCESS_TIME_ZONE/);
  });

  it('turns public verification off with PUBLIC_VERIFY=0 and sets its rate', () => {
    expect(configWith({}).publicVerify).toBe(true);
    expect(loadConfig({ PUBLIC_VERIFY: '0', PUBLIC_VERIFY_PER_MINUTE: '3' }, '')).toMatchObject({
      publicVerify: false,
      publicVerifyPerMinute: 3,
    });
  });
});
