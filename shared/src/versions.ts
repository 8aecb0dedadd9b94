/** Meetings of a process and named / automatic versions of its documents. */
import { z } from 'zod';
import type { AmendmentKind, AmendmentStatus } from './amendments';
import type { NegotiationSnapshot } from './compare';
import type { Actor } from './negotiation';
import type { DocumentStructure } from './structure';
import { xmlText } from './xmlText';

export const MEETING_KINDS = [
  'workshop',
  'drafting-meeting',
  'senior-officials-meeting',
  'ministerial-conference',
] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABEL: Record<MeetingKind, string> = {
  workshop: 'Workshop',
  'drafting-meeting': 'Drafting meeting',
  'senior-officials-meeting': "Senior Officials' Meeting",
  'ministerial-conference': 'Ministerial Conference',
};

/** A meeting of the Work Plan. */
export interface Meeting {
  id: string;
  processId: string;
  /** ISO dates; `dateLabel` is what people call it ("30–31 May 2011", "September 2011"). */
  startsOn: string;
  endsOn: string;
  dateLabel: string;
  title: string;
  place: string;
  kind: MeetingKind;
}

export type VersionKind = 'named' | 'automatic';

/** Clauses added, changed, removed and moved between two versions. */
export interface ChangeCounts {
  added: number;
  changed: number;
  removed: number;
  moved: number;
}

/** The version a change summary counts against: enough to name it and link to it. */
export interface SummaryBaseline {
  id: string;
  kind: VersionKind;
  label: string;
  createdAt: string;
}

/** An entry of the history panel. */
export interface VersionSummary {
  id: string;
  documentId: string;
  kind: VersionKind;
  label: string;
  note: string;
  meeting: { id: string; title: string; dateLabel: string; place: string } | null;
  /** SHA-256 of the version's canonical text: printed in the footer of its exports. */
  fingerprint: string;
  /** Clauses added, changed, removed and moved against {@link VersionSummary.baseline}. */
  summary: ChangeCounts;
  /**
   * The version `summary` counts against: for a named version the previous
   * named version (automatic checkpoints never count as its baseline); for an
   * automatic checkpoint the version just before it, named or automatic.
   * Null (and all counts 0) for the first named version, and for a
   * checkpoint with no version before it.
   */
  baseline: SummaryBaseline | null;
  createdAt: string;
  createdBy: Actor | null;
}

/** `GET /api/documents/:id/versions/:versionId`: the summary with the whole frozen document. */
export interface VersionDetail extends VersionSummary {
  /** Base64 of a Yjs update holding the whole document at that moment. */
  state: string;
  structure: DocumentStructure;
  negotiation: NegotiationSnapshot;
}

export const newVersionSchema = z.object({
  label: xmlText(z.string().trim().min(1, 'Give the version a label.').max(200)),
  note: xmlText(z.string().trim().max(2_000)).default(''),
  meetingId: z.string().min(1).nullable().default(null),
});

/** `current` stands for the live text in compare requests. */
export const CURRENT_TEXT = 'current';

/**
 * An amendment tabled or decided between the two sides of a comparison
 * (`GET /api/documents/:id/compare` → `amendments`, earlier side first in
 * time whatever the order asked): `tabled` when the later side has it and
 * the earlier does not; `decided` when it was tabled (or not yet there) on
 * the earlier side and has another status (a decision, withdrawn, covered by
 * a compromise, fallen) on the later. Versions keep the amendments' state
 * when they are taken; `current` is the live state.
 */
export interface AmendmentChangeEntry {
  amendmentId: string;
  /** AM n. */
  number: number;
  kind: AmendmentKind;
  clauseId: string;
  /** The clause's number when the amendment was tabled. */
  clauseNumber: string;
  proponentCode: string;
  compromise: boolean;
  tabled: boolean;
  decided: boolean;
  /** Its status on the earlier side; null when it was not tabled yet. */
  statusBefore: AmendmentStatus | null;
  /** Its status on the later side. */
  statusAfter: AmendmentStatus;
  /** For `covered-by-compromise` on the later side: the compromise's number. */
  coveredBy: number | null;
}
