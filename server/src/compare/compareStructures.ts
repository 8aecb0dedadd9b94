/**
 * The clause-by-clause compare engine: two versions of a document in, the
 * clauses and sections added, removed, moved, changed and split out, each
 * clause with its word-level redline. See ./types.ts for the result's design.
 */

import {
  type BracketChange,
  type ClauseComparison,
  type ClauseStructure,
  type DocumentComparison,
  normaliseWhitespace,
  type RedlineSegment,
  type SectionComparison,
  type SectionStructure,
  wordRedline,
} from '@draftroom/shared';
import { clauseComparedText, preambleComparedText } from './comparedText';
import { type LocatedClause, locateClauses } from './locate';
import { bracketChangesByClause, positionChangesOf, statusChangeOf } from './negotiationChanges';
import { movedItems, placeRemoved } from './order';
import { detectSplits, type Splits } from './splits';
import { summarise } from './summary';
import type { ComparableDocument, CompareOptions } from './types';

interface CompareContext {
  before: ComparableDocument;
  after: ComparableDocument;
  options: CompareOptions;
  beforeClauses: Map<string, LocatedClause>;
  afterClauses: Map<string, LocatedClause>;
  movedClauses: Set<string>;
  splits: Splits;
  bracketChanges: Map<string, BracketChange[]>;
}

const inserted = (text: string): RedlineSegment[] => (text === '' ? [] : [{ op: 'insert', text }]);
const deleted = (text: string): RedlineSegment[] => (text === '' ? [] : [{ op: 'delete', text }]);

/** Compares two versions of a document clause by clause, matching clauses and sections by id. */
export function compareStructures(
  before: ComparableDocument,
  after: ComparableDocument,
  options: CompareOptions = {},
): DocumentComparison {
  const beforeClauses = locateClauses(before.structure);
  const afterClauses = locateClauses(after.structure);
  const context: CompareContext = {
    before,
    after,
    options,
    beforeClauses,
    afterClauses,
    movedClauses: findMovedClauses(beforeClauses, after),
    splits: detectSplits(beforeClauses, before.structure, after.structure),
    bracketChanges: bracketChangesByClause(before, after),
  };
  const preamble = comparePreamble(before, after);
  const sections = compareSections(context);
  return { preamble, sections, summary: summarise(sections, preamble.changed) };
}

function comparePreamble(
  before: ComparableDocument,
  after: ComparableDocument,
): DocumentComparison['preamble'] {
  const beforeText = preambleComparedText(before.structure.preamble);
  const afterText = preambleComparedText(after.structure.preamble);
  const changed = normaliseWhitespace(beforeText) !== normaliseWhitespace(afterText);
  return {
    changed,
    redline: changed ? wordRedline(beforeText, afterText) : wordRedline(afterText, afterText),
  };
}

/** A clause moved when it changed section, or left the longest run of clauses kept in order in its section. */
function findMovedClauses(beforeClauses: Map<string, LocatedClause>, after: ComparableDocument): Set<string> {
  const moved = new Set<string>();
  for (const section of after.structure.sections) {
    const beforePosition = new Map<string, number>();
    for (const clause of section.clauses) {
      const was = beforeClauses.get(clause.id);
      if (!was) continue;
      if (was.section.id === section.id) beforePosition.set(clause.id, was.clauseIndex);
      else moved.add(clause.id);
    }
    const order = section.clauses.map((clause) => clause.id);
    for (const id of movedItems(order, beforePosition)) moved.add(id);
  }
  return moved;
}

function compareSections(context: CompareContext): SectionComparison[] {
  const beforeSections = context.before.structure.sections;
  const afterSections = context.after.structure.sections;
  const beforeById = new Map(beforeSections.map((section, index) => [section.id, { section, index }]));
  const afterIds = new Set(afterSections.map((section) => section.id));
  const movedSections = movedItems(
    afterSections.map((section) => section.id),
    new Map([...beforeById].map(([id, { index }]) => [id, index])),
  );
  const kept = afterSections.map((section) =>
    keptSectionEntry(context, section, beforeById.get(section.id)?.section, movedSections.has(section.id)),
  );
  const removed = new Map(
    beforeSections
      .filter((section) => !afterIds.has(section.id))
      .map((section) => [section.id, removedSectionEntry(context, section)]),
  );
  return placeRemoved(
    kept,
    (entry) => entry.sectionId,
    beforeSections.map((section) => section.id),
    removed,
  );
}

function keptSectionEntry(
  context: CompareContext,
  section: SectionStructure,
  was: SectionStructure | undefined,
  moved: boolean,
): SectionComparison {
  const clauses = section.clauses.map((clause) => clauseEntry(context, clause, section));
  const renamed = was !== undefined && normaliseWhitespace(was.title) !== normaliseWhitespace(section.title);
  const entry: SectionComparison = {
    sectionId: section.id,
    change: !was ? 'added' : renamed ? 'renamed' : moved ? 'moved' : 'unchanged',
    renamed,
    moved,
    afterNumber: section.number,
    afterTitle: section.title,
    titleRedline: was ? wordRedline(was.title, section.title) : inserted(section.title),
    clauses,
  };
  if (!was) return entry;
  entry.beforeNumber = was.number;
  entry.beforeTitle = was.title;
  const removedClauses = new Map(
    was.clauses
      .filter((clause) => !context.afterClauses.has(clause.id))
      .map((clause) => [clause.id, removedClauseEntry(context, clause, was)]),
  );
  entry.clauses = placeRemoved(
    clauses,
    (clause) => clause.clauseId,
    was.clauses.map((clause) => clause.id),
    removedClauses,
  );
  return entry;
}

function removedSectionEntry(context: CompareContext, section: SectionStructure): SectionComparison {
  return {
    sectionId: section.id,
    change: 'removed',
    renamed: false,
    moved: false,
    beforeNumber: section.number,
    beforeTitle: section.title,
    titleRedline: deleted(section.title),
    clauses: section.clauses
      .filter((clause) => !context.afterClauses.has(clause.id))
      .map((clause) => removedClauseEntry(context, clause, section)),
  };
}

function removedClauseEntry(
  context: CompareContext,
  clause: ClauseStructure,
  section: SectionStructure,
): ClauseComparison {
  const entry: ClauseComparison = {
    clauseId: clause.id,
    change: 'removed',
    beforeNumber: clause.number,
    sectionId: section.id,
    beforeSectionId: section.id,
    moved: false,
    textChanged: true,
    redline: deleted(clauseComparedText(clause)),
  };
  const splitInto = context.splits.sources.get(clause.id);
  if (splitInto) entry.splitInto = splitInto;
  const bracketChanges = context.bracketChanges.get(clause.id);
  if (bracketChanges) entry.bracketChanges = bracketChanges;
  return withAttribution(context, entry);
}

/** The entry of a clause of the "after" version: added, split off, or matched with its "before" self. */
function clauseEntry(
  context: CompareContext,
  clause: ClauseStructure,
  section: SectionStructure,
): ClauseComparison {
  const afterText = clauseComparedText(clause);
  const entry: ClauseComparison = {
    clauseId: clause.id,
    change: 'added',
    afterNumber: clause.number,
    sectionId: section.id,
    afterSectionId: section.id,
    moved: false,
    textChanged: true,
    redline: inserted(afterText),
  };
  const was = context.beforeClauses.get(clause.id);
  const splitPart = context.splits.parts.get(clause.id);
  if (was) {
    const beforeText = clauseComparedText(was.clause);
    entry.beforeNumber = was.clause.number;
    entry.beforeSectionId = was.section.id;
    entry.moved = context.movedClauses.has(clause.id);
    entry.textChanged = normaliseWhitespace(beforeText) !== normaliseWhitespace(afterText);
    entry.redline = entry.textChanged
      ? wordRedline(beforeText, afterText)
      : wordRedline(afterText, afterText);
    entry.change = entry.textChanged ? 'changed' : entry.moved ? 'moved' : 'unchanged';
    const splitInto = context.splits.sources.get(clause.id);
    if (splitInto) entry.splitInto = splitInto;
  } else if (splitPart) {
    entry.change = 'split';
    entry.splitFrom = splitPart.from;
    entry.redline = splitPart.redline;
  }
  return withAttribution(context, withNegotiation(context, entry));
}

function withNegotiation(context: CompareContext, entry: ClauseComparison): ClauseComparison {
  const statusChange = statusChangeOf(entry.clauseId, context.before, context.after);
  if (statusChange) entry.statusChange = statusChange;
  const bracketChanges = context.bracketChanges.get(entry.clauseId);
  if (bracketChanges) entry.bracketChanges = bracketChanges;
  const positionChanges = positionChangesOf(entry.clauseId, context.before, context.after);
  if (positionChanges) entry.positionChanges = positionChanges;
  return entry;
}

/** Carries who edited a clause that is not unchanged (the server computes the map). */
function withAttribution(context: CompareContext, entry: ClauseComparison): ClauseComparison {
  const editors = context.options.attribution?.[entry.clauseId];
  if (entry.change !== 'unchanged' && editors && editors.length > 0) {
    entry.editedBy = [...new Set(editors)].sort();
  }
  return entry;
}

/** Every clause entry of a comparison, in display order. */
export function comparedClauses(comparison: DocumentComparison): ClauseComparison[] {
  return comparison.sections.flatMap((section) => section.clauses);
}
