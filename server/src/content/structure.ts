/**
 * Reads the canonical, serialisable structure of a document (the wire type
 * `DocumentStructure` of `@draftroom/shared`: its preamble blocks, then
 * numbered sections of numbered clauses, each block a list of formatted text
 * runs) from its Y.Doc, and renders its canonical text. Versions store it (as
 * JSON), compare reads it, exports render it, and its canonical text is what a
 * version's SHA-256 fingerprint covers.
 *
 * Robustness: an element of an unknown type becomes a paragraph of its text;
 * top-level blocks that follow a section are kept in the preamble (in document
 * order) so that no text escapes the fingerprint; a clause or section without
 * an id gets a positional one (`anon-2.3`), a repeated id gets a suffix (`~2`).
 */
import { createHash } from 'node:crypto';
import {
  type Block,
  type ClauseStructure,
  CONTENT_FIELD,
  clauseNumber,
  type DocumentStructure,
  ID_ATTR,
  NodeName,
  type SectionStructure,
  type TextRun,
} from '@draftroom/shared';
import * as Y from 'yjs';
import { plainText } from './outline';

const HARD_BREAK = 'hardBreak';

/** Keeps ids unique: a missing id becomes positional, a repeated one gets a suffix. */
class IdRegistry {
  private readonly seen = new Map<string, number>();

  claim(raw: unknown, fallback: string): string {
    const base = typeof raw === 'string' && raw !== '' ? raw : fallback;
    const count = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, count);
    return count === 1 ? base : `${base}~${count}`;
  }
}

function bracketIdOf(attributes: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    // y-prosemirror stores a non-exclusive mark as `bracket--<hash>`.
    if (key !== 'bracket' && !key.startsWith('bracket--')) continue;
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

function runOf(text: string, attributes: Record<string, unknown> | undefined): TextRun {
  const run: TextRun = { text };
  if (!attributes) return run;
  if (attributes.bold != null) run.bold = true;
  if (attributes.italic != null) run.italic = true;
  const bracketId = bracketIdOf(attributes);
  if (bracketId) run.bracketId = bracketId;
  return run;
}

function sameFormat(a: TextRun, b: TextRun): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.bracketId === b.bracketId;
}

/** Appends a run, merging it into the previous one when the formatting is the same. */
function pushRun(runs: TextRun[], run: TextRun): void {
  if (run.text === '') return;
  const last = runs[runs.length - 1];
  if (last && sameFormat(last, run)) last.text += run.text;
  else runs.push(run);
}

/** The formatted runs of an inline container (paragraph, heading, section heading, or an unknown node). */
function readRuns(node: Y.XmlElement | Y.XmlText, runs: TextRun[] = []): TextRun[] {
  if (node instanceof Y.XmlText) {
    for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
      if (typeof op.insert === 'string')
        pushRun(runs, runOf(op.insert.replace(/\r\n?/g, '\n'), op.attributes));
    }
    return runs;
  }
  if (node.nodeName === HARD_BREAK) {
    pushRun(runs, { text: '\n' });
    return runs;
  }
  let previousBlockish: boolean | undefined;
  for (const child of node.toArray()) {
    if (!(child instanceof Y.XmlElement || child instanceof Y.XmlText)) continue;
    // Block-like children of an unknown element are separated from their neighbours like lines.
    const blockish = isBlockish(child);
    if (previousBlockish !== undefined && (blockish || previousBlockish)) pushRun(runs, { text: '\n' });
    readRuns(child, runs);
    previousBlockish = blockish;
  }
  return runs;
}

function isBlockish(node: Y.XmlElement | Y.XmlText): boolean {
  if (node instanceof Y.XmlText || node.nodeName === HARD_BREAK) return false;
  return node.toArray().some((child) => child instanceof Y.XmlElement || child instanceof Y.XmlText);
}

function readList(list: Y.XmlElement, level: number, blocks: Block[]): void {
  const kind = list.nodeName === NodeName.orderedList ? 'orderedItem' : 'bulletItem';
  for (const item of list.toArray()) {
    if (!(item instanceof Y.XmlElement)) continue;
    if (item.nodeName !== NodeName.listItem) {
      readBlock(item, blocks, level);
      continue;
    }
    let first = true;
    for (const child of item.toArray()) {
      if (child instanceof Y.XmlElement && isList(child)) {
        readList(child, level + 1, blocks);
      } else if (child instanceof Y.XmlElement || child instanceof Y.XmlText) {
        blocks.push({ kind: first ? kind : 'paragraph', level, runs: readRuns(child) });
        first = false;
      }
    }
  }
}

function isList(element: Y.XmlElement): boolean {
  return element.nodeName === NodeName.bulletList || element.nodeName === NodeName.orderedList;
}

/** Reads one block-level node into `blocks`; `listLevel` is set for paragraphs inside lists. */
function readBlock(node: Y.XmlElement | Y.XmlText, blocks: Block[], listLevel?: number): void {
  if (node instanceof Y.XmlElement && isList(node)) {
    readList(node, (listLevel ?? 0) + 1, blocks);
    return;
  }
  if (node instanceof Y.XmlElement && node.nodeName === NodeName.heading) {
    const level = Number(node.getAttribute('level')) || 1;
    blocks.push({ kind: 'heading', level: Math.min(Math.max(level, 1), 6), runs: readRuns(node) });
    return;
  }
  const block: Block = { kind: 'paragraph', runs: readRuns(node) };
  if (listLevel !== undefined) block.level = listLevel;
  blocks.push(block);
}

/** The plain text of blocks, joined by newlines; with `brackets`, bracketed runs are wrapped in `[` … `]`. */
export function blocksText(blocks: readonly Block[], options: { brackets?: boolean } = {}): string {
  return blocks.map((block) => runsText(block.runs, options.brackets ?? false)).join('\n');
}

function runsText(runs: readonly TextRun[], brackets: boolean): string {
  let text = '';
  let open: string | undefined;
  for (const run of runs) {
    if (brackets && run.bracketId !== open) {
      if (open !== undefined) text += ']';
      if (run.bracketId !== undefined) text += '[';
      open = run.bracketId;
    }
    text += run.text;
  }
  if (brackets && open !== undefined) text += ']';
  return text;
}

/** A clause's text as printed: blocks joined by newlines, bracketed passages in `[` … `]`. */
export function clauseDisplayText(clause: Pick<ClauseStructure, 'blocks'>): string {
  return blocksText(clause.blocks, { brackets: true });
}

interface IdRegistries {
  sections: IdRegistry;
  clauses: IdRegistry;
}

function readSection(section: Y.XmlElement, sectionIndex: number, ids: IdRegistries): SectionStructure {
  const number = String(sectionIndex + 1);
  const result: SectionStructure = {
    id: ids.sections.claim(section.getAttribute(ID_ATTR), `anon-${number}`),
    number,
    title: '',
    clauses: [],
  };
  let titled = false;
  for (const child of section.toArray()) {
    if (!(child instanceof Y.XmlElement)) continue;
    if (child.nodeName === NodeName.sectionHeading && !titled) {
      result.title = plainText(child).replace(/\s+/g, ' ').trim();
      titled = true;
    } else if (child.nodeName === NodeName.clause) {
      const clauseNo = clauseNumber(sectionIndex, result.clauses.length);
      const blocks: Block[] = [];
      for (const block of child.toArray()) {
        if (block instanceof Y.XmlElement || block instanceof Y.XmlText) readBlock(block, blocks);
      }
      result.clauses.push({
        id: ids.clauses.claim(child.getAttribute(ID_ATTR), `anon-${clauseNo}`),
        number: clauseNo,
        blocks,
        text: blocksText(blocks),
      });
    }
  }
  return result;
}

/** Reads the canonical structure of a document's content. */
export function readDocumentStructure(doc: Y.Doc): DocumentStructure {
  const structure: DocumentStructure = { preamble: [], sections: [] };
  const ids: IdRegistries = { sections: new IdRegistry(), clauses: new IdRegistry() };
  for (const node of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (node instanceof Y.XmlElement && node.nodeName === NodeName.section) {
      structure.sections.push(readSection(node, structure.sections.length, ids));
    } else if (node instanceof Y.XmlElement || node instanceof Y.XmlText) {
      readBlock(node, structure.preamble);
    }
  }
  return structure;
}

function canonicalBlock(block: Block, ordinal: number): string {
  const indent = '  '.repeat(Math.max((block.level ?? 1) - 1, 0));
  const text = runsText(block.runs, true);
  switch (block.kind) {
    case 'heading':
      return text;
    case 'bulletItem':
      return `${indent}- ${text}`;
    case 'orderedItem':
      return `${indent}${ordinal}) ${text}`;
    default:
      return block.level === undefined ? text : `${indent}  ${text}`;
  }
}

/** The number of each ordered list item within its run of items at the same level (0 for other blocks). */
export function listOrdinals(blocks: readonly Block[]): number[] {
  const counters: number[] = [];
  return blocks.map((block) => {
    const level = block.level ?? 0;
    if (block.kind === 'heading' || block.level === undefined) {
      counters.length = 0;
      return 0;
    }
    if (block.kind === 'orderedItem') {
      counters.length = level;
      counters[level - 1] = (counters[level - 1] ?? 0) + 1;
      return counters[level - 1] as number;
    }
    counters.length = block.kind === 'bulletItem' ? level - 1 : Math.min(counters.length, level);
    return 0;
  });
}

/** Renders blocks one per line: list items as "- " or "1) ", indented by their level. */
export function canonicalBlocks(blocks: readonly Block[]): string[] {
  const ordinals = listOrdinals(blocks);
  return blocks.map((block, index) => canonicalBlock(block, ordinals[index] ?? 0));
}

/**
 * A deterministic plain-text rendering: the preamble, then "1. Title" and
 * "1.1 text" lines; brackets as `[` … `]`, newlines as "\n", Unicode in NFC.
 */
export function canonicalText(structure: DocumentStructure): string {
  const lines = [...canonicalBlocks(structure.preamble)];
  for (const section of structure.sections) {
    lines.push('', `${section.number}. ${section.title}`);
    for (const clause of section.clauses) {
      const [first = '', ...rest] = canonicalBlocks(clause.blocks).join('\n').split('\n');
      lines.push(`${clause.number} ${first}`, ...rest.map((line) => `    ${line}`));
    }
  }
  return `${lines.join('\n').replace(/\r\n?/g, '\n').normalize('NFC')}\n`;
}

/** The SHA-256 (hex) of the canonical text: names a version, printed in its exports. */
export function fingerprint(structure: DocumentStructure): string {
  return createHash('sha256').update(canonicalText(structure), 'utf8').digest('hex');
}
