/**
 * The structure of an Action Plan: a preamble of headings and paragraphs,
 * then numbered thematic areas (sections) made of numbered actions (clauses).
 * Node names and attributes match what the server seeds into the Y.Doc
 * (`NodeName` in @draftroom/shared); a mismatch would make the Yjs binding
 * drop content, so change them only together with the server.
 */
import { ID_ATTR, NodeName } from '@draftroom/shared';
import { mergeAttributes, Node } from '@tiptap/core';

/** The top node: preamble blocks, then sections. */
export const DraftDocument = Node.create({
  name: 'doc',
  topNode: true,
  content: `(${NodeName.heading} | ${NodeName.paragraph} | ${NodeName.bulletList} | ${NodeName.orderedList} | ${NodeName.section})+`,
});

/** A thematic area: its heading followed by its clauses. */
export const Section = Node.create({
  name: NodeName.section,
  content: `${NodeName.sectionHeading} ${NodeName.clause}*`,
  defining: true,

  addAttributes() {
    return {
      [ID_ATTR]: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-id'),
        renderHTML: (attributes) => (attributes[ID_ATTR] ? { 'data-id': attributes[ID_ATTR] } : {}),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'section[data-type="section"]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return [
      'section',
      mergeAttributes(HTMLAttributes, { 'data-type': 'section', class: 'draft-section' }),
      0,
    ];
  },
});

/** The title of a thematic area. Its number ("2.") is shown by CSS from `data-section-number`. */
export const SectionHeading = Node.create({
  name: NodeName.sectionHeading,
  content: 'text*',
  marks: '_',
  defining: true,

  parseHTML() {
    return [
      { tag: 'h2[data-type="section-heading"]', priority: 60 },
      // A plain <h2> directly inside a section (e.g. pasted from another Draftroom tab).
      { tag: 'h2', context: `${NodeName.section}/`, priority: 55 },
    ];
  },

  renderHTML({ HTMLAttributes }) {
    return [
      'h2',
      mergeAttributes(HTMLAttributes, { 'data-type': 'section-heading', class: 'draft-section__heading' }),
      0,
    ];
  },
});

/** A numbered action. Its number ("2.1") is derived from its position and never stored. */
export const Clause = Node.create({
  name: NodeName.clause,
  content: `(${NodeName.paragraph} | ${NodeName.bulletList} | ${NodeName.orderedList})+`,
  defining: true,

  addAttributes() {
    return {
      [ID_ATTR]: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-clause-id'),
        renderHTML: (attributes) => (attributes[ID_ATTR] ? { 'data-clause-id': attributes[ID_ATTR] } : {}),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'div[data-type="clause"]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['div', mergeAttributes(HTMLAttributes, { 'data-type': 'clause', class: 'draft-clause' }), 0];
  },
});
