import type { ClauseStructure, DocumentStructure, SectionStructure } from '@draftroom/shared';

/** A clause with the section it stands in and its position there. */
export interface LocatedClause {
  clause: ClauseStructure;
  section: SectionStructure;
  clauseIndex: number;
}

/** Clause id → located clause, for one version. */
export function locateClauses(structure: DocumentStructure): Map<string, LocatedClause> {
  const located = new Map<string, LocatedClause>();
  for (const section of structure.sections) {
    section.clauses.forEach((clause, clauseIndex) => {
      if (!located.has(clause.id)) located.set(clause.id, { clause, section, clauseIndex });
    });
  }
  return located;
}
