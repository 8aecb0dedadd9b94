/**
 * Search in comments: a thread matches when every word typed occurs in its
 * comments, its quoted text, its authors' names or delegation codes, or its
 * clause number ("clause 3.2"). Case and accents are ignored, so "poznan"
 * finds "Poznań".
 */
import type { CommentThread } from '@draftroom/shared';

/** Lower case without accents (NFD, combining marks removed). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** The words of a comment search ('' gives none: everything matches). */
export function searchTerms(query: string): string[] {
  return foldForSearch(query).split(/\s+/).filter(Boolean);
}

function searchableText(thread: CommentThread, clauseNumber: string | undefined): string {
  const parts = [thread.anchor?.quote ?? '', clauseNumber ? `clause ${clauseNumber}` : ''];
  for (const comment of thread.comments) {
    parts.push(comment.body, comment.author.name, comment.author.participantCode);
  }
  return foldForSearch(parts.join('\n'));
}

export function threadMatchesSearch(
  thread: CommentThread,
  terms: string[],
  clauseNumber: string | undefined,
): boolean {
  if (terms.length === 0) return true;
  const text = searchableText(thread, clauseNumber);
  return terms.every((term) => text.includes(term));
}
