/**
 * The clause-by-clause comparison of two versions of a document
 * (`GET /api/documents/:id/compare` → {@link CompareResult}; the server
 * computes it in server/src/compare/compareStructures.ts).
 *
 * Matching: sections and clauses are matched by their stable ids, never by
 * position or text. Numbers are derived from positions, so a clause inserted
 * before others renumbers them without changing them: such clauses are
 * `unchanged`, with `beforeNumber` ≠ `afterNumber`.
 *
 * Each clause entry has ONE primary `change`, the most significant of what
 * happened to it, by this precedence:
 *
 *   added > removed > split > changed > moved > unchanged
 *
 * and independent flags for the rest: `moved` (it changed section, or its
 * order relative to the other clauses that stayed in its section changed —
 * not mere renumbering) and `textChanged` (its text differs once whitespace
 * is normalised). So a clause moved AND edited is `change: 'changed'` with
 * `moved: true`. A split: when a clause's text reappears divided between the
 * clause itself (same id, now shorter) and new clause(s) right after it, the
 * new clauses are `change: 'split'` with `splitFrom` set and a redline against
 * the part of the original text they took; the original clause keeps its own
 * entry (`changed`, with `splitInto`). If the original id disappeared and its
 * text reappears in consecutive new clauses, those are `split` and the
 * original is `removed` with `splitInto`.
 *
 * Negotiation changes (status, brackets, delegation positions) never change
 * the primary `change`; they are listed in their own fields.
 *
 * Summary counts: `added`, `removed`, `split`, `changed` count primary
 * changes; `moved` counts every clause with the `moved` flag (so a clause
 * moved and edited counts in both `moved` and `changed`); `statusChanged`
 * counts clauses whose status changed.
 *
 * Display order (sections, clauses): the order of the "after" version, with
 * removed sections and clauses placed where they stood in the "before" one.
 *
 * Redlines are {@link RedlineSegment} lists: concatenating the equal and
 * insert texts gives the "after" text, the equal and delete texts the "before".
 */
import type { RedlineSegment } from './redline';
import type { AmendmentChangeEntry, VersionSummary } from './versions';

/** Clause id → status ("open", "bracketed", "agreed-ad-referendum", "agreed"). A missing status is "open". */
export type ClauseStatuses = Record<string, string>;

/** An unresolved bracket as a version keeps it: its current text and the alternatives proposed for it. */
export interface BracketState {
  clauseId: string;
  text: string;
  alternatives: string[];
  /** Participant code of each alternative's proponent, in the same order (absent in versions saved before). */
  proponents?: string[];
}

/**
 * The negotiation state frozen with a version (`VersionDetail.negotiation`),
 * and what compare reads besides the text. Each field is absent in versions
 * saved before it existed.
 */
export interface NegotiationSnapshot {
  statuses?: ClauseStatuses;
  /** Bracket id → bracket. */
  brackets?: Record<string, BracketState>;
  /** Clause id → participant code → position. */
  positions?: Record<string, Record<string, string>>;
}

export type ClauseChange = 'unchanged' | 'added' | 'removed' | 'moved' | 'changed' | 'split';

export interface StatusChange {
  from: string;
  to: string;
}

export interface BracketChange {
  bracketId: string;
  change: 'added' | 'removed' | 'changed';
  before?: { text: string; alternatives: string[] };
  after?: { text: string; alternatives: string[] };
}

export interface PositionChange {
  participantCode: string;
  /** Absent when the participant had no position before. */
  from?: string;
  /** Absent when the participant withdrew its position. */
  to?: string;
}

export interface ClauseComparison {
  clauseId: string;
  change: ClauseChange;
  /** Absent for added and split-off clauses. */
  beforeNumber?: string;
  /** Absent for removed clauses. */
  afterNumber?: string;
  /** The section the clause is displayed in: its "after" section, or for a removed clause its "before" one. */
  sectionId: string;
  beforeSectionId?: string;
  afterSectionId?: string;
  moved: boolean;
  textChanged: boolean;
  redline: RedlineSegment[];
  statusChange?: StatusChange;
  bracketChanges?: BracketChange[];
  positionChanges?: PositionChange[];
  /** For a clause split off another: the id of the clause it came from. */
  splitFrom?: string;
  /** For a clause that was split: the ids of the new clauses that took part of its text. */
  splitInto?: string[];
  /** Codes of the participants who edited the clause between the two versions. */
  editedBy?: string[];
}

export type SectionChange = 'unchanged' | 'added' | 'removed' | 'renamed' | 'moved';

export interface ClauseCounts {
  added: number;
  removed: number;
  moved: number;
  changed: number;
  split: number;
  unchanged: number;
  statusChanged: number;
}

export interface SectionComparison {
  sectionId: string;
  /** Primary change, by precedence added > removed > renamed > moved > unchanged. */
  change: SectionChange;
  renamed: boolean;
  moved: boolean;
  beforeNumber?: string;
  afterNumber?: string;
  beforeTitle?: string;
  afterTitle?: string;
  /** Word-level redline of the title. */
  titleRedline: RedlineSegment[];
  clauses: ClauseComparison[];
}

export interface SectionSummary {
  sectionId: string;
  /** The "after" number and title, or the "before" ones for a removed section. */
  number: string;
  title: string;
  change: SectionChange;
  counts: ClauseCounts;
}

export interface ComparisonSummary {
  total: ClauseCounts;
  sections: SectionSummary[];
  sectionChanges: { added: number; removed: number; renamed: number; moved: number };
  preambleChanged: boolean;
}

export interface DocumentComparison {
  preamble: { changed: boolean; redline: RedlineSegment[] };
  sections: SectionComparison[];
  summary: ComparisonSummary;
}

/** One side of a comparison: a version (its summary), or the current text (`version: null`). */
export interface ComparedSide {
  label: string;
  version: VersionSummary | null;
}

/** `GET /api/documents/:id/compare?from&to`. */
export interface CompareResult {
  from: ComparedSide;
  to: ComparedSide;
  comparison: DocumentComparison;
  /** Amendments tabled and decided between the two sides (earlier in time first). */
  amendments: AmendmentChangeEntry[];
}
