/**
 * The canonical, serialisable structure of a document, as versions store it
 * (`GET /api/documents/:id/versions/:versionId` → `structure`) and compare,
 * exports and verification read it: the preamble's blocks, then numbered
 * sections of numbered clauses, each block a list of formatted text runs.
 * The server reads it from a Y.Doc (server/src/content/structure.ts); its
 * canonical text is what a version's SHA-256 fingerprint covers.
 */

/** A formatted piece of text. Formatting that is off is absent, never `false`. */
export interface TextRun {
  text: string;
  bold?: true;
  italic?: true;
  /** Set when the run lies inside a bracket (a disputed passage) of the negotiation layer. */
  bracketId?: string;
}

export type BlockKind = 'heading' | 'paragraph' | 'bulletItem' | 'orderedItem';

export interface Block {
  kind: BlockKind;
  /** Heading level (1–6), or list nesting depth (1 = top) for list items and their continuation paragraphs. */
  level?: number;
  runs: TextRun[];
}

export interface ClauseStructure {
  id: string;
  /** "2.1", derived from the position. */
  number: string;
  blocks: Block[];
  /** Plain text, blocks joined by "\n", without bracket marks. */
  text: string;
}

export interface SectionStructure {
  id: string;
  /** "2", derived from the position. */
  number: string;
  title: string;
  clauses: ClauseStructure[];
}

export interface DocumentStructure {
  preamble: Block[];
  sections: SectionStructure[];
}
