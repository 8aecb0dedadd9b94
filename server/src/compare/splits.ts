/**
 * Split detection. A clause was split when its text reappears divided
 * between consecutive clauses of the new version: the clause itself (same
 * id, now shorter) followed by new clauses taking the rest, or — when its id
 * disappeared — new clauses standing where it stood.
 */

import {
  type DocumentStructure,
  type RedlineSegment,
  type SplitDiff,
  splitDiff,
  wordCount,
} from '@draftroom/shared';
import { clauseComparedText } from './comparedText';
import type { LocatedClause } from './locate';

/** A new part must share at least this share of its words with the original… */
const PART_MATCH_RATIO = 0.5;
/** …and the parts together must cover this share of the original's words when its id disappeared. */
const COVERAGE_RATIO = 0.6;

export interface SplitPart {
  from: string;
  /** Redline of the part against the piece of the original text it took. */
  redline: RedlineSegment[];
}

export interface Splits {
  /** New clause id → where it was split from. */
  parts: Map<string, SplitPart>;
  /** Original clause id → the new clauses that took part of its text. */
  sources: Map<string, string[]>;
}

interface SplitSearch {
  beforeClauses: ReadonlyMap<string, LocatedClause>;
  splits: Splits;
}

const isNew = (search: SplitSearch, clauseId: string) =>
  !search.beforeClauses.has(clauseId) && !search.splits.parts.has(clauseId);

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Takes new clauses from `candidates` (in order) as parts of `original` while
 * each one is largely made of words of the original not used by the parts
 * before it. `head` is the text of the original's own (kept) clause, if any.
 */
function takeParts(
  original: string,
  head: string | undefined,
  candidates: readonly { id: string; text: string }[],
): { ids: string[]; diff: SplitDiff } | undefined {
  const headTexts = head === undefined ? [] : [head];
  let matchedSoFar = head === undefined ? 0 : sum(splitDiff(original, headTexts).matchedWords);
  let accepted: { ids: string[]; diff: SplitDiff } | undefined;
  const ids: string[] = [];
  const texts: string[] = [];
  for (const candidate of candidates) {
    const partWords = wordCount(candidate.text);
    const needed = matchedSoFar + Math.ceil(partWords * PART_MATCH_RATIO);
    const diff = splitDiff(original, [...headTexts, ...texts, candidate.text], needed);
    const partMatched = diff.matchedWords[diff.matchedWords.length - 1] ?? 0;
    const matched = sum(diff.matchedWords);
    const gain = matched - matchedSoFar;
    if (partWords === 0 || partMatched < partWords * PART_MATCH_RATIO || gain < partWords * PART_MATCH_RATIO)
      break;
    ids.push(candidate.id);
    texts.push(candidate.text);
    matchedSoFar = matched;
    accepted = { ids: [...ids], diff };
  }
  return accepted;
}

function record(
  search: SplitSearch,
  from: string,
  ids: readonly string[],
  redlines: readonly RedlineSegment[][],
): void {
  ids.forEach((id, index) => {
    search.splits.parts.set(id, { from, redline: redlines[index] ?? [] });
  });
  search.splits.sources.set(from, [...ids]);
}

/** The new clauses that follow position `start` of a section's clause list, up to the first one that is not new. */
function newClausesFrom(
  search: SplitSearch,
  clauses: DocumentStructure['sections'][number]['clauses'],
  start: number,
) {
  const run: { id: string; text: string }[] = [];
  for (let index = start; index < clauses.length; index++) {
    const clause = clauses[index];
    if (!clause || !isNew(search, clause.id)) break;
    run.push({ id: clause.id, text: clauseComparedText(clause) });
  }
  return run;
}

/** Clauses that kept their id, lost their tail, and are followed by new clauses holding it. */
function findKeptSplits(search: SplitSearch, after: DocumentStructure): void {
  for (const section of after.sections) {
    section.clauses.forEach((clause, index) => {
      const was = search.beforeClauses.get(clause.id);
      if (!was) return;
      const candidates = newClausesFrom(search, section.clauses, index + 1);
      if (candidates.length === 0) return;
      const taken = takeParts(clauseComparedText(was.clause), clauseComparedText(clause), candidates);
      if (taken) record(search, clause.id, taken.ids, taken.diff.redlines.slice(1));
    });
  }
}

/** Clauses whose id disappeared and whose text stands, divided, in new clauses where they were. */
function findReplacedSplits(search: SplitSearch, before: DocumentStructure, after: DocumentStructure): void {
  const afterSections = new Map(after.sections.map((section) => [section.id, section]));
  const afterPositions = new Map<string, number>();
  for (const section of after.sections) {
    section.clauses.forEach((clause, index) => {
      afterPositions.set(clause.id, index);
    });
  }
  for (const section of before.sections) {
    const afterSection = afterSections.get(section.id);
    if (!afterSection) continue;
    let start = 0;
    for (const clause of section.clauses) {
      const keptAt = afterPositions.get(clause.id);
      if (keptAt !== undefined) {
        if (afterSection.clauses[keptAt]?.id === clause.id) start = keptAt + 1;
        continue;
      }
      while (search.splits.parts.has(afterSection.clauses[start]?.id ?? '')) start++;
      const taken = takeParts(
        clauseComparedText(clause),
        undefined,
        newClausesFrom(search, afterSection.clauses, start),
      );
      if (!taken || taken.ids.length < 2) continue;
      if (sum(taken.diff.matchedWords) < taken.diff.beforeWords * COVERAGE_RATIO) continue;
      record(search, clause.id, taken.ids, taken.diff.redlines);
    }
  }
}

export function detectSplits(
  beforeClauses: ReadonlyMap<string, LocatedClause>,
  before: DocumentStructure,
  after: DocumentStructure,
): Splits {
  const search: SplitSearch = { beforeClauses, splits: { parts: new Map(), sources: new Map() } };
  findKeptSplits(search, after);
  findReplacedSplits(search, before, after);
  return search.splits;
}
