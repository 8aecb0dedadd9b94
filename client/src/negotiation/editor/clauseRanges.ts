/** Where clauses and bracketed passages are in a ProseMirror document. */
import { ID_ATTR, NodeName } from '@draftroom/shared';
import type { Node as ProseMirrorNode, ResolvedPos } from '@tiptap/pm/model';
import { readDocumentStructure } from '../../editor/structure';
import { BRACKET_MARK } from './bracketMark';

export interface ClauseRange {
  id: string;
  number: string;
  sectionId: string | null;
  sectionNumber: string;
  sectionTitle: string;
  /** Position before the clause node. */
  from: number;
  /** Position after the clause node. */
  to: number;
  node: ProseMirrorNode;
}

const rangeCache = new WeakMap<ProseMirrorNode, ClauseRange[]>();

/** Every clause with an id, in document order (cached per document). */
export function clauseRanges(doc: ProseMirrorNode): ClauseRange[] {
  const cached = rangeCache.get(doc);
  if (cached) return cached;
  const ranges: ClauseRange[] = [];
  for (const section of readDocumentStructure(doc).sections) {
    for (const clause of section.clauses) {
      if (!clause.id) continue;
      ranges.push({
        id: clause.id,
        number: clause.number,
        sectionId: section.id,
        sectionNumber: section.number,
        sectionTitle: section.title,
        from: clause.pos,
        to: clause.pos + clause.node.nodeSize,
        node: clause.node,
      });
    }
  }
  rangeCache.set(doc, ranges);
  return ranges;
}

export function findClause(doc: ProseMirrorNode, clauseId: string): ClauseRange | null {
  return clauseRanges(doc).find((clause) => clause.id === clauseId) ?? null;
}

/** The id of the clause around a position, or null outside clauses. */
export function clauseIdAt($pos: ResolvedPos): string | null {
  for (let depth = $pos.depth; depth > 0; depth--) {
    const node = $pos.node(depth);
    if (node.type.name === NodeName.clause) return (node.attrs[ID_ATTR] as string | null) ?? null;
  }
  return null;
}

export interface BracketRange {
  id: string;
  clauseId: string | null;
  from: number;
  to: number;
  text: string;
}

/** Every bracketed passage: from its first to its last character carrying the bracket's id. */
export function bracketRanges(doc: ProseMirrorNode): BracketRange[] {
  const byId = new Map<string, BracketRange>();
  for (const clause of clauseRanges(doc)) {
    clause.node.descendants((node, offset) => {
      if (!node.isText) return true;
      const mark = node.marks.find((candidate) => candidate.type.name === BRACKET_MARK);
      const id = mark?.attrs.id as string | undefined;
      if (!id) return false;
      const from = clause.from + 1 + offset;
      const existing = byId.get(id);
      if (existing) existing.to = from + node.nodeSize;
      else byId.set(id, { id, clauseId: clause.id, from, to: from + node.nodeSize, text: '' });
      return false;
    });
  }
  for (const range of byId.values()) range.text = doc.textBetween(range.from, range.to, ' ');
  return [...byId.values()];
}

/** True when [from, to] (or, when empty, the insertion point `from`) reaches inside [start, end]. */
export function touchesRange(from: number, to: number, start: number, end: number): boolean {
  if (from === to) return from > start && from < end;
  return from < end && to > start;
}
