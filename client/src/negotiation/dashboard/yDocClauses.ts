/** The numbered clauses read straight from a document's Y.Doc (for pages without an editor). */
import { readYSections, yFlatText } from '@draftroom/shared/yClauses';
import type * as Y from 'yjs';
import {
  buildDirectory,
  type ClauseDirectory,
  type ClauseEntry,
  type SectionEntry,
} from '../clauseDirectory';

/**
 * The clause directory of a Y.Doc: every section (number, title: its heading
 * on one line), and every clause that has an id, with its number (counted
 * over all the section's clauses), its section and its text on one line.
 */
export function directoryFromYDoc(doc: Y.Doc): ClauseDirectory {
  const clauses: ClauseEntry[] = [];
  const sections: SectionEntry[] = [];
  for (const read of readYSections(doc)) {
    const section: SectionEntry = {
      id: read.id,
      number: read.number,
      title: read.heading ? yFlatText(read.heading) : '',
    };
    sections.push(section);
    for (const clause of read.clauses) {
      if (!clause.id) continue;
      clauses.push({
        id: clause.id,
        number: clause.number,
        sectionId: section.id,
        sectionNumber: section.number,
        sectionTitle: section.title,
        text: yFlatText(clause.element),
      });
    }
  }
  return buildDirectory(clauses, sections);
}
