/**
 * Dates as people read them in exported documents: "30 November 2026,
 * 01:53 CET", in the process's time zone (`PROCESS_TIME_ZONE`, an IANA name
 * such as "Europe/Prague"). The data model has no time zone per process, so
 * the server's setting applies to every export.
 */

/** The zone exports are dated in when none is configured: the Prague Process secretariat's. */
export const DEFAULT_PROCESS_TIME_ZONE = 'Europe/Prague';

/** True when `timeZone` is an IANA zone name this Node.js (ICU) knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    });
    formats.set(timeZone, format);
  }
  return format;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * A moment as "30 November 2026, 01:53 CET" in `timeZone` (the zone's short
 * name as ICU gives it: "CET", "EET", "UTC", or "GMT+5" where English has
 * none). A calendar date ("2011-11-04") is a day, not a moment: "4 November
 * 2011", in no zone. A string that is no ISO 8601 date is returned as given.
 * @throws RangeError for an unknown `timeZone` (check it with `isKnownTimeZone`)
 */
export function dateTimeForPeople(date: string | Date, timeZone: string): string {
  if (typeof date === 'string' && CALENDAR_DATE.test(date)) {
    const day = new Date(`${date}T00:00:00Z`);
    return Number.isNaN(day.getTime()) ? date : dayFormat.format(day);
  }
  // Only ISO 8601 moments are read (Date parses much else leniently: "Spring 2012" would become 1 January).
  if (typeof date === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(date)) return date;
  const moment = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(moment.getTime())) return String(date);
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(moment)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}
