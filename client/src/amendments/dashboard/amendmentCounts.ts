/** The dashboard's amendment figures: per section and per clause, tabled (open), decided and withdrawn. */
import type { Amendment } from '@draftroom/shared';
import type { ClauseDirectory, ClauseEntry, SectionEntry } from '../../negotiation/clauseDirectory';
import { type AmendmentCounts, amendmentsByClause, countAmendments } from '../amendmentModel';

export interface ClauseAmendmentCounts {
  clause: ClauseEntry;
  counts: AmendmentCounts;
}

export interface SectionAmendmentCounts {
  /** null: amendments to clauses no longer in the text. */
  section: SectionEntry | null;
  counts: AmendmentCounts;
  /** Clauses with amendments, in document order (empty for the deleted clauses' group). */
  clauses: ClauseAmendmentCounts[];
}

/**
 * The counts of every section that has amendments, in document order, then
 * one group for amendments to deleted clauses (for `insert`, the clause the
 * new one follows is the one counted).
 */
export function amendmentCountsBySection(
  directory: ClauseDirectory,
  amendments: readonly Amendment[],
): SectionAmendmentCounts[] {
  const byClause = amendmentsByClause(amendments);
  const groups: SectionAmendmentCounts[] = [];
  for (const section of directory.sections) {
    const clauses = directory.clauses
      .filter((clause) => clause.sectionNumber === section.number && byClause.has(clause.id))
      .map((clause) => ({ clause, counts: countAmendments(byClause.get(clause.id) ?? []) }));
    if (clauses.length === 0) continue;
    const all = clauses.flatMap(({ clause }) => byClause.get(clause.id) ?? []);
    groups.push({ section, counts: countAmendments(all), clauses });
  }
  const orphans = amendments.filter((amendment) => !directory.byId.has(amendment.clauseId));
  if (orphans.length > 0) groups.push({ section: null, counts: countAmendments(orphans), clauses: [] });
  return groups;
}
