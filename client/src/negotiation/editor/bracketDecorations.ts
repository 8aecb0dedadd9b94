/**
 * Shows each bracketed passage as `[ … ]`: an opening bracket before it, and
 * after it a widget (rendered by React) with the other alternatives, the
 * proponents and the closing bracket. (Pasted text never brings bracket marks
 * along: bracketIntegrity.ts, part of the mark.)
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { bracketRanges } from './clauseRanges';
import type { WidgetHost } from './widgetHost';

export const bracketViewKey = new PluginKey<DecorationSet>('negotiationBrackets');

function openingBracket(): HTMLElement {
  const element = document.createElement('span');
  element.className = 'bracket-open';
  element.textContent = '[';
  element.setAttribute('aria-hidden', 'true');
  return element;
}

function buildDecorations(doc: ProseMirrorNode, widgets: WidgetHost): DecorationSet {
  const decorations: Decoration[] = [];
  const ranges = bracketRanges(doc);
  for (const range of ranges) {
    decorations.push(
      Decoration.widget(range.from, openingBracket, { key: `bracket-open:${range.id}`, side: 1, marks: [] }),
      Decoration.widget(range.to, () => widgets.element(range.id), {
        key: `bracket-close:${range.id}`,
        side: -1,
        marks: [],
        ignoreSelection: true,
        stopEvent: () => true,
      }),
    );
  }
  widgets.retain(ranges.map((range) => range.id));
  return DecorationSet.create(doc, decorations);
}

export function bracketViewPlugin(widgets: WidgetHost): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: bracketViewKey,
    state: {
      init: (_config, state) => buildDecorations(state.doc, widgets),
      apply: (tr, previous, _oldState, newState) =>
        tr.docChanged ? buildDecorations(newState.doc, widgets) : previous,
    },
    props: {
      decorations: (state) => bracketViewKey.getState(state),
    },
  });
}
