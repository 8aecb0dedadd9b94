/**
 * The `bracket` mark: a passage of a clause put in square brackets while
 * delegations disagree on it. Stored in the Y.Doc as the formatting attribute
 * `bracket: { id }` (the server reads it), so the name and the attribute must
 * not change. Only the server's bracket commands write it: the Yjs binding
 * never does (`serverMarks`), and pasted text never brings it along
 * (bracketIntegrity.ts). Non-inclusive: typing at its edges does not extend
 * it. The mark excludes itself, so brackets never nest or overlap.
 */
import { BRACKET_MARK } from '@draftroom/shared';
import { Mark, mergeAttributes } from '@tiptap/core';
import { bracketIntegrityPlugin } from './bracketIntegrity';

export { BRACKET_MARK };

export const BracketMark = Mark.create({
  name: BRACKET_MARK,
  // Before the formatting marks, so one bracket renders as one span around bold or italic parts.
  priority: 150,
  inclusive: false,

  addAttributes() {
    return {
      id: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-bracket-id'),
        renderHTML: (attributes) => (attributes.id ? { 'data-bracket-id': attributes.id } : {}),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-bracket-id]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes(HTMLAttributes, { class: 'draft-bracket' }), 0];
  },

  // Pastes, drops and undo never write the mark: only the server does.
  addProseMirrorPlugins() {
    return [bracketIntegrityPlugin()];
  },
});

/** A bracket id as the server expects it: `br-` and 12 hex digits. */
export function newBracketId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `br-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
