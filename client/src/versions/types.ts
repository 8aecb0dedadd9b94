/**
 * The JSON the versions, compare and verify endpoints answer, as the client
 * reads it. A copy of the shapes the server defines (server/src/compare/types.ts,
 * server/src/content/structure.ts): the client never imports server code.
 *
 * A comparison has ONE entry per clause with a primary `change` (added >
 * removed > split > changed > moved > unchanged) and independent `moved` /
 * `textChanged` flags; negotiation changes (status, brackets, positions) are
 * listed in their own fields and never change the primary change.
 */
import type { AmendmentChangeEntry, VersionSummary } from '@draftroom/shared';

/** A piece of a word-level redline. Equal + insert texts make the "after" text; equal + delete the "before". */
export interface Segment {
  op: 'equal' | 'insert' | 'delete';
  text: string;
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
  sectionId: string;
  beforeSectionId?: string;
  afterSectionId?: string;
  moved: boolean;
  textChanged: boolean;
  redline: Segment[];
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
  change: SectionChange;
  renamed: boolean;
  moved: boolean;
  beforeNumber?: string;
  afterNumber?: string;
  beforeTitle?: string;
  afterTitle?: string;
  titleRedline: Segment[];
  clauses: ClauseComparison[];
}

export interface SectionSummary {
  sectionId: string;
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
  preamble: { changed: boolean; redline: Segment[] };
  sections: SectionComparison[];
  summary: ComparisonSummary;
}

/** `GET /api/documents/:id/compare?from&to`. */
export interface CompareResult {
  from: { label: string; version: VersionSummary | null };
  to: { label: string; version: VersionSummary | null };
  comparison: DocumentComparison;
  /** Amendments tabled and decided between the two sides (earlier in time first). */
  amendments: AmendmentChangeEntry[];
}

/** A formatted piece of text of the canonical document structure. */
export interface TextRun {
  text: string;
  bold?: true;
  italic?: true;
  bracketId?: string;
}

export interface Block {
  kind: 'heading' | 'paragraph' | 'bulletItem' | 'orderedItem';
  level?: number;
  runs: TextRun[];
}

export interface ClauseStructure {
  id: string;
  number: string;
  blocks: Block[];
  text: string;
}

export interface SectionStructure {
  id: string;
  number: string;
  title: string;
  clauses: ClauseStructure[];
}

export interface DocumentStructure {
  preamble: Block[];
  sections: SectionStructure[];
}

/** The negotiation state frozen with a version. */
export interface NegotiationSnapshot {
  statuses?: Record<string, string>;
  brackets?: Record<string, { clauseId: string; text: string; alternatives: string[] }>;
  positions?: Record<string, Record<string, string>>;
}

/** `GET /api/documents/:id/versions/:versionId`: the summary with the whole frozen document. */
export interface VersionDetail extends VersionSummary {
  /** Base64 of a Yjs update holding the whole document at that moment. */
  state: string;
  structure: DocumentStructure;
  negotiation: NegotiationSnapshot;
}

/** `GET /api/verify/:fingerprint` and `POST /api/verify/docx`. */
export interface VerifyResult {
  /** Null when the DOCX carries no Draftroom fingerprint. */
  fingerprint: string | null;
  matches: VersionSummary[];
}
