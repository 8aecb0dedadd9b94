/** How versions, meetings and counts read in the interface. */
import type { ChangeCounts, Meeting, SummaryBaseline, VersionSummary } from '@draftroom/shared';
import { formatDateTime } from '../format';

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}

/** "5 clauses changed · 1 added · 1 removed"; the first count names the clauses (as compare's headline). */
export function changeSummaryLine(counts: ChangeCounts): string {
  const parts: [number, string][] = [
    [counts.changed, 'changed'],
    [counts.added, 'added'],
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

/** A summary's baseline by name: its label, or "the automatic checkpoint of 3 Nov 2011, 14:20". */
export function baselineName(baseline: SummaryBaseline): string {
  if (baseline.kind === 'named') return baseline.label;
  return `the automatic checkpoint of ${formatDateTime(baseline.createdAt)}`;
}

/**
 * A version's change summary, saying what it counts against — the same words
 * in the history panel and in the version's own view:
 * "Against Rev. 1 — for the Budapest SOM: 5 clauses changed · 1 added";
 * without a baseline, that it is the first named version (or, for a
 * checkpoint, the first version in the history) and is not compared.
 */
export function versionSummaryLine(version: Pick<VersionSummary, 'kind' | 'summary' | 'baseline'>): string {
  if (!version.baseline) {
    return version.kind === 'named'
      ? 'First named version — there is no earlier named version to compare it with'
      : 'First version in the history — there is nothing earlier to compare it with';
  }
  return `Against ${baselineName(version.baseline)}: ${changeSummaryLine(version.summary)}`;
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
