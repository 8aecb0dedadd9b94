/** Editing a document's clause structure from a test client, and reading versions back. */
import { BRACKET_MARK, CONTENT_FIELD, ID_ATTR, NodeName, newNodeId } from '@draftroom/shared';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { fingerprint, readDocumentStructure } from '../../server/src/content/structure';
import { contentOf } from './collabClient';
import { loadStoredDoc } from './rawCollab';
import type { TestServer } from './testServer';
import { waitFor } from './waitFor';

/** The section elements of the content fragment. */
export function sectionsOf(doc: Y.Doc): Y.XmlElement[] {
  return doc
    .getXmlFragment(CONTENT_FIELD)
    .toArray()
    .filter(
      (node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === NodeName.section,
    );
}

/** The clause element with this id. */
export function clauseElement(doc: Y.Doc, clauseId: string): Y.XmlElement {
  for (const section of sectionsOf(doc)) {
    for (const child of section.toArray()) {
      if (child instanceof Y.XmlElement && child.getAttribute(ID_ATTR) === clauseId) return child;
    }
  }
  throw new Error(`no clause ${clauseId}`);
}

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement(NodeName.paragraph);
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

/** Appends `words` to the first paragraph of the clause with this id. */
export function appendToClause(doc: Y.Doc, clauseId: string, words: string): void {
  const text = (clauseElement(doc, clauseId).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  text.insert(text.length, words);
}

/** The characters of a text node, without its formatting. */
function plainOf(text: Y.XmlText | undefined): string {
  const delta = (text?.toDelta() ?? []) as { insert: unknown }[];
  return delta.map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
}

/**
 * A copy of an element as the editor writes one: same attributes and marks, but no bracket (only
 * the server's bracket commands write the bracket mark; moved words leave their bracket).
 */
function copyWithoutBrackets(element: Y.XmlElement): Y.XmlElement {
  const copy = new Y.XmlElement(element.nodeName);
  for (const [key, value] of Object.entries(element.getAttributes())) copy.setAttribute(key, value as string);
  copy.insert(
    0,
    element.toArray().map((child) => {
      if (!(child instanceof Y.XmlText)) return copyWithoutBrackets(child as Y.XmlElement);
      const text = new Y.XmlText();
      const delta = child.toDelta() as { insert: string; attributes?: Record<string, unknown> }[];
      text.applyDelta(
        delta.map(({ insert, attributes }) => {
          const { [BRACKET_MARK]: _bracket, ...others } = attributes ?? {};
          return { insert, attributes: others };
        }),
      );
      return text;
    }),
  );
  return copy;
}

/**
 * Splits the clause's first paragraph before `beforeWords` the way the editor does on Enter: the
 * paragraph keeps its head, a copy of it (same marks, no bracket) after it keeps the tail. One
 * transaction.
 */
export function splitParagraph(doc: Y.Doc, clauseId: string, beforeWords: string): void {
  const clause = clauseElement(doc, clauseId);
  const first = clause.get(0) as Y.XmlElement;
  const at = plainOf(first.get(0) as Y.XmlText).indexOf(beforeWords);
  if (at <= 0) throw new Error(`"${beforeWords}" is not inside the first paragraph of ${clauseId}`);
  doc.transact(() => {
    const copy = copyWithoutBrackets(first);
    clause.insert(1, [copy]);
    const head = first.get(0) as Y.XmlText;
    head.delete(at, head.length - at);
    (copy.get(0) as Y.XmlText).delete(0, at);
  });
}

/** Joins the clause's second paragraph onto its first (Backspace at the start of the second). */
export function joinParagraphs(doc: Y.Doc, clauseId: string): void {
  const clause = clauseElement(doc, clauseId);
  const [first, second] = [clause.get(0), clause.get(1)] as Y.XmlElement[];
  if (!first || !second) throw new Error(`clause ${clauseId} has fewer than two paragraphs`);
  doc.transact(() => {
    const head = first.get(0) as Y.XmlText;
    const tail = (second.get(0) as Y.XmlText).toDelta() as {
      insert: string;
      attributes?: Record<string, unknown>;
    }[];
    for (const op of tail) head.insert(head.length, op.insert, op.attributes);
    clause.delete(1, 1);
  });
}

/** The plain text of each paragraph of the clause with this id. */
export function paragraphsOf(doc: Y.Doc, clauseId: string): string[] {
  return clauseElement(doc, clauseId)
    .toArray()
    .map((block) => plainOf((block as Y.XmlElement).get(0) as Y.XmlText | undefined));
}

/** Deletes every block (paragraph) of the clause with this id, leaving the clause element empty. */
export function emptyClause(doc: Y.Doc, clauseId: string): void {
  const clause = clauseElement(doc, clauseId);
  clause.delete(0, clause.length);
}

/** Deletes the clause element with this id. */
export function deleteClause(doc: Y.Doc, clauseId: string): void {
  for (const section of sectionsOf(doc)) {
    const index = section.toArray().findIndex((child) => {
      return child instanceof Y.XmlElement && child.getAttribute(ID_ATTR) === clauseId;
    });
    if (index >= 0) {
      section.delete(index, 1);
      return;
    }
  }
  throw new Error(`no clause ${clauseId}`);
}

/** Inserts a new clause with a fresh id as the `position`-th clause (0-based) of a section; returns its id. */
export function insertClause(doc: Y.Doc, section: number, position: number, text: string): string {
  const id = newNodeId('cl');
  const clause = new Y.XmlElement(NodeName.clause);
  clause.setAttribute(ID_ATTR, id);
  clause.insert(0, [paragraph(text)]);
  const target = sectionsOf(doc)[section];
  if (!target) throw new Error(`no section ${section}`);
  target.insert(position + 1, [clause]);
  return id;
}

/**
 * Moves a clause the way an editor does (delete + re-insert in one transaction):
 * a new element with the same id and copies of its blocks, as the `position`-th
 * clause (0-based, counted after the removal) of section `toSection`.
 */
export function moveClause(doc: Y.Doc, clauseId: string, toSection: number, position: number): void {
  doc.transact(() => {
    const source = clauseElement(doc, clauseId);
    const moved = new Y.XmlElement(NodeName.clause);
    moved.setAttribute(ID_ATTR, clauseId);
    moved.insert(
      0,
      source.toArray().map((child) => copyWithoutBrackets(child as Y.XmlElement)),
    );
    const target = sectionsOf(doc)[toSection];
    if (!target) throw new Error(`no section ${toSection}`);
    deleteClause(doc, clauseId);
    target.insert(position + 1, [moved]);
  });
}

/** A Y.Doc holding a version's state (as `GET …/versions/:id` sends it, base64). */
export function docFromState(base64: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(base64, 'base64')));
  return doc;
}

export function clauseIdsOf(doc: Y.Doc): string[] {
  return readClauses(doc).map((clause) => clause.id);
}

/** The fingerprint Draftroom gives this document's text. */
export function fingerprintOf(doc: Y.Doc): string {
  return fingerprint(readDocumentStructure(doc));
}

/** Counts the occurrences of `token` in `text`. */
export function occurrences(text: string, token: string): number {
  return text.split(token).length - 1;
}

/** The document's content as stored in SQLite right now (what a version saved now would hold). */
export function storedContent(server: TestServer, documentId = server.actionPlanId()): string {
  const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
  try {
    return contentOf(doc);
  } finally {
    doc.destroy();
  }
}

/** Waits until the server has stored a change containing `token`. */
export async function storedWith(server: TestServer, token: string, documentId?: string): Promise<void> {
  await waitFor(() => storedContent(server, documentId).includes(token), { what: `stored ${token}` });
}
