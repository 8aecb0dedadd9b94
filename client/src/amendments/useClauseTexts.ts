/** The plain text of each clause of the editor's document (as the server reads it), refreshed shortly after each change. */
import type { Editor } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { useEffect, useState } from 'react';
import { clauseRanges } from '../negotiation/editor/clauseRanges';
import { clausePlainText } from './clauseTextIndex';

/** Clause id → its text (paragraphs joined by "\n"). */
export function clauseTexts(doc: ProseMirrorNode): Map<string, string> {
  return new Map(clauseRanges(doc).map((clause) => [clause.id, clausePlainText(clause.node)]));
}

/** The current text of one clause, or undefined when it is not in the document. */
export function currentClauseText(editor: Editor, clauseId: string): string | undefined {
  const clause = clauseRanges(editor.state.doc).find((range) => range.id === clauseId);
  return clause ? clausePlainText(clause.node) : undefined;
}

const REFRESH_DELAY_MS = 150;

export function useClauseTexts(editor: Editor): Map<string, string> {
  const [texts, setTexts] = useState(() => clauseTexts(editor.state.doc));
  useEffect(() => {
    let timer: number | undefined;
    const refresh = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setTexts(clauseTexts(editor.state.doc)), REFRESH_DELAY_MS);
    };
    setTexts(clauseTexts(editor.state.doc));
    editor.on('update', refresh);
    return () => {
      window.clearTimeout(timer);
      editor.off('update', refresh);
    };
  }, [editor]);
  return texts;
}
