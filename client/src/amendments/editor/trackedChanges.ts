/**
 * Tracked changes of the proposal editor (suggesting mode): its text — the
 * proposed wording — against the text it started from, as decorations drawn
 * from the word redline: inserted words underlined in place (<ins>), deleted
 * words drawn where they were (<del> widgets, not part of the text), an
 * inserted paragraph break as ¶. See ../TrackedTextEditor.tsx for why.
 */
import { PILCROW } from '@draftroom/shared';
import { Extension } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { clauseRedline, redlineText } from '../amendmentModel';
import { indexClauseText } from '../clauseTextIndex';
import { alignRedline, breaksInRanges } from '../redlineAlign';

const trackedKey = new PluginKey<DecorationSet>('trackedChanges');

function hiddenText(text: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'visually-hidden';
  span.textContent = text;
  return span;
}

/** Words drawn where they were deleted, or the ¶ of a paragraph break inserted; said in words to screen readers. */
function trackedWords(op: 'ins' | 'del', text: string): HTMLElement {
  const node = document.createElement(op);
  node.className = `tracked tracked--${op}`;
  node.append(hiddenText(op === 'del' ? ' [deleted: ' : ' [inserted: '));
  if (text === PILCROW) {
    const mark = document.createElement('span');
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = PILCROW;
    node.append(mark, hiddenText('paragraph break'));
  } else node.append(text);
  node.append(hiddenText('] '));
  return node;
}

/** The tracked changes of `doc` (paragraphs) against `baseText`, as decorations. */
export function trackedDecorations(doc: ProseMirrorNode, baseText: string): DecorationSet {
  const index = indexClauseText(doc, 0);
  const shown = redlineText(index.text);
  const aligned = alignRedline(shown, clauseRedline(baseText, index.text), 'after');
  const decorations: Decoration[] = [];
  for (const range of aligned.ranges) {
    decorations.push(
      Decoration.inline(index.positionAt(range.from), index.positionAt(range.to), {
        nodeName: 'ins',
        class: 'tracked tracked--ins',
      }),
    );
  }
  for (const gap of aligned.gaps) {
    decorations.push(
      Decoration.widget(index.positionAt(gap.at), () => trackedWords('del', gap.text), {
        key: `del:${gap.at}:${gap.text}`,
        side: -1,
        marks: [],
      }),
    );
  }
  for (const at of breaksInRanges(shown, aligned.ranges)) {
    decorations.push(
      Decoration.widget(index.positionAt(at), () => trackedWords('ins', PILCROW), {
        key: `break:${at}`,
        side: 1,
        marks: [],
      }),
    );
  }
  return DecorationSet.create(doc, decorations);
}

/** The extension that draws the tracked changes against `baseText`. */
export function trackedChanges(baseText: string) {
  return Extension.create({
    name: 'trackedChanges',
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key: trackedKey,
          state: {
            init: (_config, state) => trackedDecorations(state.doc, baseText),
            apply: (tr, previous, _old, state) =>
              tr.docChanged ? trackedDecorations(state.doc, baseText) : previous,
          },
          props: { decorations: (state) => trackedKey.getState(state) },
        }),
      ];
    },
  });
}

/** Plain clause text ("\n" between paragraphs) as editor content. */
export function textToContent(text: string) {
  return {
    type: 'doc',
    content: text.split('\n').map((line) => ({
      type: 'paragraph',
      ...(line ? { content: [{ type: 'text', text: line }] } : {}),
    })),
  };
}

/** The editor's paragraphs as plain clause text. */
export function contentToText(doc: ProseMirrorNode): string {
  return indexClauseText(doc, 0).text;
}
