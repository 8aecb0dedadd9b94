/**
 * A comparison of two versions as a Word redline: insertions underlined (in
 * blue), deletions struck through (in red), each clause under its number
 * with a note when it was added, removed, moved, split or renumbered, and
 * what changed in its negotiation (status, brackets, positions, editors).
 */
import { CLAUSE_STATUS_LABEL, type ClauseStatus } from '@draftroom/shared';
import { Document, HeadingLevel, Packer, Paragraph, type ParagraphChild, TextRun } from 'docx';
import type { ClauseComparison, DocumentComparison, SectionComparison, Segment } from '../compare/types';
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
} from './docxParts';

export interface ComparisonExport {
  title: string;
  processName?: string;
  beforeLabel: string;
  afterLabel: string;
  comparison: DocumentComparison;
  /** Leave out unchanged clauses (and sections with nothing changed). */
  changedOnly: boolean;
  date?: string | Date;
  /** Printed in the footer to name the compared versions. */
  beforeFingerprint?: string;
  afterFingerprint?: string;
}

/** Runs of a redline: insertions underlined, deletions struck through. */
export function redlineRuns(segments: readonly Segment[], base: { bold?: boolean } = {}): TextRun[] {
  return segments.flatMap((segment) =>
    textRuns(segment.text, {
      ...base,
      inserted: segment.op === 'insert',
      deleted: segment.op === 'delete',
    }),
  );
}

const statusLabel = (status: string) => CLAUSE_STATUS_LABEL[status as ClauseStatus] ?? status;

/** True when a clause entry has anything to show in a "changed only" redline. */
export function clauseHasChanges(entry: ClauseComparison): boolean {
  return (
    entry.change !== 'unchanged' ||
    entry.statusChange !== undefined ||
    entry.bracketChanges !== undefined ||
    entry.positionChanges !== undefined
  );
}

function sectionHasChanges(section: SectionComparison): boolean {
  return section.change !== 'unchanged' || section.clauses.some(clauseHasChanges);
}

type NumberOf = (clauseId: string) => string;

/** The notes before a clause's text: "[Added]", "[Moved from 1.2]", "[Split from 1.3]"… */
function clauseNotes(entry: ClauseComparison, numberOf: NumberOf): string[] {
  const notes: string[] = [];
  if (entry.change === 'added') notes.push('Added');
  if (entry.change === 'removed') notes.push('Removed');
  if (entry.splitFrom) notes.push(`Split from ${numberOf(entry.splitFrom)}`);
  if (entry.splitInto) notes.push(`Split into ${entry.splitInto.map(numberOf).join(', ')}`);
  if (entry.moved) notes.push(`Moved from ${entry.beforeNumber}`);
  else if (entry.beforeNumber && entry.afterNumber && entry.beforeNumber !== entry.afterNumber) {
    notes.push(`Formerly ${entry.beforeNumber}`);
  }
  if (entry.statusChange) {
    notes.push(`Status: ${statusLabel(entry.statusChange.from)} → ${statusLabel(entry.statusChange.to)}`);
  }
  return notes;
}

/** The lines after a clause's text: brackets, positions and who edited it. */
function negotiationLines(entry: ClauseComparison): string[] {
  const lines: string[] = [];
  for (const bracket of entry.bracketChanges ?? []) {
    const text = (bracket.after ?? bracket.before)?.text ?? '';
    const alternatives = bracket.after?.alternatives.length ?? 0;
    const options = alternatives > 1 ? ` (${alternatives} alternatives)` : '';
    lines.push(`Bracket ${bracket.change}: [${text}]${options}`);
  }
  const positions = (entry.positionChanges ?? []).map(
    (change) => `${change.participantCode} ${change.from ?? 'none'} → ${change.to ?? 'withdrawn'}`,
  );
  if (positions.length > 0) lines.push(`Positions: ${positions.join('; ')}`);
  if (entry.editedBy) lines.push(`Edited by: ${entry.editedBy.join(', ')}`);
  return lines;
}

function clauseParagraphsOf(entry: ClauseComparison, numberOf: NumberOf): Paragraph[] {
  const notes = clauseNotes(entry, numberOf).map((note) => noteRun(`[${note}] `));
  const number = entry.afterNumber ?? entry.beforeNumber ?? '';
  const paragraphs = [numberedParagraph(number, [...notes, ...redlineRuns(entry.redline)])];
  for (const line of negotiationLines(entry)) {
    paragraphs.push(continuationParagraph([new TextRun({ text: line, size: 18, color: COLOUR.note })]));
  }
  return paragraphs;
}

function sectionHeading(section: SectionComparison): Paragraph {
  const number = section.afterNumber ?? section.beforeNumber ?? '';
  const notes: string[] = [];
  if (section.change === 'added') notes.push('Section added');
  if (section.change === 'removed') notes.push('Section removed');
  if (section.renamed) notes.push('Renamed');
  if (section.moved) notes.push(`Moved from ${section.beforeNumber}`);
  const children: ParagraphChild[] = [new TextRun(`${number}. `), ...redlineRuns(section.titleRedline)];
  if (notes.length > 0) children.push(noteRun(`  [${notes.join('; ')}]`));
  return new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children });
}

function summaryParagraphs(input: ComparisonExport): Paragraph[] {
  const { total, sectionChanges } = input.comparison.summary;
  const counts = [
    `${total.changed} changed`,
    `${total.added} added`,
    `${total.removed} removed`,
    `${total.moved} moved`,
    `${total.split} split`,
  ];
  const sections = `${sectionChanges.added} added, ${sectionChanges.removed} removed, ${sectionChanges.renamed} renamed`;
  return [
    new Paragraph({
      children: [
        new TextRun('Legend: '),
        ...textRuns('inserted text', { inserted: true }),
        new TextRun(', '),
        ...textRuns('deleted text', { deleted: true }),
        new TextRun('.'),
      ],
    }),
    new Paragraph({ children: [new TextRun(`Clauses: ${counts.join(', ')}. Sections: ${sections}.`)] }),
    ...(input.changedOnly ? [new Paragraph({ children: [noteRun('Only changed clauses are shown.')] })] : []),
  ];
}

function bodyParagraphs(input: ComparisonExport): Paragraph[] {
  const { comparison, changedOnly } = input;
  const clauses = comparison.sections.flatMap((section) => section.clauses);
  const numbers = new Map(
    clauses.map((entry) => [entry.clauseId, entry.afterNumber ?? entry.beforeNumber ?? '']),
  );
  const numberOf: NumberOf = (clauseId) => numbers.get(clauseId) ?? clauseId;
  const when = input.date === undefined ? '' : ` — ${dateLabel(input.date)}`;
  const paragraphs: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(`${input.title} — comparison`)] }),
    new Paragraph({ children: [noteRun(`${input.beforeLabel} → ${input.afterLabel}${when}`)] }),
    ...summaryParagraphs(input),
  ];
  if (comparison.preamble.changed || !changedOnly) {
    paragraphs.push(
      new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Preamble')] }),
      new Paragraph({ children: redlineRuns(comparison.preamble.redline) }),
    );
  }
  for (const section of comparison.sections) {
    if (changedOnly && !sectionHasChanges(section)) continue;
    paragraphs.push(sectionHeading(section));
    for (const entry of section.clauses) {
      if (changedOnly && !clauseHasChanges(entry)) continue;
      paragraphs.push(...clauseParagraphsOf(entry, numberOf));
    }
  }
  return paragraphs;
}

/** The comparison as a DOCX redline. */
export async function exportComparisonDocx(input: ComparisonExport): Promise<Buffer> {
  const footerLines = [
    input.beforeFingerprint ? `${input.beforeLabel}: ${input.beforeFingerprint}` : undefined,
    input.afterFingerprint ? `${input.afterLabel}: ${input.afterFingerprint}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const document = new Document({
    creator: 'Draftroom',
    title: `${input.title} — ${input.beforeLabel} → ${input.afterLabel}`,
    styles: DOCUMENT_STYLES,
    sections: [
      {
        headers: {
          default: pageHeader([
            input.processName ? `${input.title} — ${input.processName}` : input.title,
            `Comparison: ${input.beforeLabel} → ${input.afterLabel}`,
          ]),
        },
        footers: { default: pageFooter(footerLines) },
        children: bodyParagraphs(input),
      },
    ],
  });
  return Packer.toBuffer(document);
}
