/**
 * An amendment's two columns: the text it was tabled against (its deleted
 * words marked) | the amendment (its inserted words marked). Clause text is
 * plain text with "\n" between paragraphs; the breaks are compared as
 * paragraph breaks so both columns keep the clause's paragraphs. The
 * server's DOCX (server/src/amendments/amendmentText.ts) redlines the same way.
 */
import { type Amendment, PARAGRAPH_BREAK, type RedlineSegment, wordRedline } from '@draftroom/shared';

const asParagraphs = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n/g, PARAGRAPH_BREAK);

/** The word redline of an amendment: base → proposed; all deleted for `delete`; all inserted for `insert`. */
export function amendmentSegments(
  amendment: Pick<Amendment, 'kind' | 'baseText' | 'proposedText'>,
): RedlineSegment[] {
  if (amendment.kind === 'insert') return wordRedline('', asParagraphs(amendment.proposedText));
  if (amendment.kind === 'delete') return wordRedline(asParagraphs(amendment.baseText), '');
  return wordRedline(asParagraphs(amendment.baseText), asParagraphs(amendment.proposedText));
}
