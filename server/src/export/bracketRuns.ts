/**
 * A bracketed passage as the editor shows it — `[A ᴴᵁ / B ᶜᶻ]` — for the
 * DOCX exports: the wording in the text, then each other alternative after
 * " / ", every wording followed by a footnote naming its proponent
 * ("Wording proposed by Hungary (HU).", "Alternative proposed by Czech
 * Republic (CZ).").
 *
 * The footnote references are also what lets verification read the text
 * back (`verify/docxStructure.ts`): a " / …" passage that follows one
 * footnote reference and runs up to the next is an alternative, not part of
 * the text the fingerprint covers.
 */
import { FootnoteReferenceRun, Paragraph, type ParagraphChild, type TextRun } from 'docx';
import { safeRun } from './safeRuns';

/** One alternative wording of a bracket and who proposed it. */
export interface BracketAlternativeNote {
  text: string;
  /** The proponent as people read it, e.g. "Hungary (HU)". */
  proponent: string;
}

/** Bracket id → its alternatives; the first is the wording that stands in the text. */
export type BracketNotes = ReadonlyMap<string, readonly BracketAlternativeNote[]>;

/** Separates alternatives inside a bracket, as in the editor. */
export const ALTERNATIVE_SEPARATOR = ' / ';

function footnote(text: string): FootnoteReferenceRun {
  return new FootnoteReferenceRun({ children: [new Paragraph({ children: [safeRun(text)] })] });
}

/**
 * What follows a bracket's wording, before its closing `]`: the footnote on
 * the wording, then " / alternative" and its footnote for each other one.
 * `style` makes the runs of an alternative (the bracket's highlight).
 * Nothing for a bracket without a record.
 */
export function bracketTail(
  bracketId: string,
  notes: BracketNotes | undefined,
  style: (text: string) => TextRun[],
): ParagraphChild[] {
  const alternatives = notes?.get(bracketId);
  if (!alternatives || alternatives.length === 0) return [];
  const [first, ...others] = alternatives;
  const tail: ParagraphChild[] = [
    footnote(`Wording proposed by ${first?.proponent ?? 'an unknown delegation'}.`),
  ];
  for (const other of others) {
    tail.push(
      ...style(`${ALTERNATIVE_SEPARATOR}${other.text || '(no text)'}`),
      footnote(`Alternative proposed by ${other.proponent}.`),
    );
  }
  return tail;
}

/** "[A / B]": a bracket's wordings for a line of text (the redline's bracket notes). */
export function bracketWordings(texts: readonly string[]): string {
  return `[${texts.join(ALTERNATIVE_SEPARATOR)}]`;
}
