/**
 * Shows the derived numbers of sections ("2.") and clauses ("2.1") without
 * storing them: node decorations put `data-section-number` on section
 * headings and `data-number` on sections and clauses; CSS draws them in the
 * margin. The same plugin marks empty headings and clauses so CSS can show a
 * placeholder.
 */

import { NodeName } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { isEmptyClause, readDocumentStructure, type SectionInfo } from './structure';

export const clauseNumberingKey = new PluginKey<DecorationSet>('clauseNumbering');

const HEADING_PLACEHOLDER = 'Title of the thematic area';
const CLAUSE_PLACEHOLDER = 'Text of the action…';

function nodeDecoration(pos: number, node: ProseMirrorNode, attrs: Record<string, string>): Decoration {
  return Decoration.node(pos, pos + node.nodeSize, attrs);
}

function sectionDecorations(section: SectionInfo): Decoration[] {
  const decorations = [nodeDecoration(section.pos, section.node, { 'data-number': section.number })];
  if (section.heading) {
    const attrs: Record<string, string> = { 'data-section-number': section.number };
    if (section.heading.node.content.size === 0) {
      attrs.class = 'is-empty';
      attrs['data-placeholder'] = HEADING_PLACEHOLDER;
    }
    decorations.push(nodeDecoration(section.heading.pos, section.heading.node, attrs));
  }
  for (const clause of section.clauses) {
    decorations.push(nodeDecoration(clause.pos, clause.node, { 'data-number': clause.number }));
    const firstChild = clause.node.firstChild;
    if (firstChild && isEmptyClause(clause.node)) {
      decorations.push(
        nodeDecoration(clause.pos + 1, firstChild, {
          class: 'is-empty',
          'data-placeholder': CLAUSE_PLACEHOLDER,
        }),
      );
    }
  }
  return decorations;
}

export function buildNumberingDecorations(doc: ProseMirrorNode): DecorationSet {
  const { sections } = readDocumentStructure(doc);
  return DecorationSet.create(doc, sections.flatMap(sectionDecorations));
}

export const currentClauseKey = new PluginKey('currentClause');

/** Marks the clause holding the cursor (`is-current`) so CSS can show a quiet margin bar. */
function currentClauseDecorations(state: EditorState): DecorationSet {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (node.type.name === NodeName.clause) {
      const pos = $from.before(depth);
      return DecorationSet.create(state.doc, [
        Decoration.node(pos, pos + node.nodeSize, { class: 'is-current' }),
      ]);
    }
  }
  return DecorationSet.empty;
}

export const ClauseNumbering = Extension.create({
  name: 'clauseNumbering',

  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key: clauseNumberingKey,
        state: {
          init: (_config, state) => buildNumberingDecorations(state.doc),
          apply: (tr, previous) => (tr.docChanged ? buildNumberingDecorations(tr.doc) : previous),
        },
        props: {
          decorations: (state) => clauseNumberingKey.getState(state),
        },
      }),
      new Plugin({
        key: currentClauseKey,
        props: { decorations: currentClauseDecorations },
      }),
    ];
  },
});
