/**
 * What compare reads (server-internal). The comparison it answers, and the
 * rules it follows (matching by id, one primary change per clause, summary
 * counts, display order), are wire types in `@draftroom/shared`
 * (shared/src/compare.ts): `DocumentComparison` and the types it is made of.
 */
import type { DocumentStructure, NegotiationSnapshot } from '@draftroom/shared';

/** A version of a document as compare reads it: its text and the negotiation state frozen with it. */
export interface ComparableDocument extends NegotiationSnapshot {
  structure: DocumentStructure;
}

export interface CompareOptions {
  /** Clause id → codes of the participants who edited the clause between the two versions. */
  attribution?: Record<string, string[]>;
}
