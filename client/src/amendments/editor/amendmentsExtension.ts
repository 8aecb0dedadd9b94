/**
 * The editor side of amendments: a plugin drawing them over the live text
 * (see ./amendmentDecorations.ts) from the model React sends as the meta of
 * `amendmentViewKey`, and the element the proposal editor is rendered into
 * (a React portal), kept for the editor's life so the proposal survives
 * redraws while others type.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { DecorationSet } from '@tiptap/pm/view';
import {
  type AmendmentViewModel,
  buildAmendmentDecorations,
  EMPTY_AMENDMENT_VIEW,
} from './amendmentDecorations';

export interface AmendmentsEditorStorage {
  /** Where the proposal editor is rendered; placed in the clause being proposed on. */
  proposalElement: HTMLElement;
}

declare module '@tiptap/core' {
  interface Storage {
    amendments: AmendmentsEditorStorage;
  }
}

interface AmendmentViewState {
  model: AmendmentViewModel;
  decorations: DecorationSet;
}

export const amendmentViewKey = new PluginKey<AmendmentViewState>('amendmentView');

function proposalElement(): HTMLElement {
  const element = document.createElement('div');
  element.className = 'amendment-proposal-host';
  element.contentEditable = 'false';
  return element;
}

function amendmentViewPlugin(storage: AmendmentsEditorStorage): Plugin<AmendmentViewState> {
  return new Plugin<AmendmentViewState>({
    key: amendmentViewKey,
    state: {
      init: (_config, state) => ({
        model: EMPTY_AMENDMENT_VIEW,
        decorations: buildAmendmentDecorations(state.doc, EMPTY_AMENDMENT_VIEW, storage.proposalElement),
      }),
      apply: (tr, previous, _oldState, newState) => {
        const model = tr.getMeta(amendmentViewKey) as AmendmentViewModel | undefined;
        if (!model && !tr.docChanged) return previous;
        const next = model ?? previous.model;
        return {
          model: next,
          decorations: buildAmendmentDecorations(newState.doc, next, storage.proposalElement),
        };
      },
    },
    props: {
      decorations: (state) => amendmentViewKey.getState(state)?.decorations,
    },
  });
}

/** Added to the document editor by the negotiation layer. */
export const AmendmentsExtension = Extension.create<Record<string, never>, AmendmentsEditorStorage>({
  name: 'amendments',
  addStorage() {
    return { proposalElement: proposalElement() };
  },
  addProseMirrorPlugins() {
    return [amendmentViewPlugin(this.storage)];
  },
});
