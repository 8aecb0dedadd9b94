/** What the compare page derives from a comparison: headlines, the list of changes to step through, labels. */

import type {
  ClauseComparison,
  ClauseCounts,
  DocumentComparison,
  SectionComparison,
} from '@draftroom/shared';
import { CLAUSE_STATUS_LABEL, POSITION_LABEL } from '@draftroom/shared';
import { countOf } from '../labels';

/** "1 clause changed · 2 added · 1 moved"; the first part names the clauses. */
export function comparisonHeadline(total: ClauseCounts): string {
  const parts: [number, string][] = [
    [total.changed, 'changed'],
    [total.added, 'added'],
    [total.removed, 'removed'],
    [total.moved, 'moved'],
    [total.split, 'split off'],
  ];
  const present = parts.filter(([count]) => count > 0);
  const text = present.map(([count, what], index) =>
    index === 0 ? `${countOf(count, 'clause')} ${what}` : `${count} ${what}`,
  );
  if (total.statusChanged > 0) text.push(countOf(total.statusChanged, 'status change'));
  return text.length > 0 ? text.join(' · ') : 'No clause changed';
}

/** Anything to show for this clause besides its unchanged text. */
export function clauseHasChanges(clause: ClauseComparison): boolean {
  return (
    clause.change !== 'unchanged' ||
    clause.moved ||
    clause.statusChange !== undefined ||
    (clause.bracketChanges?.length ?? 0) > 0 ||
    (clause.positionChanges?.length ?? 0) > 0
  );
}

export function sectionTitleChanged(section: SectionComparison): boolean {
  return section.change !== 'unchanged';
}

export const PREAMBLE_ANCHOR = 'change-preamble';
export const clauseAnchor = (clauseId: string) => `change-clause-${clauseId}`;
export const sectionAnchor = (sectionId: string) => `change-section-${sectionId}`;
/** The element of a whole section (the summary links to it). */
export const sectionElementId = (sectionId: string) => `compare-section-${sectionId}`;

/** The anchors of every change, in reading order: the preamble, section headings, clauses. */
export function changeAnchors(comparison: DocumentComparison): string[] {
  const anchors: string[] = comparison.preamble.changed ? [PREAMBLE_ANCHOR] : [];
  for (const section of comparison.sections) {
    if (sectionTitleChanged(section)) anchors.push(sectionAnchor(section.sectionId));
    for (const clause of section.clauses)
      if (clauseHasChanges(clause)) anchors.push(clauseAnchor(clause.clauseId));
  }
  return anchors;
}

/** Clause id → its numbers on each side, to name the clauses a split came from or went to. */
export type ClauseNumbers = Map<string, { before?: string; after?: string }>;

export function clauseNumbers(comparison: DocumentComparison): ClauseNumbers {
  const numbers: ClauseNumbers = new Map();
  for (const section of comparison.sections) {
    for (const clause of section.clauses) {
      numbers.set(clause.clauseId, { before: clause.beforeNumber, after: clause.afterNumber });
    }
  }
  return numbers;
}

/** "2.3 → 2.4" when the number changed, else the one number. */
export function numberLabel(before: string | undefined, after: string | undefined): string {
  if (before && after && before !== after) return `${before} → ${after}`;
  return after ?? before ?? '';
}

export function statusLabel(status: string | undefined): string {
  if (!status) return 'Open';
  return (CLAUSE_STATUS_LABEL as Record<string, string>)[status] ?? status;
}

export function positionLabel(position: string): string {
  return (POSITION_LABEL as Record<string, string>)[position] ?? position;
}

/** The labels of a clause's change: "Added", "Moved", "Split from 2.3", "Renumbered"… */
export function changeTags(
  clause: ClauseComparison,
  numbers: ClauseNumbers,
): { kind: string; text: string }[] {
  const tags: { kind: string; text: string }[] = [];
  if (clause.change === 'added') tags.push({ kind: 'added', text: 'Added' });
  if (clause.change === 'removed') tags.push({ kind: 'removed', text: 'Removed' });
  if (clause.change === 'changed') tags.push({ kind: 'changed', text: 'Changed' });
  if (clause.splitFrom) {
    const from = numbers.get(clause.splitFrom);
    tags.push({ kind: 'split', text: `Split from ${from?.before ?? from?.after ?? 'another clause'}` });
  }
  if (clause.splitInto?.length) {
    const into = clause.splitInto.map((id) => numbers.get(id)?.after).filter(Boolean);
    tags.push({ kind: 'split', text: into.length ? `Split into ${into.join(', ')}` : 'Split' });
  }
  if (clause.moved) tags.push({ kind: 'moved', text: 'Moved' });
  const renumbered = clause.beforeNumber && clause.afterNumber && clause.beforeNumber !== clause.afterNumber;
  if (renumbered && !clause.moved) tags.push({ kind: 'renumbered', text: 'Renumbered' });
  if (clause.statusChange) tags.push({ kind: 'status', text: 'Status changed' });
  return tags;
}
