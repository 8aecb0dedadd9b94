/**
 * The structured document model shared by the editor (TipTap/ProseMirror) and
 * the server (which reads and seeds the Y.Doc directly).
 *
 * The editor content lives in the Y.XmlFragment named {@link CONTENT_FIELD}.
 * Every element's nodeName is a ProseMirror node type name below.
 */

/** The name of the Y.XmlFragment that holds the editor content. */
export const CONTENT_FIELD = 'content';

/** ProseMirror node type names (= Y.XmlElement nodeNames). */
export const NodeName = {
  /** A thematic area: a `sectionHeading` followed by clauses. Attr: `id`. */
  section: 'section',
  /** The title of a thematic area. Inline text only. */
  sectionHeading: 'sectionHeading',
  /** A numbered action. Attr: `id` (stable across edits, moves, reloads). Content: paragraphs and lists. */
  clause: 'clause',
  paragraph: 'paragraph',
  heading: 'heading',
  bulletList: 'bulletList',
  orderedList: 'orderedList',
  listItem: 'listItem',
} as const;

/** The attribute that carries a section's or clause's stable id. */
export const ID_ATTR = 'id';

/**
 * The mark (= Y.XmlText formatting attribute key) of a bracketed passage:
 * `bracket: { id }` on its characters, `id` naming the bracket record. Only
 * the server's bracket commands write it; the server refuses a client update
 * that inserts a formatting item with this key (any value, null included).
 */
export const BRACKET_MARK = 'bracket';

/**
 * Everything the Y.Doc of a document may hold, as the editor's ProseMirror
 * schema writes it through the Yjs binding (`@tiptap/y-tiptap`): the one root
 * fragment {@link CONTENT_FIELD}; elements (Y.XmlElement nodeNames) with the
 * attributes each may carry; text (Y.XmlText) with the marks (formatting
 * attribute keys) it may carry. The server refuses any update that writes
 * something else (close code 4400), so a document cannot carry content that no
 * editor shows, no export contains and no fingerprint covers. A unit test
 * checks this against the editor's schema (tests/unit/documentModel.test.ts).
 */
export const DOCUMENT_MODEL = {
  root: CONTENT_FIELD,
  /** nodeName → attribute names. */
  elements: {
    [NodeName.section]: [ID_ATTR],
    [NodeName.sectionHeading]: [],
    [NodeName.clause]: [ID_ATTR],
    [NodeName.paragraph]: [],
    [NodeName.heading]: ['level'],
    [NodeName.bulletList]: [],
    [NodeName.orderedList]: ['start', 'type'],
    [NodeName.listItem]: [],
    hardBreak: [],
  } as Readonly<Record<string, readonly string[]>>,
  /**
   * Where the structural elements may stand (the editor's content
   * expressions): a clause only directly in a section, a section only at the
   * top level (`content`). A clause nested in another clause would be text
   * that a lock on its outer clause does not name.
   */
  placement: {
    [NodeName.section]: [CONTENT_FIELD],
    [NodeName.sectionHeading]: [NodeName.section],
    [NodeName.clause]: [NodeName.section],
  } as Readonly<Record<string, readonly string[]>>,
  /** Mark names (= formatting attribute keys of Y.XmlText). */
  marks: ['bold', 'italic', 'strike', 'underline', 'code', 'link', BRACKET_MARK] as readonly string[],
} as const;

/** Makes a new stable id for a clause or section, e.g. `cl-3f9a1c2b7d`. */
export function newNodeId(prefix: 'cl' | 'sec'): string {
  const bytes = new Uint8Array(6);
  // Web Crypto exists in browsers and in Node ≥ 19 alike.
  const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(array: Uint8Array): Uint8Array } })
    .crypto;
  webCrypto.getRandomValues(bytes);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${prefix}-${hex}`;
}

/** Clause numbering is derived from position: section 2, third clause → "2.3". Never stored. */
export function clauseNumber(sectionIndex: number, clauseIndex: number): string {
  return `${sectionIndex + 1}.${clauseIndex + 1}`;
}
