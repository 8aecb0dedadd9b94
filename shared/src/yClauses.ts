/**
 * Reading the clauses straight from a document's Y.Doc, on the server (no
 * editor there) and in the browser (pages without an editor, and Yjs-level
 * code such as undo) alike. Imported as `@draftroom/shared/yClauses`, not
 * from the package index, so that only code that already loads Yjs loads it.
 *
 * Yjs is a peer dependency of this package: the reader's `instanceof` checks
 * hold only for the one Yjs the application itself loads.
 */
import * as Y from 'yjs';
import { CONTENT_FIELD, clauseNumber, ID_ATTR, NodeName } from './schema';

/** A clause element where the document model puts it: directly in a section. */
export interface YClause {
  /** Its `id` attribute when that is a non-empty string, else null (no editor writes any other). */
  id: string | null;
  /** Its derived number, "2.3": counted over every clause element of its section, with an id or not. */
  number: string;
  /** Its index among its section's clauses, from 0. */
  index: number;
  element: Y.XmlElement;
}

/** A section of the content, with its clauses in order. */
export interface YSection {
  /** Its `id` attribute when that is a non-empty string, else null. */
  id: string | null;
  /** Its derived number, "2". */
  number: string;
  /** Its index among the sections, from 0. */
  index: number;
  /** Its first section heading (the editor's schema has exactly one, first), or null. */
  heading: Y.XmlElement | null;
  element: Y.XmlElement;
  clauses: YClause[];
}

/** The stable id an element carries (section or clause), or null when it has no non-empty string one. */
export function yNodeId(element: Y.XmlElement): string | null {
  const id = element.getAttribute(ID_ATTR) as unknown;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * Every section of a document's content, in order, each with its clauses and
 * their derived numbers. Top-level nodes other than sections (the preamble)
 * and anything in a section other than its heading and clauses are skipped.
 * O(top-level nodes + section children).
 */
export function readYSections(doc: Y.Doc): YSection[] {
  const sections: YSection[] = [];
  for (const node of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== NodeName.section) continue;
    const index = sections.length;
    const section: YSection = {
      id: yNodeId(node),
      number: String(index + 1),
      index,
      heading: null,
      element: node,
      clauses: [],
    };
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      if (child.nodeName === NodeName.sectionHeading) section.heading ??= child;
      if (child.nodeName !== NodeName.clause) continue;
      const clauseIndex = section.clauses.length;
      section.clauses.push({
        id: yNodeId(child),
        number: clauseNumber(index, clauseIndex),
        index: clauseIndex,
        element: child,
      });
    }
    sections.push(section);
  }
  return sections;
}

/**
 * The plain text of an element or text node, as stored: the characters of its
 * text (formatting dropped), a paragraph's or heading's pieces joined as they
 * are, the blocks of a container (clause, list) joined by newlines. Hooks and
 * embeds read as nothing.
 */
export function yPlainText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[])
      .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
      .join('');
  }
  if (node instanceof Y.XmlElement) {
    const parts = node.toArray().map((child) => yPlainText(child as Y.XmlElement | Y.XmlText));
    const isContainer = node.nodeName !== NodeName.paragraph && node.nodeName !== NodeName.sectionHeading;
    return parts.join(isContainer ? '\n' : '');
  }
  return '';
}

/**
 * The text of an element or text node on one line, for lists and previews:
 * every piece (text, line break, block) separated by a space, runs of
 * whitespace collapsed to one space, trimmed.
 */
export function yFlatText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) return yPlainText(node);
  if (node instanceof Y.XmlElement) {
    return node
      .toArray()
      .map((child) => yFlatText(child as Y.XmlElement | Y.XmlText))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return '';
}

/**
 * The id of the clause a Yjs type is in, or is: the nearest clause element
 * at or above `type`. Null when there is none, or when the nearest one has no
 * string id. O(depth).
 */
export function enclosingClauseId<Event>(type: Y.AbstractType<Event> | null): string | null {
  // Only the parent chain is read: the type's event shape does not matter.
  for (let current = type as Y.AbstractType<unknown> | null; current; ) {
    if (current instanceof Y.XmlElement && current.nodeName === NodeName.clause) {
      const id = current.getAttribute(ID_ATTR) as unknown;
      return typeof id === 'string' ? id : null;
    }
    const parent: unknown = current._item?.parent ?? null;
    current = parent instanceof Y.AbstractType ? parent : null;
  }
  return null;
}
