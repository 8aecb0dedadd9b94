/**
 * How each clause looks in the editor, from the negotiation state: its status
 * (`data-status`, a lock look when agreed), whether the "open matters only"
 * filter hides it, a brief highlight after a jump to it, an `id` for links
 * (`#clause-<id>`), and at its end the widget that holds its negotiation strip
 * (status, positions, comment count), rendered by React.
 */
import type { ClauseStatus } from '@draftroom/shared';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { clauseRanges } from './clauseRanges';
import type { WidgetHost } from './widgetHost';

export interface ClauseViewModel {
  statuses: ReadonlyMap<string, ClauseStatus>;
  /** Clauses the "open matters only" filter hides. */
  hidden: ReadonlySet<string>;
  /** The clause to highlight (after a jump to it), or null. */
  highlighted: string | null;
}

interface ClauseViewState {
  model: ClauseViewModel;
  decorations: DecorationSet;
}

export const clauseViewKey = new PluginKey<ClauseViewState>('negotiationClauseView');

export const EMPTY_CLAUSE_VIEW: ClauseViewModel = {
  statuses: new Map(),
  hidden: new Set(),
  highlighted: null,
};

export function clauseElementId(clauseId: string): string {
  return `clause-${clauseId}`;
}

function clauseClasses(clauseId: string, status: ClauseStatus, model: ClauseViewModel): string {
  const classes = [`draft-clause--${status}`];
  if (status === 'agreed') classes.push('is-locked');
  if (model.hidden.has(clauseId) && model.highlighted !== clauseId) classes.push('is-filtered-out');
  if (model.highlighted === clauseId) classes.push('is-highlighted');
  return classes.join(' ');
}

function buildDecorations(doc: ProseMirrorNode, model: ClauseViewModel, strips: WidgetHost): DecorationSet {
  const decorations: Decoration[] = [];
  const keys: string[] = [];
  for (const clause of clauseRanges(doc)) {
    const status = model.statuses.get(clause.id) ?? 'open';
    decorations.push(
      Decoration.node(clause.from, clause.to, {
        class: clauseClasses(clause.id, status, model),
        id: clauseElementId(clause.id),
        'data-status': status,
      }),
    );
    keys.push(clause.id);
    decorations.push(
      Decoration.widget(clause.to - 1, () => strips.element(clause.id), {
        key: `clause-strip:${clause.id}`,
        side: 1,
        ignoreSelection: true,
        stopEvent: () => true,
      }),
    );
  }
  strips.retain(keys);
  return DecorationSet.create(doc, decorations);
}

/** The plugin; React sends a new `ClauseViewModel` as the meta of `clauseViewKey`. */
export function clauseViewPlugin(strips: WidgetHost): Plugin<ClauseViewState> {
  return new Plugin<ClauseViewState>({
    key: clauseViewKey,
    state: {
      init: (_config, state) => ({
        model: EMPTY_CLAUSE_VIEW,
        decorations: buildDecorations(state.doc, EMPTY_CLAUSE_VIEW, strips),
      }),
      apply: (tr, previous, _oldState, newState) => {
        const model = tr.getMeta(clauseViewKey) as ClauseViewModel | undefined;
        if (!model && !tr.docChanged) return previous;
        const next = model ?? previous.model;
        return { model: next, decorations: buildDecorations(newState.doc, next, strips) };
      },
    },
    props: {
      decorations: (state) => clauseViewKey.getState(state)?.decorations,
    },
  });
}
