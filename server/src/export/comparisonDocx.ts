/**
 * A comparison of two versions as a Word redline: insertions underlined (in
 * blue), deletions struck through (in red), each clause under its number
 * with a note when it was added, removed, moved, split or renumbered, and
 * what changed in its negotiation (status, brackets, positions, editors).
 * With `form: 'tracked'` the insertions and deletions are Word tracked
 * changes instead (`redlineWriters.ts`).
 */
import {
  type AmendmentChangeEntry,
  CLAUSE_STATUS_LABEL,
  type ClauseComparison,
  type ClauseStatus,
  type DocumentComparison,
  type RedlineSegment,
  redlineParagraphs,
  type SectionComparison,
} from '@draftroom/shared';
import { Document, HeadingLevel, Packer, Paragraph, type ParagraphChild, type TextRun } from 'docx';
import { amendmentChangeLine } from '../versions/amendmentSnapshot';
import { bracketWordings } from './bracketRuns';
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
import {
  formattedWriter,
  type RedlineForm,
  type RedlineWriter,
  type RevisionOf,
  trackedWriter,
} from './redlineWriters';
import { safeRun, xmlSafeText } from './safeRuns';

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
  /** `formatted` (default): underline and strike-through; `tracked`: Word tracked changes. */
  form?: RedlineForm;
  /** Author and date of the tracked changes in a clause (`tracked` form); "Draftroom" and `date` without. */
  revisionOf?: RevisionOf;
  /** IANA zone the date is written in (`PROCESS_TIME_ZONE`). */
  timeZone?: string;
  /** Bracket id → proponent code of each alternative, shown after each wording. */
  bracketProponents?: Record<string, readonly string[]>;
  /** The amendments tabled and decided between the two sides, listed after the summary. */
  amendments?: readonly AmendmentChangeEntry[];
}

/** Runs of a redline: insertions underlined, deletions struck through. */
export function redlineRuns(segments: readonly RedlineSegment[], base: { bold?: boolean } = {}): TextRun[] {
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

/** A bracket's wordings, each with its proponent's code: "[A (HU) / B (CZ)]". */
function wordings(
  state: { text: string; alternatives: string[] },
  proponents: readonly string[] = [],
): string {
  const texts = state.alternatives.length > 0 ? state.alternatives : [state.text];
  return bracketWordings(
    texts.map((text, index) => (proponents[index] ? `${text} (${proponents[index]})` : text)),
  );
}

/** The lines after a clause's text: brackets (with every wording), positions and who edited it. */
function negotiationLines(
  entry: ClauseComparison,
  proponents: ComparisonExport['bracketProponents'],
): string[] {
  const lines: string[] = [];
  for (const bracket of entry.bracketChanges ?? []) {
    const codes = proponents?.[bracket.bracketId];
    const states = [bracket.before, bracket.after].filter((state) => state !== undefined);
    lines.push(`Bracket ${bracket.change}: ${states.map((state) => wordings(state, codes)).join(' → ')}`);
  }
  const positions = (entry.positionChanges ?? []).map(
    (change) => `${change.participantCode} ${change.from ?? 'none'} → ${change.to ?? 'withdrawn'}`,
  );
  if (positions.length > 0) lines.push(`Positions: ${positions.join('; ')}`);
  if (entry.editedBy) lines.push(`Edited by: ${entry.editedBy.join(', ')}`);
  return lines;
}

function clauseParagraphsOf(
  entry: ClauseComparison,
  numberOf: NumberOf,
  writer: RedlineWriter,
  proponents: ComparisonExport['bracketProponents'],
): Paragraph[] {
  const notes = clauseNotes(entry, numberOf).map((note) => noteRun(`[${note}] `));
  const number = entry.afterNumber ?? entry.beforeNumber ?? '';
  // One Word paragraph per paragraph of the clause; a split or joined one ends with an inserted or deleted ¶.
  const [first = { children: [] }, ...more] = redlineParagraphs(entry.redline, 'inline').map((pieces) =>
    writer.paragraph(pieces, entry.clauseId),
  );
  const paragraphs = [
    numberedParagraph(number, [...notes, ...first.children], first.mark),
    ...more.map((paragraph) => continuationParagraph(paragraph.children, 0, paragraph.mark)),
  ];
  for (const line of negotiationLines(entry, proponents)) {
    paragraphs.push(continuationParagraph([safeRun({ text: line, size: 18, color: COLOUR.note })]));
  }
  return paragraphs;
}

function sectionHeading(section: SectionComparison, writer: RedlineWriter): Paragraph {
  const number = section.afterNumber ?? section.beforeNumber ?? '';
  const notes: string[] = [];
  if (section.change === 'added') notes.push('Section added');
  if (section.change === 'removed') notes.push('Section removed');
  if (section.renamed) notes.push('Renamed');
  if (section.moved) notes.push(`Moved from ${section.beforeNumber}`);
  const title = writer.paragraph(section.titleRedline).children;
  const children: ParagraphChild[] = [safeRun(`${number}. `), ...title];
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
  const legend =
    input.form === 'tracked'
      ? new Paragraph({
          children: [
            safeRun(
              'The changes are tracked changes: accept or reject them under Review (Word, LibreOffice).',
            ),
          ],
        })
      : undefined;
  return [
    legend ??
      new Paragraph({
        children: [
          safeRun('Legend: '),
          ...textRuns('inserted text', { inserted: true }),
          safeRun(', '),
          ...textRuns('deleted text', { deleted: true }),
          safeRun('.'),
        ],
      }),
    new Paragraph({ children: [safeRun(`Clauses: ${counts.join(', ')}. Sections: ${sections}.`)] }),
    ...(input.changedOnly ? [new Paragraph({ children: [noteRun('Only changed clauses are shown.')] })] : []),
    ...amendmentParagraphs(input.amendments ?? []),
  ];
}

/** "Amendments tabled and decided between them", one line each; nothing when there are none. */
function amendmentParagraphs(amendments: readonly AmendmentChangeEntry[]): Paragraph[] {
  if (amendments.length === 0) return [];
  return [
    new Paragraph({
      heading: HeadingLevel.HEADING_3,
      keepNext: true,
      children: [safeRun('Amendments tabled and decided between them')],
    }),
    ...amendments.map(
      (entry) => new Paragraph({ indent: { left: 360 }, children: [safeRun(amendmentChangeLine(entry))] }),
    ),
  ];
}

function bodyParagraphs(input: ComparisonExport): Paragraph[] {
  const { comparison, changedOnly } = input;
  const clauses = comparison.sections.flatMap((section) => section.clauses);
  const numbers = new Map(
    clauses.map((entry) => [entry.clauseId, entry.afterNumber ?? entry.beforeNumber ?? '']),
  );
  const numberOf: NumberOf = (clauseId) => numbers.get(clauseId) ?? clauseId;
  const when = input.date === undefined ? '' : ` — ${dateLabel(input.date, input.timeZone)}`;
  const fallback = { author: 'Draftroom', date: new Date(input.date ?? Date.now()).toISOString() };
  const writer =
    input.form === 'tracked' ? trackedWriter(input.revisionOf ?? (() => fallback)) : formattedWriter();
  const paragraphs: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [safeRun(`${input.title} — comparison`)] }),
    new Paragraph({ children: [noteRun(`${input.beforeLabel} → ${input.afterLabel}${when}`)] }),
    ...summaryParagraphs(input),
  ];
  if (comparison.preamble.changed || !changedOnly) {
    paragraphs.push(
      new Paragraph({ heading: HeadingLevel.HEADING_2, children: [safeRun('Preamble')] }),
      ...redlineParagraphs(comparison.preamble.redline, 'inline').map((pieces) => {
        const { children, mark } = writer.paragraph(pieces);
        return new Paragraph({ children, run: mark });
      }),
    );
  }
  for (const section of comparison.sections) {
    if (changedOnly && !sectionHasChanges(section)) continue;
    paragraphs.push(sectionHeading(section, writer));
    for (const entry of section.clauses) {
      if (changedOnly && !clauseHasChanges(entry)) continue;
      for (const paragraph of clauseParagraphsOf(entry, numberOf, writer, input.bracketProponents))
        paragraphs.push(paragraph);
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
    title: xmlSafeText(`${input.title} — ${input.beforeLabel} → ${input.afterLabel}`),
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
