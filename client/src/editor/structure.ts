/**
 * Reads the numbered structure of a document: preamble headings, sections
 * ("2.") and clauses ("2.1"). Numbers come from positions, never from storage.
 * Only the top level and the sections' children are visited, so this stays
 * cheap for a long Action Plan.
 */
import { clauseNumber, ID_ATTR, NodeName } from '@draftroom/shared';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';

export interface ClauseInfo {
  id: string | null;
  /** "2.1" */
  number: string;
  /** Position before the clause node. */
  pos: number;
  node: ProseMirrorNode;
}

export interface SectionInfo {
  id: string | null;
  /** "2" */
  number: string;
  /** Position before the section node. */
  pos: number;
  node: ProseMirrorNode;
  /** The section heading node and the position before it, when present. */
  heading: { pos: number; node: ProseMirrorNode } | null;
  title: string;
  clauses: ClauseInfo[];
}

export interface PreambleHeadingInfo {
  pos: number;
  level: number;
  text: string;
}

export interface DocumentStructure {
  preambleHeadings: PreambleHeadingInfo[];
  sections: SectionInfo[];
}

function readSection(section: ProseMirrorNode, sectionPos: number, sectionIndex: number): SectionInfo {
  const info: SectionInfo = {
    id: (section.attrs[ID_ATTR] as string | null) ?? null,
    number: String(sectionIndex + 1),
    pos: sectionPos,
    node: section,
    heading: null,
    title: '',
    clauses: [],
  };
  section.forEach((child, offset) => {
    const childPos = sectionPos + 1 + offset;
    if (child.type.name === NodeName.sectionHeading) {
      info.heading ??= { pos: childPos, node: child };
      if (!info.title) info.title = child.textContent;
    } else if (child.type.name === NodeName.clause) {
      info.clauses.push({
        id: (child.attrs[ID_ATTR] as string | null) ?? null,
        number: clauseNumber(sectionIndex, info.clauses.length),
        pos: childPos,
        node: child,
      });
    }
  });
  return info;
}

export function readDocumentStructure(doc: ProseMirrorNode): DocumentStructure {
  const structure: DocumentStructure = { preambleHeadings: [], sections: [] };
  doc.forEach((child, offset) => {
    if (child.type.name === NodeName.section) {
      structure.sections.push(readSection(child, offset, structure.sections.length));
    } else if (child.type.name === NodeName.heading && structure.sections.length === 0) {
      structure.preambleHeadings.push({
        pos: offset,
        level: Number(child.attrs.level) || 1,
        text: child.textContent,
      });
    }
  });
  return structure;
}

/** True for a clause that holds nothing but one empty paragraph. */
export function isEmptyClause(clause: ProseMirrorNode): boolean {
  return (
    clause.childCount === 1 &&
    clause.firstChild?.type.name === NodeName.paragraph &&
    clause.textContent === ''
  );
}

/** The first words of a text, for the outline. */
export function excerpt(text: string, maxWords = 9): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length <= maxWords) return words.join(' ');
  return `${words.slice(0, maxWords).join(' ')}…`;
}
