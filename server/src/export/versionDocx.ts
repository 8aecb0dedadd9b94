/**
 * A version of a document as a Word file: the preamble, then sections
 * ("1. Title") and clauses ("1.1") numbered as text — exactly the app's
 * numbers, not Word's auto-numbering — with bold, italic and highlighted
 * brackets showing their alternatives (`[A / B]`, each wording's proponent
 * in a footnote); the version and its date (in the process's time zone) in
 * the header, page numbers and the fingerprint in the footer.
 *
 * Verification reads this layout back (`verify/docxStructure.ts`): the
 * title paragraph and the line under it, then the preamble, "N. Title"
 * section headings and "N.N<tab>" clause paragraphs. Change them together.
 */
import { CLAUSE_STATUS_LABEL, type ClauseStatus, type DocumentStructure } from '@draftroom/shared';
import { Document, HeadingLevel, Packer, Paragraph, type TextRun } from 'docx';
import type { BracketNotes } from './bracketRuns';
import {
  clauseParagraphs,
  DOCUMENT_STYLES,
  dateLabel,
  FINGERPRINT_LABEL,
  noteRun,
  pageFooter,
  pageHeader,
  preambleParagraphs,
} from './docxParts';
import { safeRun, xmlSafeText } from './safeRuns';

export interface VersionExport {
  /** The document's title, e.g. "Action Plan 2012–2016". */
  title: string;
  processName: string;
  versionLabel: string;
  date: string | Date;
  /** SHA-256 of the version's canonical text (`fingerprint(structure)`). */
  fingerprint: string;
  structure: DocumentStructure;
  /** Clause id → status; shown next to the clause number unless "open". */
  statuses?: Record<string, string>;
  /** Bracket id → its alternatives and their proponents (shown `[A / B]` with footnotes). */
  brackets?: BracketNotes;
  /** IANA zone the date is written in (`PROCESS_TIME_ZONE`); Europe/Prague by default. */
  timeZone?: string;
}

function statusNote(status: string | undefined): TextRun[] {
  if (!status || status === 'open') return [];
  const label = CLAUSE_STATUS_LABEL[status as ClauseStatus] ?? status;
  return [noteRun(`[${label}] `)];
}

function bodyParagraphs(input: VersionExport): Paragraph[] {
  const paragraphs: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [safeRun(input.title)] }),
    new Paragraph({
      spacing: { after: 240 },
      children: [
        noteRun(`${input.processName} — ${input.versionLabel} — ${dateLabel(input.date, input.timeZone)}`),
      ],
    }),
    ...preambleParagraphs(input.structure.preamble, input.brackets),
  ];
  for (const section of input.structure.sections) {
    paragraphs.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_2,
        keepNext: true,
        children: [safeRun(`${section.number}. ${section.title}`)],
      }),
    );
    for (const clause of section.clauses) {
      paragraphs.push(
        ...clauseParagraphs(
          clause.number,
          clause.blocks,
          statusNote(input.statuses?.[clause.id]),
          input.brackets,
        ),
      );
    }
  }
  return paragraphs;
}

/** The version as a DOCX file. */
export async function exportVersionDocx(input: VersionExport): Promise<Buffer> {
  const document = new Document({
    creator: 'Draftroom',
    title: xmlSafeText(`${input.title} — ${input.versionLabel}`),
    description: `${FINGERPRINT_LABEL}${input.fingerprint}`,
    styles: DOCUMENT_STYLES,
    sections: [
      {
        headers: {
          default: pageHeader([
            input.title,
            `${input.versionLabel} — ${dateLabel(input.date, input.timeZone)}`,
          ]),
        },
        footers: { default: pageFooter([`${input.processName} · ${FINGERPRINT_LABEL}${input.fingerprint}`]) },
        children: bodyParagraphs(input),
      },
    ],
  });
  return Packer.toBuffer(document);
}
