import { CONTENT_FIELD, ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
import { readYSections, yPlainText } from '@draftroom/shared/yClauses';
import * as Y from 'yjs';

/** A plain description of a structured document: a preamble, then sections of clauses. */
export interface DocumentOutline {
  preamble: { heading: string; paragraphs: string[] };
  sections: { title: string; clauses: string[] }[];
}

/** A clause as read back from a Y.Doc. */
export interface ClauseText {
  id: string;
  number: string;
  sectionId: string;
  text: string;
}

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement(NodeName.paragraph);
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

function textElement(nodeName: string, text: string, attrs: Record<string, unknown> = {}): Y.XmlElement {
  const element = new Y.XmlElement(nodeName);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as string);
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

/** Builds the editor content (the `content` XML fragment) of a new document from an outline. */
export function writeOutline(doc: Y.Doc, outline: DocumentOutline): void {
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  const blocks: Y.XmlElement[] = [
    textElement(NodeName.heading, outline.preamble.heading, { level: 1 }),
    ...outline.preamble.paragraphs.map(paragraph),
  ];
  for (const section of outline.sections) {
    const sectionElement = new Y.XmlElement(NodeName.section);
    sectionElement.setAttribute(ID_ATTR, newNodeId('sec'));
    const clauses = section.clauses.map((text) => {
      const clause = new Y.XmlElement(NodeName.clause);
      clause.setAttribute(ID_ATTR, newNodeId('cl'));
      clause.insert(0, [paragraph(text)]);
      return clause;
    });
    sectionElement.insert(0, [textElement(NodeName.sectionHeading, section.title), ...clauses]);
    blocks.push(sectionElement);
  }
  doc.transact(() => fragment.insert(0, blocks));
}

/** The state of a new document holding `outline`, as one Yjs update. */
export function encodeOutline(outline: DocumentOutline): Uint8Array {
  const doc = new Y.Doc();
  writeOutline(doc, outline);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * The plain text of an XML element or text node (a container's blocks joined
 * by newlines): `yPlainText` of `@draftroom/shared/yClauses`.
 */
export const plainText = yPlainText;

/** An element's id attribute as a string, whatever its stored type ('' when it has none). */
function storedId(element: Y.XmlElement): string {
  return String(element.getAttribute(ID_ATTR) ?? '');
}

/**
 * Every clause of a document (`readYSections` of `@draftroom/shared/yClauses`),
 * in order, with its derived number, its section's id and its plain text
 * (`plainText`). Ids read as stored, stringified ('' when missing; the editor
 * writes only strings, the document model also admits numbers and booleans).
 */
export function readClauses(doc: Y.Doc): ClauseText[] {
  return readYSections(doc).flatMap((section) =>
    section.clauses.map((clause) => ({
      id: storedId(clause.element),
      number: clause.number,
      sectionId: storedId(section.element),
      text: yPlainText(clause.element),
    })),
  );
}
