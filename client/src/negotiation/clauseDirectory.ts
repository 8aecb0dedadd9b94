/**
 * The numbered clauses of a document (number, section, text), read from the
 * editor's document (`useClauseDirectory`) or, for the dashboard, straight
 * from the Y.Doc.
 */

export interface ClauseEntry {
  id: string;
  /** "2.3" */
  number: string;
  sectionId: string | null;
  /** "2" */
  sectionNumber: string;
  sectionTitle: string;
  text: string;
}

export interface SectionEntry {
  id: string | null;
  number: string;
  title: string;
}

export interface ClauseDirectory {
  clauses: ClauseEntry[];
  byId: Map<string, ClauseEntry>;
  sections: SectionEntry[];
}

export function buildDirectory(clauses: ClauseEntry[], sections: SectionEntry[]): ClauseDirectory {
  return { clauses, byId: new Map(clauses.map((clause) => [clause.id, clause])), sections };
}
