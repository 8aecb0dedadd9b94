/** The dashboard's figures, computed from the clauses and the negotiation state. */
import {
  type Bracket,
  CLAUSE_STATUSES,
  type ClauseStatus,
  type CommentThread,
  type PositionEntry,
} from '@draftroom/shared';
import type { ClauseDirectory, ClauseEntry, SectionEntry } from '../clauseDirectory';
import type { NegotiationIndex } from '../negotiationStore';

export interface ClausesByStatus {
  status: ClauseStatus;
  clauses: ClauseEntry[];
}

export function clausesByStatus(directory: ClauseDirectory, index: NegotiationIndex): ClausesByStatus[] {
  return CLAUSE_STATUSES.map((status) => ({
    status,
    clauses: directory.clauses.filter(
      (clause) => (index.statusByClause.get(clause.id)?.status ?? 'open') === status,
    ),
  }));
}

export interface OpenBracket {
  bracket: Bracket;
  clause: ClauseEntry | null;
}

export function openBrackets(directory: ClauseDirectory, brackets: Bracket[]): OpenBracket[] {
  return brackets
    .filter((bracket) => !bracket.resolution)
    .map((bracket) => ({ bracket, clause: directory.byId.get(bracket.clauseId) ?? null }))
    .sort((a, b) => clauseOrder(directory, a.clause) - clauseOrder(directory, b.clause));
}

export interface ParticipantPositions {
  participantCode: string;
  /** Current positions of this participant, in document order (on clauses still in the text). */
  entries: { entry: PositionEntry; clause: ClauseEntry }[];
}

export function positionsByParticipant(
  directory: ClauseDirectory,
  positions: PositionEntry[],
): ParticipantPositions[] {
  const byCode = new Map<string, ParticipantPositions>();
  for (const entry of positions) {
    const clause = directory.byId.get(entry.clauseId);
    if (!clause) continue;
    let group = byCode.get(entry.participantCode);
    if (!group) {
      group = { participantCode: entry.participantCode, entries: [] };
      byCode.set(entry.participantCode, group);
    }
    group.entries.push({ entry, clause });
  }
  const groups = [...byCode.values()].sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  for (const group of groups) {
    group.entries.sort((a, b) => clauseOrder(directory, a.clause) - clauseOrder(directory, b.clause));
  }
  return groups;
}

export interface SectionThreads {
  section: SectionEntry | null;
  threads: { thread: CommentThread; clause: ClauseEntry | null }[];
}

/** Unresolved threads by section; threads on deleted clauses come last, in a group of their own. */
export function unresolvedThreadsBySection(
  directory: ClauseDirectory,
  threads: CommentThread[],
): SectionThreads[] {
  const groups = new Map<string, SectionThreads>();
  for (const section of directory.sections) groups.set(section.number, { section, threads: [] });
  const orphans: SectionThreads = { section: null, threads: [] };
  for (const thread of threads) {
    if (thread.resolvedAt) continue;
    const clause = directory.byId.get(thread.clauseId) ?? null;
    const group = clause ? groups.get(clause.sectionNumber) : orphans;
    group?.threads.push({ thread, clause });
  }
  for (const group of groups.values()) {
    group.threads.sort((a, b) => clauseOrder(directory, a.clause) - clauseOrder(directory, b.clause));
  }
  return [...groups.values(), orphans].filter((group) => group.threads.length > 0);
}

function clauseOrder(directory: ClauseDirectory, clause: ClauseEntry | null): number {
  return clause ? directory.clauses.indexOf(clause) : Number.MAX_SAFE_INTEGER;
}
