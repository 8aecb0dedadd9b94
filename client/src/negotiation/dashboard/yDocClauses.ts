/** The numbered clauses read straight from a document's Y.Doc (for pages without an editor). */
import { CONTENT_FIELD, clauseNumber, ID_ATTR, NodeName } from '@draftroom/shared';
import * as Y from 'yjs';
import {
  buildDirectory,
  type ClauseDirectory,
  type ClauseEntry,
  type SectionEntry,
} from '../clauseDirectory';

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[])
      .map((part) => (typeof part.insert === 'string' ? part.insert : ''))
      .join('');
  }
  if (node instanceof Y.XmlElement) return node.toArray().map(textOf).join(' ').replace(/\s+/g, ' ').trim();
  return '';
}

function idOf(element: Y.XmlElement): string | null {
  const id = element.getAttribute(ID_ATTR) as unknown;
  return typeof id === 'string' && id ? id : null;
}

export function directoryFromYDoc(doc: Y.Doc): ClauseDirectory {
  const clauses: ClauseEntry[] = [];
  const sections: SectionEntry[] = [];
  for (const child of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(child instanceof Y.XmlElement) || child.nodeName !== NodeName.section) continue;
    const sectionIndex = sections.length;
    const section: SectionEntry = { id: idOf(child), number: String(sectionIndex + 1), title: '' };
    sections.push(section);
    let clauseIndex = 0;
    for (const part of child.toArray()) {
      if (!(part instanceof Y.XmlElement)) continue;
      if (part.nodeName === NodeName.sectionHeading && !section.title) section.title = textOf(part);
      if (part.nodeName !== NodeName.clause) continue;
      const id = idOf(part);
      const number = clauseNumber(sectionIndex, clauseIndex++);
      if (!id) continue;
      clauses.push({
        id,
        number,
        sectionId: section.id,
        sectionNumber: section.number,
        // The heading comes first in a section (the schema requires it).
        sectionTitle: section.title,
        text: textOf(part),
      });
    }
  }
  return buildDirectory(clauses, sections);
}
