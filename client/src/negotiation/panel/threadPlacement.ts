/** Where each thread is in the text now, and which threads a filter shows, in document order. */
import type { CommentThread } from '@draftroom/shared';
import type { EditorState } from '@tiptap/pm/state';
import type { ClauseDirectory, ClauseEntry } from '../clauseDirectory';
import { resolveRangeAnchor } from '../editor/commentAnchors';
import type { ThreadFilter } from '../NegotiationContext';

export interface ThreadPlacement {
  /** The clause, or null when it was deleted. */
  clause: ClauseEntry | null;
  /** The commented text was deleted (the quote is all that is left). */
  textDeleted: boolean;
  /** Document order of the clause (deleted clauses last). */
  order: number;
}

export function placeThreads(
  threads: CommentThread[],
  directory: ClauseDirectory,
  state: EditorState,
): Map<string, ThreadPlacement> {
  const order = new Map(directory.clauses.map((clause, index) => [clause.id, index]));
  const placements = new Map<string, ThreadPlacement>();
  for (const thread of threads) {
    const clause = directory.byId.get(thread.clauseId) ?? null;
    let textDeleted = false;
    if (clause && thread.anchor) {
      const range = resolveRangeAnchor(state, thread.anchor);
      textDeleted = !range || range.from >= range.to;
    }
    placements.set(thread.id, {
      clause,
      textDeleted,
      order: order.get(thread.clauseId) ?? Number.MAX_SAFE_INTEGER,
    });
  }
  return placements;
}

export function mentionsCode(thread: CommentThread, code: string): boolean {
  return thread.comments.some((comment) => comment.mentions.includes(code));
}

export function involvesParticipant(thread: CommentThread, code: string): boolean {
  return (
    thread.author.participantCode === code ||
    thread.comments.some((comment) => comment.author.participantCode === code)
  );
}

export function filterThreads(
  threads: CommentThread[],
  placements: Map<string, ThreadPlacement>,
  filter: ThreadFilter,
  myCode: string,
): CommentThread[] {
  const shown = threads.filter((thread) => {
    if (filter.status === 'open' && thread.resolvedAt) return false;
    if (filter.status === 'resolved' && !thread.resolvedAt) return false;
    if (filter.mentioningMe && !mentionsCode(thread, myCode)) return false;
    if (filter.participant && !involvesParticipant(thread, filter.participant)) return false;
    if (filter.clauseId && thread.clauseId !== filter.clauseId) return false;
    if (filter.sectionId && placements.get(thread.id)?.clause?.sectionId !== filter.sectionId) return false;
    return true;
  });
  const orderOf = (thread: CommentThread) => placements.get(thread.id)?.order ?? Number.MAX_SAFE_INTEGER;
  return shown.sort((a, b) => orderOf(a) - orderOf(b) || a.createdAt.localeCompare(b.createdAt));
}
