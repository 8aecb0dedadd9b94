/**
 * A clause's plain text as the server reads it (its paragraphs and list
 * items joined by "\n", see `plainText` in server/src/content/outline.ts),
 * with the document position of every character, so that a word redline
 * computed on the text can be drawn on the document.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';

export interface ClauseTextIndex {
  /** The paragraphs' text joined by "\n". */
  text: string;
  /** The document position before character `offset` (clamped to 0…text.length). */
  positionAt: (offset: number) => number;
}

/**
 * Indexes the text of `node` (a clause, or a document of paragraphs), whose
 * content starts at document position `contentStart`. A "\n" between two
 * paragraphs maps to the end of the first; leaf nodes (a hard break) add no
 * text, as on the server.
 */
export function indexClauseText(node: ProseMirrorNode, contentStart: number): ClauseTextIndex {
  let text = '';
  const positions: number[] = [];
  let blockEnd: number | null = null;
  node.descendants((child, offset) => {
    if (!child.isTextblock) return true;
    const start = contentStart + offset + 1;
    if (blockEnd !== null) {
      text += '\n';
      positions.push(blockEnd);
    }
    child.forEach((inline, inlineOffset) => {
      if (!inline.isText || !inline.text) return;
      for (let index = 0; index < inline.text.length; index++) positions.push(start + inlineOffset + index);
      text += inline.text;
    });
    blockEnd = start + child.content.size;
    return false;
  });
  const end = blockEnd ?? contentStart;
  positions.push(end);
  return {
    text,
    positionAt: (offset) => positions[Math.max(0, Math.min(offset, text.length))] ?? end,
  };
}

/** The plain text of a clause node, as the server reads it. */
export function clausePlainText(node: ProseMirrorNode): string {
  return indexClauseText(node, 0).text;
}
