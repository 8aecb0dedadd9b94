// @vitest-environment happy-dom
/**
 * Amendments drawn over the editor's own schema, none changing the text: a
 * clause's plain text and its positions, "Show amendments" (words struck in
 * place and inserted words drawn where they go; carried over to a clause
 * changed since; a block when the change no longer applies, or for a new
 * clause), the clause being proposed on, and the proposal editor's tracked
 * changes as one types.
 */
import type { Amendment } from '@draftroom/shared';
import { getSchema } from '@tiptap/core';
import type { Node as ProseMirrorNode, Schema } from '@tiptap/pm/model';
import type { Decoration } from '@tiptap/pm/view';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { indexClauseText } from '../../client/src/amendments/clauseTextIndex';
import {
  buildAmendmentDecorations,
  type InlineAmendment,
} from '../../client/src/amendments/editor/amendmentDecorations';
import {
  contentToText,
  textToContent,
  trackedDecorations,
} from '../../client/src/amendments/editor/trackedChanges';
import { buildEditorExtensions } from '../../client/src/editor/extensions';
import { findClause } from '../../client/src/negotiation/editor/clauseRanges';
import { amendmentRecord } from '../support/amendmentRecord';

const schema: Schema = getSchema(buildEditorExtensions({ ydoc: new Y.Doc() }));
const BASE = 'Promote voluntary return.\nSecond paragraph.';

function documentWith(clauseText: string): ProseMirrorNode {
  const paragraph = (text: string) => ({ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] });
  return schema.nodeFromJSON({
    type: 'doc',
    content: [
      {
        type: 'section',
        attrs: { id: 'sec-1' },
        content: [
          { type: 'sectionHeading', content: [{ type: 'text', text: 'Return' }] },
          { type: 'clause', attrs: { id: 'cl-a' }, content: clauseText.split('\n').map(paragraph) },
          { type: 'clause', attrs: { id: 'cl-b' }, content: [paragraph('Another clause.')] },
        ],
      },
    ],
  });
}

function amendment(overrides: Partial<Amendment>): Amendment {
  return amendmentRecord({
    number: 7,
    baseText: BASE,
    proposedText: 'Promote sustainable return.\nSecond paragraph.',
    ...overrides,
  });
}

function drawn(
  doc: ProseMirrorNode,
  items: InlineAmendment[],
  proposal: { clauseId: string; kind: Amendment['kind'] } | null = null,
) {
  const element = document.createElement('div');
  const set = buildAmendmentDecorations(doc, { inline: items, proposal }, element);
  const all = set.find();
  const struck = all
    .filter((decoration) => decoration.from < decoration.to && !(decoration.spec as { key?: string }).key)
    .map((decoration) => doc.textBetween(decoration.from, decoration.to, '\n'));
  const widgets = all.filter((decoration) => decoration.from === decoration.to);
  const widgetText = (decoration: Decoration) => {
    const toDom = (
      decoration as unknown as { type: { toDOM: (view: unknown, pos: () => number) => HTMLElement } }
    ).type.toDOM;
    return toDom(null, () => decoration.from).textContent ?? '';
  };
  return { all, struck, widgets, widgetText, element };
}

const ua = (overrides: Partial<Amendment> = {}): InlineAmendment => ({
  amendment: amendment(overrides),
  color: '#1f77b4',
});

describe('a clause’s text and positions', () => {
  it('joins paragraphs with "\\n" and maps each character to its position', () => {
    const doc = documentWith(BASE);
    const clause = findClause(doc, 'cl-a');
    if (!clause) throw new Error('no clause');
    const index = indexClauseText(clause.node, clause.from + 1);
    expect(index.text).toBe(BASE);
    const second = BASE.indexOf('Second');
    expect(doc.textBetween(index.positionAt(0), index.positionAt(7))).toBe('Promote');
    expect(doc.textBetween(index.positionAt(second), index.positionAt(BASE.length))).toBe(
      'Second paragraph.',
    );
    // The break maps to the end of the first paragraph.
    expect(doc.textBetween(index.positionAt(0), index.positionAt(second - 1))).toBe(
      'Promote voluntary return.',
    );
  });
});

describe('open amendments drawn in the live text', () => {
  it('strikes the words it deletes in place and draws the ones it inserts, labelled AM n · UA', () => {
    const doc = documentWith(BASE);
    const { struck, widgets, widgetText } = drawn(doc, [ua()]);
    expect(struck).toEqual(['voluntary']);
    const texts = widgets.map(widgetText);
    expect(texts).toContain('AM 7 · UA');
    expect(texts.some((text) => text.includes('sustainable'))).toBe(true);
  });

  it('carries the change over to a clause changed elsewhere since it was tabled', () => {
    const doc = documentWith('Promote voluntary return.\nSecond paragraph, amended.');
    const { struck, widgets, widgetText } = drawn(doc, [ua()]);
    expect(struck).toEqual(['voluntary']);
    expect(widgets.map(widgetText).some((text) => text.includes('sustainable'))).toBe(true);
  });

  it('draws a block after the clause when the change no longer applies cleanly', () => {
    const doc = documentWith('Promote assisted return.\nSecond paragraph.');
    const { struck, widgets, widgetText } = drawn(doc, [ua()]);
    expect(struck).toEqual([]);
    const clause = findClause(doc, 'cl-a');
    const block = widgets.find((widget) => widget.from === clause?.to);
    expect(block && widgetText(block)).toContain('no longer applies cleanly');
    expect(block && widgetText(block)).toContain('sustainable');
  });

  it('strikes a clause to delete whole, and draws a new clause after the one it follows', () => {
    const doc = documentWith(BASE);
    const deleted = drawn(doc, [ua({ kind: 'delete', proposedText: '' })]);
    expect(deleted.struck.join('\n')).toBe(BASE);
    const inserted = drawn(doc, [
      { ...ua({ kind: 'insert', proposedText: 'Support reintegration.' }), newClauseLabel: '1.1a (new)' },
    ]);
    const clause = findClause(doc, 'cl-a');
    const block = inserted.widgets.find((widget) => widget.from === clause?.to);
    expect(block && inserted.widgetText(block)).toContain('1.1a (new)');
    expect(block && inserted.widgetText(block)).toContain('Support reintegration.');
  });

  it('puts the proposal editor in place of the clause being proposed on', () => {
    const doc = documentWith(BASE);
    const clause = findClause(doc, 'cl-a');
    const modify = drawn(doc, [], { clauseId: 'cl-a', kind: 'modify' });
    expect(
      modify.all.some((decoration) => decoration.from === clause?.from && decoration.to === clause?.to),
    ).toBe(true);
    const host = modify.widgets.find((widget) => widget.from === (clause?.from ?? 0) + 1);
    expect(host && modify.widgetText(host)).toBe('');
    const insert = drawn(doc, [], { clauseId: 'cl-a', kind: 'insert' });
    expect(insert.widgets.map((widget) => widget.from)).toEqual([clause?.to]);
    expect(drawn(doc, []).all).toEqual([]);
  });
});

describe('tracked changes in the proposal editor', () => {
  it('underlines inserted words and draws deleted ones as the proposer types', () => {
    const doc = schema.nodeFromJSON(textToContent('Promote sustainable return.\nSecond paragraph.'));
    expect(contentToText(doc)).toBe('Promote sustainable return.\nSecond paragraph.');
    const found = trackedDecorations(doc, BASE).find();
    const inserted = found.filter((decoration) => decoration.from < decoration.to);
    expect(inserted.map((decoration) => doc.textBetween(decoration.from, decoration.to))).toEqual([
      'sustainable',
    ]);
    const deleted = found.filter((decoration) => decoration.from === decoration.to);
    expect(deleted.map((decoration) => (decoration.spec as { key: string }).key)).toEqual([
      expect.stringContaining('voluntary'),
    ]);
    expect(trackedDecorations(schema.nodeFromJSON(textToContent(BASE)), BASE).find()).toEqual([]);
  });
});
