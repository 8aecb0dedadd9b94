/** What is still open on a clause: its status, open brackets, reservations or opposition, unresolved threads. */
import type { Bracket, ClauseStatus, CommentThread, PositionEntry } from '@draftroom/shared';
import { OBJECTING_POSITIONS } from './labels';
import type { NegotiationIndex } from './negotiationStore';

export interface ClauseMatters {
  status: ClauseStatus;
  openBrackets: Bracket[];
  objections: PositionEntry[];
  openThreads: CommentThread[];
}

export function clauseMatters(clauseId: string, index: NegotiationIndex): ClauseMatters {
  return {
    status: index.statusByClause.get(clauseId)?.status ?? 'open',
    openBrackets: (index.bracketsByClause.get(clauseId) ?? []).filter((bracket) => !bracket.resolution),
    objections: (index.positionsByClause.get(clauseId) ?? []).filter((entry) =>
      OBJECTING_POSITIONS.has(entry.position),
    ),
    openThreads: (index.threadsByClause.get(clauseId) ?? []).filter((thread) => !thread.resolvedAt),
  };
}

export function hasOpenMatters(matters: ClauseMatters): boolean {
  return (
    matters.status !== 'agreed' ||
    matters.openBrackets.length > 0 ||
    matters.objections.length > 0 ||
    matters.openThreads.length > 0
  );
}

/** Clauses the "open matters only" filter hides: agreed, with nothing left open. */
export function settledClauses(index: NegotiationIndex): Set<string> {
  const settled = new Set<string>();
  for (const [clauseId, entry] of index.statusByClause) {
    if (entry.status === 'agreed' && !hasOpenMatters(clauseMatters(clauseId, index))) settled.add(clauseId);
  }
  return settled;
}
