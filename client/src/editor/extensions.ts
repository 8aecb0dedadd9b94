/** The TipTap extensions of the Draftroom editor. */
import { CONTENT_FIELD, type PresenceUser } from '@draftroom/shared';
import type { AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { BRACKET_MARK, BracketMark } from '../negotiation/editor/bracketMark';
import { FindInDocument } from '../search/findInDocument';
import { renderCaret } from './caret';
import { ClauseCommands } from './clauseCommands';
import { StableIds } from './clauseIds';
import { DomSelectionSync } from './domSelectionSync';
import { ClauseNumbering } from './numbering';
import { ReadOnlyCaret } from './readOnlyCaret';
import { Clause, DraftDocument, Section, SectionHeading } from './schema';

export interface EditorExtensionOptions {
  ydoc: Y.Doc;
  /** Absent for a read-only view of a stored version (no network, no carets). */
  provider?: WebsocketProvider;
  user?: PresenceUser;
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
    // The `bracket` mark is part of the document model (the server reads it), in every editor.
    BracketMark,
    StableIds,
    ClauseNumbering,
    DomSelectionSync,
    ClauseCommands,
    // Readers who cannot edit select by keyboard too; find highlights matches in any view.
    ReadOnlyCaret,
    FindInDocument,
    Collaboration.configure({
      document: ydoc,
      field: CONTENT_FIELD,
      // Only the server's bracket commands write brackets (it refuses an update that does): the binding
      // never writes the mark, and shows what the Y.Doc has where a local edit would move or copy one.
      ySyncOptions: { serverMarks: [BRACKET_MARK] },
    }),
    ...(provider && user ? [CollaborationCaret.configure({ provider, user, render: renderCaret })] : []),
  ];
}
