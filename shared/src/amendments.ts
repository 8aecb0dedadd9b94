/**
 * Amendments: wording a delegation proposes for a clause, tabled, co-sponsored,
 * and decided by the pen-holder. They live on the server (SQLite), not in the
 * Y.Doc, like comments; numbers, proponents and times come from the server.
 *
 * Vocabulary follows parliamentary and intergovernmental practice (tabled,
 * co-sponsor, withdrawn, compromise amendment, fallen), e.g. the European
 * Parliament's Rules of Procedure, Rules 180–181 (amendments and compromise
 * amendments in committee).
 *
 * Clause text here is plain text: a clause's paragraphs (and list items)
 * joined by "\n" — what `plainText` on the server and the compare read.
 */
import { z } from 'zod';
import type { Actor } from './negotiation';
import { xmlText } from './xmlText';

/** What an amendment does: change a clause's wording, delete the clause, or insert a new clause after it. */
export const AMENDMENT_KINDS = ['modify', 'delete', 'insert'] as const;
export type AmendmentKind = (typeof AMENDMENT_KINDS)[number];
export const AMENDMENT_KIND_LABEL: Record<AmendmentKind, string> = {
  modify: 'Change wording',
  delete: 'Delete clause',
  insert: 'New clause',
};

export const AMENDMENT_STATUSES = [
  'tabled',
  'withdrawn',
  'accepted',
  'accepted-as-modified',
  'covered-by-compromise',
  'rejected',
  'fallen',
] as const;
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number];
export const AMENDMENT_STATUS_LABEL: Record<AmendmentStatus, string> = {
  tabled: 'Tabled',
  withdrawn: 'Withdrawn',
  accepted: 'Accepted',
  'accepted-as-modified': 'Accepted as modified',
  'covered-by-compromise': 'Covered by compromise',
  rejected: 'Rejected',
  fallen: 'Fallen',
};
/** Statuses in which an amendment still waits for a decision. */
export const OPEN_AMENDMENT_STATUSES: readonly AmendmentStatus[] = ['tabled'];

/** Why an amendment fell. */
export type FallenReason = 'clause-deleted' | 'moot';

export interface Cosponsor {
  participantCode: string;
  by: Actor;
  at: string;
}

export interface Amendment {
  id: string;
  documentId: string;
  /** AM n: numbered per document in the order tabled, from 1; compromises are numbered in the same series. */
  number: number;
  kind: AmendmentKind;
  /** The clause it amends; for `insert`, the clause the new one goes after. */
  clauseId: string;
  /** The clause's number when tabled ("2.3"), for display when the clause is gone. */
  clauseNumber: string;
  /** The clause text it was drafted against (for `insert`: the text of the clause it follows). */
  baseText: string;
  /** The wording proposed: the whole clause as it would read ('' for `delete`; the new clause for `insert`). */
  proposedText: string;
  /** The newest named version when it was tabled ("Rev. 1"), or null when there was none. */
  baseVersionLabel: string | null;
  justification: string;
  proponentCode: string;
  tabledBy: Actor;
  tabledAt: string;
  cosponsors: Cosponsor[];
  status: AmendmentStatus;
  /** Who decided, withdrew, or (for fallen / covered) what made it so, and when. */
  decidedBy: Actor | null;
  decidedAt: string | null;
  /** For `accepted-as-modified`: the wording the pen-holder settled on. */
  acceptedText: string | null;
  fallenReason: FallenReason | null;
  /** True for a compromise amendment (tabled by the presidency). */
  compromise: boolean;
  /** For a compromise: the numbers of the amendments it covers. */
  covers: number[];
  /** For `covered-by-compromise`: the compromise's number. */
  coveredBy: number | null;
  /** For an accepted `insert`: the id of the clause it created. */
  createdClauseId: string | null;
}

/** Pushed live on the document's socket as `NegotiationEvent { type: 'amendment' }`. */
export interface AmendmentEventPayload {
  amendment: Amendment;
}

/**
 * The answer to an accept that does not apply cleanly to the clause's current
 * text (HTTP 409, `code: 'amendment_conflict'`): nothing was applied. The
 * pen-holder decides with base, proposed and current side by side.
 */
export interface AmendmentConflict {
  code: 'amendment_conflict';
  /** `'amendment_conflict'`, as in every API error body (`ApiError.error`). */
  error: string;
  /** What happened, for people (the server always sends it). */
  message?: string;
  amendmentId: string;
  baseText: string;
  proposedText: string;
  currentText: string;
}

/**
 * The answer to tabling against a clause text that changed since and to which
 * the proposed change no longer applies cleanly (HTTP 409, `code:
 * 'clause_changed'`): nothing was stored; the client redrafts against
 * `currentText`.
 */
export interface ClauseChangedConflict {
  code: 'clause_changed';
  /** `'clause_changed'`, as in every API error body. */
  error: string;
  message: string;
  currentText: string;
}

// Request bodies.
/**
 * A clause wording. It may hold characters XML 1.0 does not allow when the
 * clause already holds them (a form feed pasted into the text): the server
 * refuses a wording that adds one (400), so a clause can always be amended
 * and no amendment brings such a character in.
 */
const clauseText = z.string().max(20_000);
const justification = xmlText(z.string().trim().max(2_000)).default('');

/** `POST /api/documents/:id/amendments` (commenter and above). */
export const newAmendmentSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('modify'),
    clauseId: z.string().min(1).max(64),
    baseText: clauseText,
    proposedText: clauseText,
    justification,
  }),
  z.object({
    kind: z.literal('delete'),
    clauseId: z.string().min(1).max(64),
    baseText: clauseText,
    justification,
  }),
  z.object({
    kind: z.literal('insert'),
    /** The clause the new one goes after. */
    clauseId: z.string().min(1).max(64),
    proposedText: xmlText(z.string().trim().min(1, 'Write the new clause first.').max(20_000)),
    justification,
  }),
]);
export type NewAmendment = z.infer<typeof newAmendmentSchema>;

/**
 * `POST /api/documents/:id/amendments/:amendmentId/decision` (pen-holder).
 * `accept`: the amendment's change (base → proposed) applied to the current text.
 * `accept-as-modified`: `text` is the clause wording the pen-holder settled on,
 * written against `againstText` (the current clause text they saw).
 */
export const amendmentDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('accept') }),
  z.object({
    decision: z.literal('accept-as-modified'),
    text: clauseText,
    againstText: clauseText,
  }),
  z.object({ decision: z.literal('reject') }),
]);
export type AmendmentDecision = z.infer<typeof amendmentDecisionSchema>;

/** `POST /api/documents/:id/amendments/compromise` (pen-holder). */
export const compromiseSchema = z.object({
  /** Ids of the tabled amendments it replaces (all to the same clause). */
  covers: z.array(z.string().min(1).max(64)).min(1).max(50),
  proposedText: clauseText,
  justification,
});

/** Compilation filters: `GET /api/documents/:id/amendments/compilation[.docx]?section=&delegation=&open=1`. */
export interface CompilationFilters {
  sectionId?: string;
  participantCode?: string;
  openOnly?: boolean;
}

/** One clause of the compilation, in document order. */
export interface CompilationClause {
  clauseId: string;
  /** "2.3", or "2.3a (new)" for a proposed new clause. */
  number: string;
  sectionTitle: string;
  currentText: string;
  amendments: Amendment[];
}

/** A section of the document, for the compilation's section filter. */
export interface CompilationSection {
  id: string;
  /** "2", from its position. */
  number: string;
  title: string;
}

export interface Compilation {
  documentId: string;
  title: string;
  generatedAt: string;
  filters: CompilationFilters;
  clauses: CompilationClause[];
  /** Every section of the document in order (what `section=` may name), amended or not. */
  sections: CompilationSection[];
}
