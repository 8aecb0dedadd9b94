/** How versions, meetings and counts read in the interface. */
import type { Meeting, VersionSummary } from '@draftroom/shared';

type Counts = VersionSummary['summary'];

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}

/** "2 clauses added · 5 changed · 1 removed"; the first count names the clauses. */
export function changeSummaryLine(counts: Counts): string {
  const parts: [number, string][] = [
    [counts.added, 'added'],
    [counts.changed, 'changed'],
    [counts.removed, 'removed'],
    [counts.moved, 'moved'],
  ];
  const present = parts.filter(([count]) => count > 0);
  if (present.length === 0) return 'No clause changed';
  return present
    .map(([count, what], index) =>
      index === 0 ? `${count} ${plural(count, 'clause')} ${what}` : `${count} ${what}`,
    )
    .join(' · ');
}

/** The first 12 hexadecimal digits of a fingerprint, in groups of four. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 12).match(/.{1,4}/g) ?? []).join(' ');
}

/** "Anna Nowak (PL)"; automatic checkpoints have no author. */
export function authorLabel(version: Pick<VersionSummary, 'createdBy'>): string {
  const author = version.createdBy;
  return author ? `${author.name} (${author.participantCode})` : 'Draftroom, automatically';
}

/** "Action Plan drafting meeting · Poznań, Poland · 3 November 2011". */
export function meetingLabel(meeting: Pick<Meeting, 'title' | 'place' | 'dateLabel'>): string {
  return [meeting.title, meeting.place, meeting.dateLabel].filter(Boolean).join(' · ');
}

/** "3 Nov 2011" (a date without the time). */
export function formatDay(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Intl.DateTimeFormat('en-GB', { dateStyle: 'long' }).format(time);
}

/** `count` followed by the noun, pluralised: "1 clause", "3 clauses". */
export function countOf(count: number, singular: string, pluralForm?: string): string {
  return `${count} ${plural(count, singular, pluralForm)}`;
}
