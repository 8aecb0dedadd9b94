import type { ClauseComparison, ClauseCounts, ComparisonSummary, SectionComparison } from '@draftroom/shared';

export function emptyCounts(): ClauseCounts {
  return { added: 0, removed: 0, moved: 0, changed: 0, split: 0, unchanged: 0, statusChanged: 0 };
}

/** Counts one clause: by its primary change, plus the `moved` flag and a status change. */
function countClause(counts: ClauseCounts, entry: ClauseComparison): void {
  if (entry.change !== 'moved') counts[entry.change]++;
  if (entry.moved) counts.moved++;
  if (entry.statusChange) counts.statusChanged++;
}

function addCounts(total: ClauseCounts, counts: ClauseCounts): void {
  for (const key of Object.keys(total) as (keyof ClauseCounts)[]) total[key] += counts[key];
}

/** Per-section and overall counts; a clause counts in the section it is displayed in. */
export function summarise(
  sections: readonly SectionComparison[],
  preambleChanged: boolean,
): ComparisonSummary {
  const total = emptyCounts();
  const sectionChanges = { added: 0, removed: 0, renamed: 0, moved: 0 };
  const summaries = sections.map((section) => {
    const counts = emptyCounts();
    for (const entry of section.clauses) countClause(counts, entry);
    addCounts(total, counts);
    if (section.change === 'added') sectionChanges.added++;
    if (section.change === 'removed') sectionChanges.removed++;
    if (section.renamed) sectionChanges.renamed++;
    if (section.moved) sectionChanges.moved++;
    return {
      sectionId: section.sectionId,
      number: section.afterNumber ?? section.beforeNumber ?? '',
      title: section.afterTitle ?? section.beforeTitle ?? '',
      change: section.change,
      counts,
    };
  });
  return { total, sections: summaries, sectionChanges, preambleChanged };
}
