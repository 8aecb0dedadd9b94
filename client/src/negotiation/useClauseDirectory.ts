/** The numbered clauses of the editor's document, refreshed shortly after each change. */
import type { Editor } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { useEffect, useState } from 'react';
import { buildDirectory, type ClauseDirectory, type SectionEntry } from './clauseDirectory';
import { clauseRanges } from './editor/clauseRanges';

export function directoryFromDoc(doc: ProseMirrorNode): ClauseDirectory {
  const sections = new Map<string, SectionEntry>();
  const clauses = clauseRanges(doc).map((range) => {
    if (!sections.has(range.sectionNumber)) {
      sections.set(range.sectionNumber, {
        id: range.sectionId,
        number: range.sectionNumber,
        title: range.sectionTitle,
      });
    }
    return {
      id: range.id,
      number: range.number,
      sectionId: range.sectionId,
      sectionNumber: range.sectionNumber,
      sectionTitle: range.sectionTitle,
      text: range.node.textContent,
    };
  });
  return buildDirectory(clauses, [...sections.values()]);
}

const REFRESH_DELAY_MS = 150;

/** The editor's clauses, refreshed shortly after each change. */
export function useClauseDirectory(editor: Editor): ClauseDirectory {
  const [directory, setDirectory] = useState(() => directoryFromDoc(editor.state.doc));
  useEffect(() => {
    let timer: number | undefined;
    const refresh = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setDirectory(directoryFromDoc(editor.state.doc)), REFRESH_DELAY_MS);
    };
    setDirectory(directoryFromDoc(editor.state.doc));
    editor.on('update', refresh);
    return () => {
      window.clearTimeout(timer);
      editor.off('update', refresh);
    };
  }, [editor]);
  return directory;
}
