import { CONTENT_FIELD, clauseNumber, ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
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

/** The plain text of an XML element or text node (paragraphs joined by newlines). */
export function plainText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[])
      .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
      .join('');
  }
  if (node instanceof Y.XmlElement) {
    const parts = node.toArray().map((child) => plainText(child as Y.XmlElement | Y.XmlText));
    const isContainer = node.nodeName !== NodeName.paragraph && node.nodeName !== NodeName.sectionHeading;
    return parts.join(isContainer ? '\n' : '');
  }
  return '';
}

/** Every clause of a document, in order, with its derived number. */
export function readClauses(doc: Y.Doc): ClauseText[] {
  const clauses: ClauseText[] = [];
  let sectionIndex = 0;
  for (const block of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== NodeName.section) continue;
    const sectionId = String(block.getAttribute(ID_ATTR) ?? '');
    let clauseIndex = 0;
    for (const child of block.toArray()) {
      if (!(child instanceof Y.XmlElement) || child.nodeName !== NodeName.clause) continue;
      clauses.push({
        id: String(child.getAttribute(ID_ATTR) ?? ''),
        number: clauseNumber(sectionIndex, clauseIndex),
        sectionId,
        text: plainText(child),
      });
      clauseIndex++;
    }
    sectionIndex++;
  }
  return clauses;
}
