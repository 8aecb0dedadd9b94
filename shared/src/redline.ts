/**
 * The paragraph structure of a redline. Compare writes a clause's (or the
 * preamble's) paragraphs as one text with {@link PARAGRAPH_BREAK} between
 * them, and the word diff treats each break as a token of its own: a
 * paragraph split or joined inside a clause is a change, redlined as an
 * inserted or deleted break. `redlineParagraphs` turns a redline back into
 * paragraphs for the screen and the DOCX, marking each inserted or deleted
 * break with a pilcrow (¶) at the end of its paragraph, the way Word's track
 * changes shows a paragraph mark.
 */

/** U+2029 PARAGRAPH SEPARATOR: between two paragraphs of a compared text (never typed in the editor). */
export const PARAGRAPH_BREAK = '\u2029';

/** Shown for an inserted or deleted paragraph break. */
export const PILCROW = '¶';

/** A piece of a word-level redline (the wire shape of compare's `Segment`). */
export interface RedlineSegment {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** A piece of one paragraph: text, or (`paragraphMark`) the ¶ of an inserted or deleted break. */
export interface RedlinePiece extends RedlineSegment {
  paragraphMark?: true;
}

/**
 * Which text a view shows: `inline` everything (the paragraphs of both sides:
 * a deleted break still ends its paragraph, struck through), `before` the
 * equal and deleted text, `after` the equal and inserted text.
 */
export type RedlineView = 'inline' | 'before' | 'after';

/**
 * The paragraphs of a redline as `view` shows them, each a list of pieces;
 * always at least one (possibly empty) paragraph. Every break shown ends a
 * paragraph; an inserted or deleted one leaves a ¶ piece (`paragraphMark`)
 * with its op at the end of that paragraph. Adjacent text of the same op is
 * one piece (a view that leaves out insertions or deletions joins the text
 * around them). No piece contains {@link PARAGRAPH_BREAK}.
 */
export function redlineParagraphs(segments: readonly RedlineSegment[], view: RedlineView): RedlinePiece[][] {
  const paragraphs: RedlinePiece[][] = [[]];
  for (const segment of segments) {
    if (view === 'before' && segment.op === 'insert') continue;
    if (view === 'after' && segment.op === 'delete') continue;
    segment.text.split(PARAGRAPH_BREAK).forEach((text, index) => {
      if (index > 0) {
        if (segment.op !== 'equal') {
          paragraphs[paragraphs.length - 1]?.push({ op: segment.op, text: PILCROW, paragraphMark: true });
        }
        paragraphs.push([]);
      }
      if (text !== '') appendText(paragraphs[paragraphs.length - 1] as RedlinePiece[], segment.op, text);
    });
  }
  return paragraphs;
}

/** Adds text to a paragraph, merged into its last piece when that is text of the same op. */
function appendText(paragraph: RedlinePiece[], op: RedlineSegment['op'], text: string): void {
  const last = paragraph[paragraph.length - 1];
  if (last && last.op === op && !last.paragraphMark) last.text += text;
  else paragraph.push({ op, text });
}
