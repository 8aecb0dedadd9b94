/**
 * The compilation of amendments as a Word file, to circulate before a
 * drafting meeting: the document's title, "Compilation of amendments", the
 * date (in the process's time zone) and the filters; then per clause its
 * number and current text, and per amendment "AM n", its proponent and
 * co-sponsors (participant codes), a two-column table — the text as tabled
 * against, deletions struck through | the amendment, insertions bold and
 * underlined — its justification and its status. Proposed new clauses are
 * numbered "2.3a (new)".
 */
import {
  AMENDMENT_KIND_LABEL,
  AMENDMENT_STATUS_LABEL,
  type Amendment,
  type Compilation,
  type CompilationClause,
  type RedlinePiece,
} from '@draftroom/shared';
import {
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  type ParagraphChild,
  Table,
  TableCell,
  TableRow,
  WidthType,
} from 'docx';
import {
  COLOUR,
  continuationParagraph,
  DOCUMENT_STYLES,
  dateLabel,
  noteRun,
  numberedParagraph,
  pageFooter,
  pageHeader,
  textRuns,
} from '../export/docxParts';
import { safeRun, xmlSafeText } from '../export/safeRuns';
import { amendmentRedline, changedSince, fallenReasonLabel, insertedAfter } from './amendmentText';

export interface CompilationExport {
  compilation: Compilation;
  processName: string;
  /** The section filter as people read it ("2. Return and readmission"), when there is one. */
  sectionLabel?: string;
  /** IANA zone the date is written in (`PROCESS_TIME_ZONE`). */
  timeZone?: string;
}

export const COMPILATION_HEADING = 'Compilation of amendments';
export const TABLED_AGAINST_LABEL = 'Text as tabled against';
export const AMENDMENT_COLUMN_LABEL = 'Amendment';
export const GONE_HEADING = 'Clauses no longer in the text';

/** "Filters: section 2. Return; delegation UA; open amendments only", or that there are none. */
export function filtersLine(compilation: Compilation, sectionLabel?: string): string {
  const { filters } = compilation;
  const parts: string[] = [];
  if (filters.sectionId !== undefined) parts.push(`section ${sectionLabel ?? filters.sectionId}`);
  if (filters.participantCode !== undefined)
    parts.push(`delegation ${filters.participantCode} (proponent or co-sponsor)`);
  if (filters.openOnly) parts.push('open (tabled) amendments only');
  return parts.length > 0 ? `Filters: ${parts.join('; ')}.` : 'All amendments, every section and delegation.';
}

/** "Covered by compromise AM 7", "Fallen (the clause was deleted)", "Rejected — Anna Nowak (PL), 30 November…". */
export function statusText(amendment: Amendment, timeZone?: string): string {
  let label: string = AMENDMENT_STATUS_LABEL[amendment.status];
  if (amendment.status === 'covered-by-compromise' && amendment.coveredBy !== null)
    label = `Covered by compromise AM ${amendment.coveredBy}`;
  if (amendment.status === 'fallen' && amendment.fallenReason)
    label = `Fallen (${fallenReasonLabel(amendment.fallenReason)})`;
  if (amendment.status === 'tabled' || !amendment.decidedAt) return label;
  const who = amendment.decidedBy
    ? `${amendment.decidedBy.name} (${amendment.decidedBy.participantCode}), `
    : '';
  return `${label} — ${who}${dateLabel(amendment.decidedAt, timeZone)}`;
}

/** "Proponent: UA · Co-sponsors: HU, MD · Tabled 30 November 2026, 01:53 CET". */
export function sponsorsLine(amendment: Amendment, timeZone?: string): string {
  const cosponsors = amendment.cosponsors.map((cosponsor) => cosponsor.participantCode);
  return [
    `Proponent: ${amendment.proponentCode}`,
    cosponsors.length > 0 ? `Co-sponsors: ${cosponsors.join(', ')}` : 'No co-sponsors',
    `Tabled ${dateLabel(amendment.tabledAt, timeZone)}`,
  ].join(' · ');
}

const small = (text: string) => safeRun({ text, size: 18, color: COLOUR.note });

function cellParagraphs(
  paragraphs: readonly RedlinePiece[][],
  style: { deletedStruck?: boolean; insertedMarked?: boolean },
): Paragraph[] {
  return paragraphs.map(
    (pieces) =>
      new Paragraph({
        spacing: { after: 60 },
        children: pieces.flatMap((piece) =>
          textRuns(piece.text, {
            deleted: style.deletedStruck && piece.op === 'delete',
            inserted: style.insertedMarked && piece.op === 'insert',
            bold: style.insertedMarked && piece.op === 'insert',
          }),
        ),
      }),
  );
}

const noteParagraph = (text: string) => new Paragraph({ children: [noteRun(text)] });
const CELL_MARGINS = { top: 80, bottom: 80, left: 100, right: 100 };
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: 'A6A6A6' };
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER };

function cell(children: Paragraph[], header = false): TableCell {
  return new TableCell({
    width: { size: 50, type: WidthType.PERCENTAGE },
    margins: CELL_MARGINS,
    borders: BORDERS,
    shading: header ? { fill: 'EDEDED' } : undefined,
    children: children.length > 0 ? children : [new Paragraph({ children: [] })],
  });
}

/** The two columns of an amendment: the text it was tabled against | the amendment, changes marked. */
function columnsTable(amendment: Amendment, afterNumber: string): Table {
  const header = (text: string) => cell([new Paragraph({ children: [safeRun({ text, bold: true })] })], true);
  let left: Paragraph[];
  let right: Paragraph[];
  if (amendment.kind === 'insert') {
    left = [noteParagraph(`(New clause after ${afterNumber})`)];
    right = cellParagraphs(amendmentRedline(amendment, 'after'), { insertedMarked: true });
  } else {
    left = cellParagraphs(amendmentRedline(amendment, 'before'), { deletedStruck: true });
    right =
      amendment.kind === 'delete'
        ? [noteParagraph('(Delete the clause)')]
        : cellParagraphs(amendmentRedline(amendment, 'after'), { insertedMarked: true });
  }
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: [4500, 4500],
    rows: [
      new TableRow({
        tableHeader: true,
        children: [header(TABLED_AGAINST_LABEL), header(AMENDMENT_COLUMN_LABEL)],
      }),
      new TableRow({ cantSplit: false, children: [cell(left), cell(right)] }),
    ],
  });
}

function amendmentTitle(amendment: Amendment): ParagraphChild[] {
  const kind = amendment.compromise
    ? `Compromise amendment${amendment.covers.length > 0 ? ` replacing ${amendment.covers.map((n) => `AM ${n}`).join(', ')}` : ''}`
    : AMENDMENT_KIND_LABEL[amendment.kind];
  return [safeRun({ text: `AM ${amendment.number}`, bold: true }), safeRun(`  ${kind}`)];
}

/** An amendment: "AM n", sponsors, the two columns, justification, status. */
function amendmentBlock(
  amendment: Amendment,
  entry: CompilationClause,
  timeZone: string | undefined,
): (Paragraph | Table)[] {
  const afterNumber = insertedAfter(amendment, entry.number);
  const blocks: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.HEADING_4, keepNext: true, children: amendmentTitle(amendment) }),
    new Paragraph({ keepNext: true, children: [small(sponsorsLine(amendment, timeZone))] }),
  ];
  if (changedSince(amendment, entry)) {
    const against = amendment.baseVersionLabel ? `Tabled against ${amendment.baseVersionLabel}; ` : '';
    blocks.push(new Paragraph({ keepNext: true, children: [noteRun(`${against}clause changed since.`)] }));
  }
  blocks.push(columnsTable(amendment, afterNumber));
  if (amendment.status === 'accepted-as-modified' && amendment.acceptedText !== null) {
    blocks.push(
      new Paragraph({
        spacing: { before: 80 },
        children: [safeRun({ text: 'Wording settled: ', bold: true }), ...textRuns(amendment.acceptedText)],
      }),
    );
  }
  blocks.push(
    new Paragraph({
      spacing: { before: 80 },
      children: [
        safeRun({ text: 'Justification: ', bold: true }),
        ...(amendment.justification ? textRuns(amendment.justification) : [noteRun('none given')]),
      ],
    }),
    new Paragraph({
      spacing: { after: 240 },
      children: [safeRun({ text: 'Status: ', bold: true }), safeRun(statusText(amendment, timeZone))],
    }),
  );
  return blocks;
}

function clauseBlocks(entry: CompilationClause, timeZone: string | undefined): (Paragraph | Table)[] {
  const isNew = entry.number.endsWith('(new)');
  const isGone = entry.number.endsWith('(deleted)');
  const [first = '', ...more] = entry.currentText.split('\n');
  const lead = isNew
    ? [noteRun('Proposed new clause')]
    : isGone
      ? [noteRun('No longer in the text')]
      : textRuns(first);
  const blocks: (Paragraph | Table)[] = [
    numberedParagraph(entry.number, lead),
    ...(isNew || isGone ? [] : more.map((line) => continuationParagraph(textRuns(line)))),
  ];
  for (const amendment of entry.amendments) blocks.push(...amendmentBlock(amendment, entry, timeZone));
  return blocks;
}

/** The heading an entry is listed under: "2. Return and readmission", or the clauses no longer in the text. */
export function sectionHeading(entry: CompilationClause): string {
  if (entry.number.endsWith('(deleted)') || (entry.sectionTitle === '' && entry.number.endsWith('(new)')))
    return GONE_HEADING;
  return `${entry.number.split('.')[0]}. ${entry.sectionTitle}`;
}

function bodyBlocks(input: CompilationExport): (Paragraph | Table)[] {
  const { compilation, timeZone } = input;
  const blocks: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [safeRun(compilation.title)] }),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [safeRun(COMPILATION_HEADING)] }),
    new Paragraph({
      children: [noteRun(`${input.processName} — ${dateLabel(compilation.generatedAt, timeZone)}`)],
    }),
    new Paragraph({ children: [safeRun(filtersLine(compilation, input.sectionLabel))] }),
    new Paragraph({
      spacing: { after: 240 },
      children: [
        safeRun('In the left column '),
        ...textRuns('deleted words', { deleted: true }),
        safeRun(' are struck through; in the right column '),
        ...textRuns('inserted words', { inserted: true, bold: true }),
        safeRun(' are bold and underlined.'),
      ],
    }),
  ];
  if (compilation.clauses.length === 0) blocks.push(noteParagraph('No amendments match these filters.'));
  let section: string | undefined;
  for (const entry of compilation.clauses) {
    const heading = sectionHeading(entry);
    if (heading !== section) {
      section = heading;
      blocks.push(
        new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [safeRun(heading)] }),
      );
    }
    blocks.push(...clauseBlocks(entry, timeZone));
  }
  return blocks;
}

/** The compilation as a DOCX file (formatted marks, not tracked changes). */
export async function exportCompilationDocx(input: CompilationExport): Promise<Buffer> {
  const { compilation } = input;
  const document = new Document({
    creator: 'Draftroom',
    title: xmlSafeText(`${compilation.title} — ${COMPILATION_HEADING}`),
    styles: DOCUMENT_STYLES,
    sections: [
      {
        headers: {
          default: pageHeader([
            compilation.title,
            `${COMPILATION_HEADING} — ${dateLabel(compilation.generatedAt, input.timeZone)}`,
          ]),
        },
        footers: {
          default: pageFooter([`${input.processName} · ${filtersLine(compilation, input.sectionLabel)}`]),
        },
        children: bodyBlocks(input),
      },
    ],
  });
  return Packer.toBuffer(document);
}
