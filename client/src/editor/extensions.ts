/** The TipTap extensions of the Draftroom editor. */
import { CONTENT_FIELD, type PresenceUser } from '@draftroom/shared';
import type { AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { renderCaret } from './caret';
import { ClauseCommands } from './clauseCommands';
import { StableIds } from './clauseIds';
import { DomSelectionSync } from './domSelectionSync';
import { ClauseNumbering } from './numbering';
import { Clause, DraftDocument, Section, SectionHeading } from './schema';

export interface EditorExtensionOptions {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  user: PresenceUser;
}

export function buildEditorExtensions({ ydoc, provider, user }: EditorExtensionOptions): AnyExtension[] {
  return [
    StarterKit.configure({
      document: false,
      // Collaboration brings Yjs undo, which undoes only one's own changes.
      undoRedo: false,
      // Never add content on one's own: the server's document is the only source.
      trailingNode: false,
      blockquote: false,
      codeBlock: false,
      horizontalRule: false,
      link: { openOnClick: false, autolink: true },
    }),
    DraftDocument,
    Section,
    SectionHeading,
    Clause,
    StableIds,
    ClauseNumbering,
    DomSelectionSync,
    ClauseCommands,
    Collaboration.configure({ document: ydoc, field: CONTENT_FIELD }),
    CollaborationCaret.configure({ provider, user, render: renderCaret }),
  ];
}
