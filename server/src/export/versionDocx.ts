/**
 * A version of a document as a Word file: the preamble, then sections
 * ("1. Title") and clauses ("1.1") numbered as text — exactly the app's
 * numbers, not Word's auto-numbering — with bold, italic and highlighted
 * brackets; the version in the header, page numbers and the fingerprint in
 * the footer.
 */
import { CLAUSE_STATUS_LABEL, type ClauseStatus } from '@draftroom/shared';
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { DocumentStructure } from '../content/structure';
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
}

function statusNote(status: string | undefined): TextRun[] {
  if (!status || status === 'open') return [];
  const label = CLAUSE_STATUS_LABEL[status as ClauseStatus] ?? status;
  return [noteRun(`[${label}] `)];
}

function bodyParagraphs(input: VersionExport): Paragraph[] {
  const paragraphs: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(input.title)] }),
    new Paragraph({
      spacing: { after: 240 },
      children: [noteRun(`${input.processName} — ${input.versionLabel} — ${dateLabel(input.date)}`)],
    }),
    ...preambleParagraphs(input.structure.preamble),
  ];
  for (const section of input.structure.sections) {
    paragraphs.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_2,
        keepNext: true,
        children: [new TextRun(`${section.number}. ${section.title}`)],
      }),
    );
    for (const clause of section.clauses) {
      paragraphs.push(
        ...clauseParagraphs(clause.number, clause.blocks, statusNote(input.statuses?.[clause.id])),
      );
    }
  }
  return paragraphs;
}

/** The version as a DOCX file. */
export async function exportVersionDocx(input: VersionExport): Promise<Buffer> {
  const document = new Document({
    creator: 'Draftroom',
    title: `${input.title} — ${input.versionLabel}`,
    description: `${FINGERPRINT_LABEL}${input.fingerprint}`,
    styles: DOCUMENT_STYLES,
    sections: [
      {
        headers: { default: pageHeader([input.title, `${input.versionLabel} — ${dateLabel(input.date)}`]) },
        footers: { default: pageFooter([`${input.processName} · ${FINGERPRINT_LABEL}${input.fingerprint}`]) },
        children: bodyParagraphs(input),
      },
    ],
  });
  return Packer.toBuffer(document);
}
