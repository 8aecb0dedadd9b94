/**
 * Building blocks shared by the DOCX exports: formatted runs (bold, italic,
 * brackets, redline marks), numbered clause paragraphs, the page header and
 * the footer with page numbers.
 */
import type { Block, TextRun as StructureRun } from '@draftroom/shared';
import {
  AlignmentType,
  Footer,
  Header,
  HeadingLevel,
  HighlightColor,
  type IParagraphRunOptions,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  Tab,
  type TextRun,
  UnderlineType,
} from 'docx';
import { listOrdinals } from '../content/structure';
import { type BracketNotes, bracketTail } from './bracketRuns';
import { DEFAULT_PROCESS_TIME_ZONE, dateTimeForPeople } from './peopleDates';
import { safeRun } from './safeRuns';

/** Printed before a version's fingerprint in the footer; `extractFingerprintFromDocx` looks for it. */
export const FINGERPRINT_LABEL = 'SHA-256: ';

export const COLOUR = { inserted: '1F4FB4', deleted: 'B00020', note: '595959' } as const;

/** Clause text starts this far from the margin; the number hangs in front of it. */
const CLAUSE_INDENT = 720;
const LIST_INDENT = 360;

export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  bracket?: boolean;
  inserted?: boolean;
  deleted?: boolean;
  color?: string;
  /** In half-points. */
  size?: number;
}

function runOptions(style: RunStyle) {
  return {
    bold: style.bold || undefined,
    italics: style.italics || undefined,
    highlight: style.bracket ? HighlightColor.YELLOW : undefined,
    underline: style.inserted ? { type: UnderlineType.SINGLE, color: COLOUR.inserted } : undefined,
    strike: style.deleted || undefined,
    color: style.inserted ? COLOUR.inserted : style.deleted ? COLOUR.deleted : style.color,
    size: style.size,
  };
}

/** Runs for a text; its newlines become line breaks. */
export function textRuns(text: string, style: RunStyle = {}): TextRun[] {
  return text
    .split('\n')
    .map((line, index) => safeRun({ text: line, break: index > 0 ? 1 : undefined, ...runOptions(style) }));
}

/** A note such as "[Moved from 1.2]": italic, grey. */
export function noteRun(text: string): TextRun {
  return safeRun({ text, italics: true, color: COLOUR.note });
}

/**
 * The runs of a block's text: bold and italic kept, each bracketed passage in
 * highlighted `[` … `]` with its alternatives and their proponents' footnotes
 * (`notes`, see `bracketRuns.ts`) before the `]`.
 */
export function formattedRuns(
  runs: readonly StructureRun[],
  base: RunStyle = {},
  notes?: BracketNotes,
): ParagraphChild[] {
  const result: ParagraphChild[] = [];
  // A loop, not push(...items): a text of 200,000 lines would overflow the stack as arguments.
  const append = (items: readonly ParagraphChild[]) => {
    for (const item of items) result.push(item);
  };
  const alternative = (text: string) => textRuns(text, { ...base, bracket: true });
  const close = (bracketId: string) => {
    append(bracketTail(bracketId, notes, alternative));
    append(textRuns(']', { ...base, bold: true, bracket: true }));
  };
  let openBracket: string | undefined;
  for (const run of runs) {
    if (run.bracketId !== openBracket) {
      if (openBracket !== undefined) close(openBracket);
      if (run.bracketId !== undefined) append(textRuns('[', { ...base, bold: true, bracket: true }));
      openBracket = run.bracketId;
    }
    const style = { ...base, bracket: run.bracketId !== undefined };
    append(
      textRuns(run.text, { ...style, bold: run.bold ?? base.bold, italics: run.italic ?? base.italics }),
    );
  }
  if (openBracket !== undefined) close(openBracket);
  return result;
}

/** A paragraph opening with a hanging number ("2.1"), then `children`; `mark` formats its paragraph mark. */
export function numberedParagraph(
  number: string,
  children: readonly ParagraphChild[],
  mark?: IParagraphRunOptions,
): Paragraph {
  return new Paragraph({
    indent: { left: CLAUSE_INDENT, hanging: CLAUSE_INDENT },
    spacing: { before: 80, after: 80 },
    keepLines: true,
    run: mark,
    children: [safeRun({ text: number, bold: true }), safeRun({ children: [new Tab()] }), ...children],
  });
}

/** A paragraph continuing a clause (its second block onwards), aligned with the clause text. */
export function continuationParagraph(
  children: readonly ParagraphChild[],
  extraIndent = 0,
  mark?: IParagraphRunOptions,
): Paragraph {
  return new Paragraph({
    indent: { left: CLAUSE_INDENT + extraIndent },
    spacing: { after: 80 },
    run: mark,
    children: [...children],
  });
}

/** The list marker of a block ("• ", "2) ") and the indent of its level. */
function listMarker(block: Block, ordinal: number): { marker: string; indent: number } {
  const depth = Math.max((block.level ?? 1) - 1, 0) * LIST_INDENT;
  if (block.kind === 'bulletItem') return { marker: '•\u00a0', indent: depth };
  if (block.kind === 'orderedItem') return { marker: `${ordinal})\u00a0`, indent: depth };
  return { marker: '', indent: block.level === undefined ? 0 : depth + LIST_INDENT };
}

/**
 * A clause's blocks as paragraphs: the first carries the number; list items
 * get their marker as text; brackets show their alternatives (`notes`).
 */
export function clauseParagraphs(
  number: string,
  blocks: readonly Block[],
  lead: readonly ParagraphChild[] = [],
  notes?: BracketNotes,
) {
  const ordinals = listOrdinals(blocks);
  const paragraphs = blocks.map((block, index) => {
    const { marker, indent } = listMarker(block, ordinals[index] ?? 0);
    const runs = [...(marker ? [safeRun(marker)] : []), ...formattedRuns(block.runs, {}, notes)];
    if (index === 0) return numberedParagraph(number, [...lead, ...runs]);
    return continuationParagraph(runs, indent);
  });
  return paragraphs.length > 0 ? paragraphs : [numberedParagraph(number, [...lead])];
}

const HEADING_LEVELS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

/** Preamble blocks as paragraphs: headings as Word headings, list items with their marker as text. */
export function preambleParagraphs(blocks: readonly Block[], notes?: BracketNotes): Paragraph[] {
  const ordinals = listOrdinals(blocks);
  return blocks.map((block, index) => {
    if (block.kind === 'heading') {
      const level = Math.min(Math.max((block.level ?? 1) - 1, 0), HEADING_LEVELS.length - 1);
      return new Paragraph({
        heading: HEADING_LEVELS[level],
        children: formattedRuns(block.runs, {}, notes),
      });
    }
    const { marker, indent } = listMarker(block, ordinals[index] ?? 0);
    return new Paragraph({
      indent: indent > 0 || marker ? { left: indent + LIST_INDENT } : undefined,
      spacing: { after: 120 },
      children: [...(marker ? [safeRun(marker)] : []), ...formattedRuns(block.runs, {}, notes)],
    });
  });
}

/** Small right-aligned header lines, repeated on every page. */
export function pageHeader(lines: readonly string[]): Header {
  return new Header({
    children: lines.map(
      (line, index) =>
        new Paragraph({
          alignment: AlignmentType.RIGHT,
          children: [safeRun({ text: line, size: 16, color: COLOUR.note, bold: index === 0 })],
        }),
    ),
  });
}

/** "Page X of Y", then small lines such as the fingerprint. */
export function pageFooter(lines: readonly string[]): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          safeRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES], size: 18 }),
        ],
      }),
      ...lines.map(
        (line) =>
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [safeRun({ text: line, size: 14, color: COLOUR.note })],
          }),
      ),
    ],
  });
}

/**
 * A moment as written in exports, "30 November 2026, 01:53 CET", in the
 * process's time zone (`PROCESS_TIME_ZONE`); a string that is no date is
 * kept as given.
 */
export function dateLabel(date: string | Date, timeZone = DEFAULT_PROCESS_TIME_ZONE): string {
  return dateTimeForPeople(date, timeZone);
}

export const DOCUMENT_STYLES = {
  default: { document: { run: { font: 'Calibri', size: 22 } } },
} as const;
