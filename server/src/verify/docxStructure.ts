/**
 * Reads the text of a version DOCX (as `export/versionDocx.ts` writes it)
 * back into a document structure, so that its fingerprint can be recomputed
 * from the document's own text (`canonicalText`) and compared with a
 * version's, clause by clause.
 *
 * What is read, in the body's paragraph order:
 * - the front matter — a paragraph in the "Title" style and the line under
 *   it — is skipped;
 * - a "Heading…" paragraph "N. Title" starts a section;
 * - a paragraph "N.N<tab>…" starts a clause with that printed number: the
 *   number as printed is kept (canonical text is written with it), so
 *   reordered or renumbered clauses read differently; an italic status note
 *   right after the tab ("[Agreed] ") is not text;
 * - other paragraphs continue the clause above, or belong to the preamble;
 * - list markers ("• ", "2) ") give list items, the indent gives their level
 *   (the export's indents, `docxParts.ts`);
 * - inside brackets, each " / alternative" between two footnote references
 *   is an alternative wording (`export/bracketRuns.ts`), not text; the
 *   footnote references show nothing.
 * Brackets stay as the literal `[` and `]` the export prints, which is what
 * canonical text and compare write for a bracketed passage.
 *
 * The alternatives and status notes left out of the text are kept apart
 * (`DocxExtra`, in the order they are read), so verification can require
 * that they are what the export writes for the matched version's snapshot
 * (`exportedExtras`): the fingerprint covers the text only.
 *
 * Limits: a list item that opens a clause reads at level 1 (its level is
 * not visible in the hanging indent); ordered-list numbers are recomputed,
 * not read.
 */
import {
  type Block,
  type BracketState,
  CLAUSE_STATUS_LABEL,
  type ClauseStatus,
  type ClauseStructure,
  type DocumentStructure,
  type SectionStructure,
} from '@draftroom/shared';
import { blocksText } from '../content/structure';
import { ALTERNATIVE_SEPARATOR } from '../export/bracketRuns';
import { xmlSafeText } from '../export/safeRuns';
import type { DocxParagraph } from './docxParagraphs';

/** Ids for what is read: a version's ids by printed number, so compare can match clauses with it. */
export interface StructureIds {
  section(number: string): string | undefined;
  clause(number: string): string | undefined;
}

/** The export's indent unit (twips) and clause indent: `LIST_INDENT`, `CLAUSE_INDENT` in docxParts.ts. */
const LIST_INDENT = 360;
const CLAUSE_INDENT = 720;

const SECTION_HEADING = /^(\d+)\.\s+([\s\S]*)$/;
const CLAUSE_START = /^(\d+\.\d+)\t/;
const BULLET = /^•\u00a0/;
const ORDERED = /^\d+\)\u00a0/;
const STATUS_NOTES = Object.values(CLAUSE_STATUS_LABEL).map((label) => `[${label}] `);

/**
 * What a version DOCX shows besides its canonical text, in reading order:
 * - `['note', 'clause:N.N', '', '[Agreed] ']`: a clause's italic status note;
 * - `['alternative', where, n, ' / wording']`: a bracket alternative, in `where` ("preamble",
 *   "section:N", "clause:N.N") after the n-th `[` of that place's text.
 */
export type DocxExtra = readonly ['note' | 'alternative', string, number | '', string];

/** A paragraph's visible text and, per character, whether it is italic; alternatives left out. */
interface ReadText {
  text: string;
  italic: boolean[];
  /** The alternatives left out, each with the length of `text` where it stood. */
  alternatives: { at: number; text: string }[];
}

/**
 * The text of a paragraph without bracket alternatives: a text piece that
 * lies between two footnote references and starts with " / " is one.
 */
function readText(paragraph: DocxParagraph): ReadText {
  const result: ReadText = { text: '', italic: [], alternatives: [] };
  const pieces = mergedPieces(paragraph);
  pieces.forEach((piece, index) => {
    if (piece.kind !== 'text') return;
    const isAlternative =
      pieces[index - 1]?.kind === 'footnote' &&
      pieces[index + 1]?.kind === 'footnote' &&
      piece.text.startsWith(ALTERNATIVE_SEPARATOR);
    if (isAlternative) {
      result.alternatives.push({ at: result.text.length, text: piece.text });
      return;
    }
    result.text += piece.text;
    for (const italic of piece.italic) result.italic.push(italic);
  });
  return result;
}

type MergedPiece = { kind: 'text'; text: string; italic: boolean[] } | { kind: 'footnote' };

function mergedPieces(paragraph: DocxParagraph): MergedPiece[] {
  const merged: MergedPiece[] = [];
  for (const piece of paragraph.pieces) {
    const last = merged[merged.length - 1];
    if (piece.kind === 'footnote') merged.push(piece);
    else if (last?.kind === 'text') {
      last.text += piece.text;
      for (const _ of piece.text) last.italic.push(piece.italic);
    } else
      merged.push({ kind: 'text', text: piece.text, italic: Array.from(piece.text, () => piece.italic) });
  }
  return merged;
}

/** The clause text after "N.N<tab>", without an italic status note (`note`). */
function clauseBody(read: ReadText, numberLength: number): { body: string; note?: string } {
  const rest = read.text.slice(numberLength);
  const note = STATUS_NOTES.find((candidate) => rest.startsWith(candidate));
  if (!note) return { body: rest };
  const italic = read.italic.slice(numberLength, numberLength + note.length).every(Boolean);
  return italic ? { body: rest.slice(note.length), note } : { body: rest };
}

function countBrackets(text: string): number {
  let count = 0;
  for (const character of text) if (character === '[') count++;
  return count;
}

/** A block from a paragraph's text; `listLevel` turns an indent into a list level. */
function blockOf(text: string, level: number | undefined, heading?: number): Block {
  if (heading !== undefined) return { kind: 'heading', level: heading, runs: runsOf(text) };
  const bullet = BULLET.exec(text);
  const ordered = ORDERED.exec(text);
  const marker = bullet ?? ordered;
  if (marker) {
    return {
      kind: bullet ? 'bulletItem' : 'orderedItem',
      level: Math.max(level ?? 1, 1),
      runs: runsOf(text.slice(marker[0].length)),
    };
  }
  const block: Block = { kind: 'paragraph', runs: runsOf(text) };
  return block;
}

function runsOf(text: string): Block['runs'] {
  return text === '' ? [] : [{ text }];
}

/** The list level a continuation paragraph's indent stands for (the export's `listMarker`). */
function continuationLevel(text: string, indentLeft: number | undefined, base: number): number | undefined {
  const extra = (indentLeft ?? base) - base;
  if (BULLET.test(text) || ORDERED.test(text)) return Math.round(extra / LIST_INDENT) + 1;
  return extra > 0 ? Math.round(extra / LIST_INDENT) : undefined;
}

function withLevel(block: Block, level: number | undefined): Block {
  if (block.kind === 'paragraph' && level !== undefined && level > 0) block.level = level;
  return block;
}

function headingLevel(style: string | undefined): number | undefined {
  const match = /^Heading([1-6])$/i.exec(style ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Builds the structure paragraph by paragraph. */
class StructureBuilder {
  readonly structure: DocumentStructure = { preamble: [], sections: [] };
  readonly extras: DocxExtra[] = [];
  /** Where the paragraphs read stand ("preamble", "section:N", "clause:N.N"), and the `[` read there. */
  private place = 'preamble';
  private brackets = 0;
  private section: SectionStructure | undefined;
  private clause: ClauseStructure | undefined;
  private readonly used = new Set<string>();

  constructor(private readonly ids: StructureIds) {}

  add(paragraph: DocxParagraph): void {
    const read = readText(paragraph);
    const heading = headingLevel(paragraph.style);
    const section = heading !== undefined ? SECTION_HEADING.exec(read.text) : null;
    const clause = this.section ? CLAUSE_START.exec(read.text) : null;
    let skip = 0;
    if (section?.[1] !== undefined) {
      this.enter(`section:${section[1]}`);
      this.startSection(section[1], section[2] ?? '');
    } else if (clause?.[1] !== undefined) {
      this.enter(`clause:${clause[1]}`);
      const { body, note } = clauseBody(read, clause[0].length);
      skip = clause[0].length + (note?.length ?? 0);
      if (note !== undefined) this.extras.push(['note', this.place, '', note]);
      this.startClause(clause[1], body);
    } else if (this.clause) {
      const level = continuationLevel(read.text, paragraph.indentLeft, CLAUSE_INDENT);
      this.clause.blocks.push(withLevel(blockOf(read.text, level), level));
      this.clause.text = blocksText(this.clause.blocks);
    } else {
      // The preamble's indents: a list item at `left = level × 360`, a paragraph in a list one step more.
      const level =
        paragraph.indentLeft === undefined ? undefined : Math.round(paragraph.indentLeft / LIST_INDENT);
      const block = blockOf(read.text, level, heading);
      this.structure.preamble.push(block.kind === 'paragraph' ? withLevel(block, (level ?? 0) - 1) : block);
    }
    this.addAlternatives(read, skip);
  }

  private enter(place: string): void {
    this.place = place;
    this.brackets = 0;
  }

  /** The paragraph's alternatives, each after the `[` of its place read so far (from `skip` on). */
  private addAlternatives(read: ReadText, skip: number): void {
    for (const alternative of read.alternatives) {
      const before = this.brackets + countBrackets(read.text.slice(skip, Math.max(alternative.at, skip)));
      this.extras.push(['alternative', this.place, before, alternative.text]);
    }
    this.brackets += countBrackets(read.text.slice(skip));
  }

  private unique(id: string): string {
    let candidate = id;
    for (let count = 2; this.used.has(candidate); count++) candidate = `${id}~${count}`;
    this.used.add(candidate);
    return candidate;
  }

  private startSection(number: string, title: string): void {
    this.section = {
      id: this.unique(this.ids.section(number) ?? `docx-section-${number}`),
      number,
      title: title.replace(/\s+/g, ' ').trim(),
      clauses: [],
    };
    this.clause = undefined;
    this.structure.sections.push(this.section);
  }

  private startClause(number: string, text: string): void {
    const blocks = [blockOf(text, undefined)];
    this.clause = {
      id: this.unique(this.ids.clause(number) ?? `docx-clause-${number}`),
      number,
      blocks,
      text: blocksText(blocks),
    };
    this.section?.clauses.push(this.clause);
  }
}

/** The front matter of an export: a "Title" paragraph and the line under it. */
function frontMatterLength(paragraphs: readonly DocxParagraph[]): number {
  return paragraphs[0]?.style === 'Title' ? Math.min(2, paragraphs.length) : 0;
}

/**
 * The document structure a version DOCX's body shows. Clause and section
 * ids come from `ids` by printed number (so compare matches them with that
 * version's), or are made from the number.
 */
export function readDocxStructure(
  paragraphs: readonly DocxParagraph[],
  ids: StructureIds,
): DocumentStructure {
  return readDocxContent(paragraphs, ids).structure;
}

/** The document structure a version DOCX's body shows (`readDocxStructure`), and what it shows besides. */
export function readDocxContent(
  paragraphs: readonly DocxParagraph[],
  ids: StructureIds,
): { structure: DocumentStructure; extras: DocxExtra[] } {
  const builder = new StructureBuilder(ids);
  for (const paragraph of paragraphs.slice(frontMatterLength(paragraphs))) builder.add(paragraph);
  return { structure: builder.structure, extras: builder.extras };
}

/** What the export of a version negotiation snapshot besides its structure. */
export interface ExtrasSnapshot {
  statuses?: Readonly<Record<string, string>>;
  brackets?: Readonly<Record<string, Pick<BracketState, 'alternatives'>>>;
}

/**
 * What the export (`export/versionDocx.ts`, `bracketRuns.ts`) writes besides the canonical text of
 * `structure` with the snapshot's statuses and brackets, as `readDocxContent` reads it back.
 */
export function exportedExtras(structure: DocumentStructure, snapshot: ExtrasSnapshot): DocxExtra[] {
  const extras: DocxExtra[] = [];
  const blocksExtras = (place: string, blocks: readonly Block[]) => {
    let brackets = 0;
    for (const block of blocks) {
      let open: string | undefined;
      const close = (bracketId: string) => {
        const [, ...others] = snapshot.brackets?.[bracketId]?.alternatives ?? [];
        for (const other of others)
          extras.push([
            'alternative',
            place,
            brackets,
            xmlSafeText(`${ALTERNATIVE_SEPARATOR}${other || '(no text)'}`),
          ]);
      };
      for (const run of block.runs) {
        if (run.bracketId !== open) {
          if (open !== undefined) close(open);
          if (run.bracketId !== undefined) brackets++;
          open = run.bracketId;
        }
        brackets += countBrackets(run.text);
      }
      if (open !== undefined) close(open);
    }
  };
  blocksExtras('preamble', structure.preamble);
  for (const section of structure.sections) {
    for (const clause of section.clauses) {
      const status = snapshot.statuses?.[clause.id];
      if (status && status !== 'open') {
        const label = CLAUSE_STATUS_LABEL[status as ClauseStatus] ?? status;
        extras.push(['note', `clause:${clause.number}`, '', `[${label}] `]);
      }
      blocksExtras(`clause:${clause.number}`, clause.blocks);
    }
  }
  return extras;
}

/** Whether a file's extras are exactly what the export writes for a snapshot. */
export function sameExtras(read: readonly DocxExtra[], expected: readonly DocxExtra[]): boolean {
  return JSON.stringify(read) === JSON.stringify(expected);
}

/** Ids by number from a version's structure. */
export function idsOf(structure: DocumentStructure | undefined): StructureIds {
  const sections = new Map(structure?.sections.map((section) => [section.number, section.id]));
  const clauses = new Map(
    structure?.sections.flatMap((section) => section.clauses.map((clause) => [clause.number, clause.id])),
  );
  return { section: (number) => sections.get(number), clause: (number) => clauses.get(number) };
}
