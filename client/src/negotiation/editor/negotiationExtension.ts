/** The editor side of the negotiation layer: locking, clause and bracket looks, comment highlights. */
import { Extension } from '@tiptap/core';
import { bracketViewPlugin } from './bracketDecorations';
import { clauseViewPlugin } from './clauseDecorations';
import { type ClauseLockOptions, clauseLockPlugin } from './clauseLock';
import { commentAnchorsPlugin } from './commentAnchors';
import { WidgetHost } from './widgetHost';

/** Per editor: the elements React renders each clause's strip and each bracket's tail into. */
export interface NegotiationEditorStorage {
  clauseStrips: WidgetHost;
  bracketWidgets: WidgetHost;
}

declare module '@tiptap/core' {
  interface Storage {
    negotiation: NegotiationEditorStorage;
  }
}

export function negotiationExtension(options: ClauseLockOptions) {
  return Extension.create<ClauseLockOptions, NegotiationEditorStorage>({
    name: 'negotiation',
    addStorage() {
      return {
        clauseStrips: new WidgetHost('clause-strip'),
        bracketWidgets: new WidgetHost('bracket-widget', 'span'),
      };
    },
    addProseMirrorPlugins() {
      return [
        clauseLockPlugin(options),
        clauseViewPlugin(this.storage.clauseStrips),
        bracketViewPlugin(this.storage.bracketWidgets),
        commentAnchorsPlugin(),
      ];
    },
  });
}
