/**
 * Where tests, the durability suite and the bench type text: a Y.XmlText
 * inside the document model (the `content` fragment), since the server
 * refuses every other root type (issue 11). The first text node in document
 * order exists before any client connects (seeded or created with the
 * document), so every client types into the same one.
 */
import { CONTENT_FIELD, NodeName } from '@draftroom/shared';
import * as Y from 'yjs';

/** The first Y.XmlText of the document's content, depth-first; throws when the content has none. */
export function modelText(doc: Y.Doc): Y.XmlText {
  const search = (parent: Y.XmlFragment | Y.XmlElement): Y.XmlText | undefined => {
    for (const child of parent.toArray()) {
      if (child instanceof Y.XmlText) return child;
      if (child instanceof Y.XmlElement) {
        const found = search(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = search(doc.getXmlFragment(CONTENT_FIELD));
  if (!found) throw new Error('the document has no text node to type into');
  return found;
}

/** The plain text of `modelText(doc)` (formatting left out), or '' when the document has none yet. */
export function modelTextString(doc: Y.Doc): string {
  try {
    return (modelText(doc).toDelta() as { insert: unknown }[])
      .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
      .join('');
  } catch {
    return '';
  }
}

/** The initial state of a document holding one empty paragraph (for documents a test or bench creates). */
export function oneParagraphState(): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement(NodeName.paragraph);
  paragraph.insert(0, [new Y.XmlText('')]);
  doc.getXmlFragment(CONTENT_FIELD).insert(0, [paragraph]);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
