/**
 * The two forms of the comparison DOCX (`?form=` of `compare.docx`):
 *
 * - `formatted`: insertions underlined (blue), deletions struck through
 *   (red), an inserted or deleted paragraph break shown as a ¶ — a redline
 *   to read;
 * - `tracked`: Word's own tracked changes — every insertion a `w:ins` and
 *   every deletion a `w:del` revision (deleted text as `w:delText`), an
 *   inserted or deleted paragraph break a revision of the paragraph mark —
 *   each with an author and a date, so the recipient can accept or reject
 *   them in Word or LibreOffice (Review).
 *
 * Authors and dates (`RevisionOf`) come from the clause edit log: the
 * delegations whose stored edits touched the clause between the two
 * versions, and when the last of them did. Compare attributes edits to
 * clauses, not to words: when several delegations edited a clause, each of
 * its revisions names them all ("Czech Republic (CZ), Hungary (HU)").
 */
import type { RedlinePiece } from '@draftroom/shared';
import type { IParagraphRunOptions, ParagraphChild } from 'docx';
import { textRuns } from './docxParts';
import { safeDeletedRun, safeInsertedRun, safeRun } from './safeRuns';

export type RedlineForm = 'formatted' | 'tracked';

/** Who made a change and when (ISO 8601), as a tracked change records it. */
export interface Revision {
  author: string;
  date: string;
}

/** The revision of the changes in a clause; `undefined` for the preamble and section titles. */
export type RevisionOf = (clauseId: string | undefined) => Revision;

/** One paragraph of a redline: its runs, and the revision of its mark when its break was inserted or deleted. */
export interface RedlineParagraph {
  children: ParagraphChild[];
  /** Paragraph-mark run properties (`w:pPr/w:rPr`) carrying an inserted or deleted mark. */
  mark?: IParagraphRunOptions;
}

export interface RedlineWriter {
  readonly form: RedlineForm;
  /** The runs of one paragraph of a redline (`redlineParagraphs`), in `clauseId`. */
  paragraph(pieces: readonly RedlinePiece[], clauseId?: string, base?: { bold?: boolean }): RedlineParagraph;
}

/** Underline and strike-through; the ¶ of an inserted or deleted break as marked text. */
export function formattedWriter(): RedlineWriter {
  return {
    form: 'formatted',
    paragraph: (pieces, _clauseId, base = {}) => ({
      children: pieces.flatMap((piece) =>
        textRuns(piece.text, { ...base, inserted: piece.op === 'insert', deleted: piece.op === 'delete' }),
      ),
    }),
  };
}

/** Word tracked changes, numbered from 1 in the order they are written. */
export function trackedWriter(revisionOf: RevisionOf): RedlineWriter {
  let nextId = 1;
  const change = (clauseId: string | undefined) => ({ id: nextId++, ...revisionOf(clauseId) });
  const runs = (piece: RedlinePiece, clauseId: string | undefined, bold: boolean | undefined) =>
    piece.text.split('\n').map((line, index): ParagraphChild => {
      const options = { text: line, bold, break: index > 0 ? 1 : undefined };
      if (piece.op === 'insert') return safeInsertedRun({ ...options, ...change(clauseId) });
      if (piece.op === 'delete') return safeDeletedRun({ ...options, ...change(clauseId) });
      return safeRun(options);
    });
  return {
    form: 'tracked',
    paragraph: (pieces, clauseId, base = {}) => {
      const markPiece = pieces.find((piece) => piece.paragraphMark && piece.op !== 'equal');
      const children = pieces
        .filter((piece) => !piece.paragraphMark)
        .flatMap((piece) => runs(piece, clauseId, base.bold));
      if (!markPiece) return { children };
      const mark =
        markPiece.op === 'insert' ? { insertion: change(clauseId) } : { deletion: change(clauseId) };
      return { children, mark };
    },
  };
}

/** A participant list as a revision author: "Czech Republic (CZ), Hungary (HU)". */
export function revisionAuthor(labels: readonly string[], fallback: string): string {
  return labels.length > 0 ? labels.join(', ') : fallback;
}
